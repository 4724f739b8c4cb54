"""The period's date fields say their date in the page's language: a native
picker writes it as the browser's language does, whatever the page's."""

from __future__ import annotations

import re

import pytest
from flask.testing import FlaskClient

from tests.support import sign_in_as
from tests.webapp.insights.test_routes import topic_id  # noqa: F401 - a fixture, used by name

SHOWN = re.compile(
    r'<output class="date-shown" id="period-(since|until)-shown" for="period-\1" data-locale="([^"]+)">([^<]*)</output>'
)


@pytest.mark.parametrize(
    ("lang", "locale", "since", "until"),
    [
        ("en", "en-GB", "4 December 2026", "5 January 2027"),
        ("de", "de", "4. Dezember 2026", "5. Januar 2027"),
    ],
)
def test_each_date_field_says_its_date_as_the_page_writes_dates(
    client: FlaskClient,
    topic_id: int,  # noqa: F811 - the fixture
    lang: str,
    locale: str,
    since: str,
    until: str,
) -> None:
    """Under ?hl=de Chromium in English showed "12/04/2026" in the field, read
    as 12 April by a German reader: beside each field its date in the page's
    language, and the locale the page's script writes a newly picked date in."""
    sign_in_as(client, "anna")
    for path in ("/insights/", "/insights/gaps", "/insights/requests", "/insights/content"):
        html = client.get(f"{path}?since=2026-12-04&until=2027-01-05&hl={lang}").get_data(True)
        assert SHOWN.findall(html) == [("since", locale, since), ("until", locale, until)], path
        field = re.search(r'<input id="period-since"[^>]*>', html)
        assert field is not None and "period-since-shown" in field[0]  # described by it
        assert '<label for="period-since">' in html  # its label names it


def test_a_date_that_is_none_shows_nothing_beside_it(
    client: FlaskClient,
    topic_id: int,  # noqa: F811 - the fixture
) -> None:
    """Typed where the browser has no picker, "04.12.2026" is refused by the
    server, which names the field; the text beside it does not guess a date."""
    sign_in_as(client, "anna")
    html = client.get("/insights/?since=04.12.2026&hl=de").get_data(as_text=True)
    assert ("since", "de", "") in SHOWN.findall(html)
    assert 'value="04.12.2026"' in html  # what was typed is kept


def test_the_page_script_writes_a_picked_date_in_the_given_locale(client: FlaskClient) -> None:
    script = client.get("/static/kb.js").get_data(as_text=True)
    assert "output.date-shown[data-locale]" in script
    assert "new Intl.DateTimeFormat(output.dataset.locale" in script
