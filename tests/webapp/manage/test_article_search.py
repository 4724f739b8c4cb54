"""The search of the content owner's article list: each typed word is found
in a title, id or owner regardless of case, accents and spelled-out umlauts."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from flask.testing import FlaskClient

from tests.support import sign_in_as, text_of

GERMAN = {
    "gehalt.md": "Überweisung des Gehalts",
    "adresse.md": "Strasse und Hausnummer aendern",
}


@pytest.fixture
def content(content: Path) -> Path:
    for name, title in GERMAN.items():
        (content / "hr" / name).write_text(
            f"---\ntitle: {title}\nlang: de\nstatus: draft\n---\nText.\n", encoding="utf-8"
        )
    return content


def _listed(client: FlaskClient, query: str) -> set[str]:
    page = text_of(client.get("/manage/", query_string={"department": "hr", "q": query}))
    return set(re.findall(r'<tr[^>]* data-article="([^"]+)"', page))


@pytest.mark.parametrize(
    ("query", "found"),
    [
        ("Ueberweisung", {"hr/gehalt.md"}),  # typed without the umlaut
        ("überweisung GEHALTS", {"hr/gehalt.md"}),  # every word, any case
        ("uberweisung", {"hr/gehalt.md"}),
        ("Straße ändern", {"hr/adresse.md"}),  # written without, typed with
        ("strasse", {"hr/adresse.md"}),
        ("annual", {"hr/annual-leave.md"}),
        ("Überweisung Strasse", set()),
    ],
)
def test_either_spelling_of_a_german_word_finds_the_article(
    client: FlaskClient, query: str, found: set[str]
) -> None:
    sign_in_as(client, "helga")
    assert _listed(client, query) == found
    assert len(_listed(client, "")) == 3
