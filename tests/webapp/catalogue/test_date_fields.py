"""A catalogue form's date field says its date in the page's language: a native
picker writes it as the browser's language does, whatever the page's."""

from __future__ import annotations

import re

import pytest
from flask.testing import FlaskClient

from tests.webapp.catalogue.test_routes import form_page, post_form

pytestmark = pytest.mark.usefixtures("catalogue_content", "people")

SHOWN = re.compile(
    r'<output class="date-shown" id="field-needed_by-shown" for="field-needed_by"'
    r' data-locale="([^"]+)">([^<]*)</output>'
)


def field_of(html: str) -> str:
    found = re.search(r'<input id="field-needed_by"[^>]*>', html)
    assert found is not None, html
    return found[0]


@pytest.mark.parametrize(
    ("lang", "locale", "shown"), [("en", "en-GB", "4 January 2099"), ("de", "de", "4. Januar 2099")]
)
def test_the_date_field_says_its_date_as_the_page_writes_dates(
    client: FlaskClient, lang: str, locale: str, shown: str
) -> None:
    """Under ?hl=de Chromium in English showed "01/04/2099" in the field, read as
    1 April by a German reader: under it the date in the page's language, named
    in the field's description after its help, its label untouched."""
    page = form_page(client, f"/catalogue/laptop?hl={lang}")
    assert SHOWN.findall(page) == [(locale, "")]  # nothing picked yet
    refused = post_form(client, page, model="developer", needed_by="2099-01-04")
    assert refused.status_code == 400  # for whom is missing; what was typed is kept
    html = refused.get_data(as_text=True)
    assert SHOWN.findall(html) == [(locale, shown)]
    assert 'aria-describedby="field-needed_by-help field-needed_by-shown"' in field_of(html)
    label = "Needed by" if lang == "en" else "Benötigt bis"
    assert f'<label for="field-needed_by">{label} <span class="optional">' in html


def test_a_date_that_is_none_shows_nothing_under_it(client: FlaskClient) -> None:
    """Typed where the browser has no picker, "04.12.2026" is refused and named;
    the text under the field does not guess a date."""
    page = form_page(client, "/catalogue/laptop?hl=de")
    html = post_form(client, page, for_whom="Ada", model="developer", needed_by="04.12.2026")
    text = html.get_data(as_text=True)
    assert SHOWN.findall(text) == [("de", "")]
    field = field_of(text)
    assert 'value="04.12.2026"' in field and 'aria-invalid="true"' in field
    described = "field-needed_by-help field-needed_by-error field-needed_by-shown"
    assert f'aria-describedby="{described}"' in field
