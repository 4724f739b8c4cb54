"""The catalogue's headings mark where a German word of 16 letters or more may
break with soft hyphens (`kb.i18n.hyphenation`), as the article and search
pages do: a phone's browser without a German dictionary otherwise broke a form's
title or a department's name at any letter, without a hyphen."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask.testing import FlaskClient

from kb.i18n.hyphenation import SOFT_HYPHEN
from tests.support import text_of
from tests.webapp.catalogue.test_routes import form_page

pytestmark = pytest.mark.usefixtures("catalogue_content", "people")


@pytest.fixture
def catalogue_content(catalogue_content: Path) -> Path:
    """IT's laptop form and IT itself with German names longer than a phone's column."""
    file = catalogue_content / "it" / "_department.yml"
    text = file.read_text(encoding="utf-8").replace(
        "de: Neuer Laptop", "de: Arbeitsplatzrechnerbestellung"
    )
    file.write_text(text + "display_names: {de: Informationstechnikabteilung}\n", encoding="utf-8")
    return catalogue_content


def shown(html: str) -> str:
    return html.replace(SOFT_HYPHEN, "-")


def test_german_headings_of_the_catalogue_may_break_between_syllables(
    client: FlaskClient,
) -> None:
    form = shown(form_page(client, "/catalogue/laptop?hl=de"))
    assert '<h1 id="form-h">Arbeits-platz-' in form, form
    index = text_of(client.get("/catalogue/?hl=de"))
    heading = index[index.index('id="dept-it-h"') :].split("</h2>", 1)[0]
    assert "Infor-mati-ons-tech-nik-abtei-lung" in shown(heading), heading
    # A link's text elsewhere stays as written (searching the page, copying).
    assert "Arbeitsplatzrechnerbestellung</a>" in index


def test_english_headings_are_left_as_written(client: FlaskClient) -> None:
    form = form_page(client, "/catalogue/laptop?hl=en")
    assert '<h1 id="form-h">New laptop</h1>' in form
    assert SOFT_HYPHEN not in text_of(client.get("/catalogue/?hl=en"))
