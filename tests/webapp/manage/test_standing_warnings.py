"""A rename and a discard of changes save no typed text, yet leave an article
whose file `kb validate` may warn of: the API answers those warnings as a
`PUT` does, and the editor's page they lead back to lists them, in English
and German."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from flask.testing import FlaskClient

from tests.support import run_kb, sign_in_as, text_of
from tests.webapp.manage.test_discarding import drafted_over_published

ARTICLE = "it/vpn-setup.md"


@pytest.fixture
def warned(content: Path) -> Path:
    """it/vpn-setup.md as published on disk with two things kb validate warns of:
    an audience of everyone and a group, and a picture whose file is not there."""
    path = content / ARTICLE
    text = path.read_text(encoding="utf-8").replace(
        "lang: en\n", "lang: en\naudience: [everyone, hr]\n"
    )
    path.write_text(text + "\n![Plan](plan.png)\n", encoding="utf-8")
    return path


def validated(content: Path, article_id: str) -> list[dict[str, Any]]:
    result = run_kb({}, "validate", "--content", str(content), "--json")
    return [p for p in json.loads(result.output)["problems"] if p["path"] == article_id]


def items(page: str) -> list[str]:
    box = page.split('id="editor-warnings"', 1)[1].split("</section>", 1)[0]
    return box.split('<li class="field-warning">')[1:]


def without_said(warnings: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{k: v for k, v in w.items() if k not in ("field", "said")} for w in warnings]


def test_the_api_s_rename_answers_the_warnings_of_the_article_under_its_new_name(
    client: FlaskClient, content: Path, warned: Path
) -> None:
    """The answer had no `warnings`: a script renaming an article never heard
    what kb validate says of it."""
    token = sign_in_as(client, "cora")
    done = client.post(
        f"/api/articles/{ARTICLE}/move?hl=de",
        json={"name": "vpn-from-home"},
        headers={"X-CSRF-Token": token, "If-Match": '"1"'},
    )
    assert done.status_code == 200, done.get_data(as_text=True)
    warnings = done.get_json()["warnings"]
    assert without_said(warnings) == validated(content, "it/vpn-from-home.md")
    assert {w["kind"] for w in warnings} == {"audience", "image"}
    [audience] = [w for w in warnings if w["kind"] == "audience"]
    assert audience["field"] == "audience" and audience["said"].startswith("Zielgruppe: ")


def test_the_api_s_discard_of_changes_answers_the_warnings_of_the_text_made_current(
    client: FlaskClient, content: Path, warned: Path
) -> None:
    token = sign_in_as(client, "cora")
    drafted_over_published(client, token)
    done = client.post(
        f"/api/articles/{ARTICLE}/discard-changes",
        headers={"X-CSRF-Token": token, "If-Match": '"2"'},
    )
    assert done.status_code == 200, done.get_data(as_text=True)
    warnings = done.get_json()["warnings"]
    assert without_said(warnings) == validated(content, ARTICLE)
    assert {w["kind"] for w in warnings} == {"audience", "image"}
    assert all(w["said"] for w in warnings)


@pytest.mark.parametrize(("lang", "where"), [("en", "Audience"), ("de", "Zielgruppe")])
def test_the_editor_after_a_rename_lists_the_warnings(
    client: FlaskClient, warned: Path, lang: str, where: str
) -> None:
    token = sign_in_as(client, "cora")
    done = client.post(
        f"/manage/move/{ARTICLE}?hl={lang}",
        data={"csrf_token": token, "version": "1", "slug": "vpn-from-home"},
    )
    assert done.status_code == 303
    listed = items(text_of(client.get(f"{done.location}?hl={lang}")))
    assert len(listed) == 2
    assert any(item.startswith(f"<strong>{where}</strong>: ") for item in listed)
    assert any("plan.png" in item for item in listed)


@pytest.mark.parametrize(("lang", "where"), [("en", "Audience"), ("de", "Zielgruppe")])
def test_the_editor_after_a_discard_of_changes_lists_the_warnings(
    client: FlaskClient, warned: Path, lang: str, where: str
) -> None:
    token = sign_in_as(client, "cora")
    drafted_over_published(client, token)
    assert items(text_of(client.get(f"/manage/edit/{ARTICLE}?hl={lang}"))) == []
    done = client.post(
        f"/manage/discard/{ARTICLE}?hl={lang}",
        data={"csrf_token": token, "version": "2", "what": "changes"},
    )
    assert done.status_code == 303
    listed = items(text_of(client.get(f"{done.location}?hl={lang}")))
    assert len(listed) == 2
    assert any(item.startswith(f"<strong>{where}</strong>: ") for item in listed)
