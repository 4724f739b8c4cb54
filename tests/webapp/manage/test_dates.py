"""Dates and times on the content owner's pages: a review date and the moment
of a change are written alike, in the page's language."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from flask.testing import FlaskClient

from tests.support import sign_in_as, text_of
from tests.webapp.manage.test_routes import form

ISO_MOMENT = re.compile(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}")


@pytest.mark.parametrize(
    ("lang", "review", "moment"),
    [
        ("en", "10 January 2026", r"\d{1,2} [A-Z][a-z]+ \d{4}, \d{2}:\d{2} CES?T"),
        ("de", "10. Januar 2026", r"\d{1,2}\. [A-ZÄ][a-zä]+ \d{4}, \d{2}:\d{2} MES?Z"),
    ],
)
def test_the_list_and_the_history_write_dates_and_times_alike(
    client: FlaskClient, content: Path, lang: str, review: str, moment: str
) -> None:
    token = sign_in_as(client, "cora")
    saved = client.post(
        "/manage/edit/it/vpn-setup.md",
        data=form(token, review_by="2026-01-10", message="office"),
    )
    assert saved.status_code == 303
    listed = text_of(client.get(f"/manage/?department=it&hl={lang}"))
    assert review in listed and re.search(moment, listed), listed
    history = text_of(client.get(f"/manage/history/it/vpn-setup.md?hl={lang}"))
    assert re.search(moment, history), history
    for page in (listed, history):
        assert not ISO_MOMENT.search(page)


REVIEW_SHOWN = re.compile(
    r'<output class="date-shown" id="e-review-shown" for="e-review"'
    r' data-locale="([^"]+)">([^<]*)</output>'
)


@pytest.mark.parametrize(
    ("lang", "locale", "shown"),
    [("en", "en-GB", "10 January 2026"), ("de", "de", "10. Januar 2026")],
)
def test_the_review_date_says_its_date_as_the_page_writes_dates(
    client: FlaskClient, lang: str, locale: str, shown: str
) -> None:
    """Under ?hl=de Chromium in English showed "01/10/2026" in the review date,
    read as 1 October by a German reader: under it the date in the page's
    language, named in the field's description; a new article has none."""
    sign_in_as(client, "cora")
    html = text_of(client.get(f"/manage/edit/it/vpn-setup.md?hl={lang}"))
    assert REVIEW_SHOWN.findall(html) == [(locale, shown)]
    field = re.search(r'<input id="e-review"[^>]*>', html)
    assert field is not None and 'aria-describedby="e-review-shown"' in field[0]
    label = "Review by" if lang == "en" else "Prüfen bis"
    assert f'<label for="e-review">{label}</label>' in html
    assert REVIEW_SHOWN.findall(text_of(client.get(f"/manage/new?hl={lang}"))) == [(locale, "")]


def test_a_refused_review_date_is_read_with_the_error(client: FlaskClient, content: Path) -> None:
    token = sign_in_as(client, "cora")
    refused = client.post(
        "/manage/edit/it/vpn-setup.md?hl=de", data=form(token, review_by="next week")
    )
    html = text_of(refused)
    field = re.search(r'<input id="e-review"[^>]*>', html)
    assert field is not None, html
    assert 'aria-invalid="true" aria-describedby="editor-error e-review-shown"' in field[0]
