"""A new article's id or a rename's new name holding a control that reorders
the text after it (U+202E and the other bidi controls the scanner refuses in a
file name) is refused by the JSON API and the editor, in the reader's language,
with the control named instead of echoed, and nothing is written."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from flask.testing import FlaskClient

from tests.support import error_of, sign_in_as, text_of
from tests.webapp.manage.test_api import BODY, put
from tests.webapp.manage.test_routes import form

NAMES = ["pay\u202efdp", "pay\u2066fdp\u2069"]
SAID = {
    "en": "holds a control that reorders the text after it",
    "de": "enthält ein Steuerzeichen, das den Text danach umordnet",
}


def _files(content: Path) -> list[str]:
    """The content files (not the edit lock a write takes)."""
    found = (p.relative_to(content).as_posix() for p in content.rglob("*") if p.is_file())
    return sorted(name for name in found if name != ".kb-edit.lock")


def _said(message: str, name: str, lang: str) -> None:
    """The refusal says why, names the control, and never holds it itself (the
    rest of the message would read reordered)."""
    assert SAID[lang] in message, message
    assert "U+202E" in message or "U+2066, U+2069" in message, message
    assert not any("\u202a" <= c <= "\u202e" or "\u2066" <= c <= "\u2069" for c in message)
    assert name[:3] in message


def _alert(page: str, element: str) -> str:
    """The text of the page's error paragraph `element`."""
    found = re.search(rf'<p id="{element}"[^>]*>(.*?)</p>', page, re.S)
    assert found, page
    return found.group(1)


@pytest.mark.parametrize("lang", ["en", "de"])
@pytest.mark.parametrize("name", NAMES)
def test_the_api_creates_no_article_whose_id_reorders_text(
    client: FlaskClient, content: Path, name: str, lang: str
) -> None:
    token = sign_in_as(client, "cora")
    before = _files(content)
    answer = put(client, token, f"it/{name}.md", BODY, **{"Accept-Language": lang})
    error = error_of(answer, 400, "invalid_request")
    _said(error["message"], name, lang)
    assert error["details"]["field"] == "id"
    assert _files(content) == before


@pytest.mark.parametrize("lang", ["en", "de"])
def test_the_api_renames_no_article_to_a_name_that_reorders_text(
    client: FlaskClient, content: Path, lang: str
) -> None:
    token = sign_in_as(client, "cora")
    before = _files(content)
    answer = client.post(
        "/api/articles/it/vpn-setup.md/move",
        json={"name": f"{NAMES[0]}.md"},
        headers={"X-CSRF-Token": token, "If-Match": '"1"', "Accept-Language": lang},
    )
    _said(error_of(answer, 400, "invalid_request")["message"], NAMES[0], lang)
    assert _files(content) == before


@pytest.mark.parametrize("lang", ["en", "de"])
def test_the_editor_creates_and_renames_no_article_to_a_name_that_reorders_text(
    client: FlaskClient, content: Path, lang: str
) -> None:
    token = sign_in_as(client, "cora")
    before = _files(content)
    german = {"Accept-Language": lang}
    new = form(token, title="Payment guide", slug=NAMES[0], department="it")
    created = client.post("/manage/new", data=new, headers=german)
    assert created.status_code == 400
    _said(_alert(text_of(created), "editor-error"), NAMES[0], lang)
    assert "Payment guide" in text_of(created)  # the typed article is shown again
    moved = client.post(
        "/manage/move/it/vpn-setup.md",
        data={"csrf_token": token, "slug": NAMES[0], "version": "1"},
        headers=german,
    )
    assert moved.status_code == 400
    _said(_alert(text_of(moved), "move-error"), NAMES[0], lang)
    assert _files(content) == before
