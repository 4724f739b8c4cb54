"""The interface language: chosen from the browser, overridable, complete in each language."""

from __future__ import annotations

from flask.testing import FlaskClient

from tests.support import text_of
from webapp.i18n import MESSAGES, format_date


def test_language_follows_accept_language_and_can_be_overridden(client: FlaskClient) -> None:
    html = text_of(client.get("/", headers={"Accept-Language": "de-DE,de;q=0.9,en;q=0.5"}))
    assert '<html lang="de">' in html and "Wissensdatenbank durchsuchen" in html
    html = text_of(client.get("/?hl=en", headers={"Accept-Language": "de"}))
    assert '<html lang="en">' in html
    # The choice is remembered.
    html = text_of(client.get("/", headers={"Accept-Language": "de"}))
    assert '<html lang="en">' in html
    html = text_of(client.get("/?hl=xx", headers={"Accept-Language": "fr"}))
    assert '<html lang="en">' in html  # unknown codes are ignored


def test_german_article_page_dates(client: FlaskClient) -> None:
    html = text_of(client.get("/articles/hr/sick-leave.md?hl=de"))
    assert "20. Mai 2026" in html and "Zuletzt aktualisiert" in html


def test_both_catalogues_have_the_same_messages() -> None:
    assert set(MESSAGES["en"]) == set(MESSAGES["de"])
    assert format_date("de", None) == ""
