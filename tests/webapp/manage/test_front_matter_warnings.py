"""What `kb validate` warns of in an article's front matter is said by the
editor after a save, by the preview and by the article API, where it is and
what to do, in English and German; the save itself goes through."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from flask.testing import FlaskClient

from tests.support import run_kb, sign_in_as, text_of
from tests.webapp.manage.test_link_warnings import form
from tests.webapp.test_api import fields_of
from webapp.openapi.document import openapi_document

ARTICLE = "it/vpn-setup.md"


def validate_warnings(content: Path) -> list[dict[str, Any]]:
    result = run_kb({}, "validate", "--content", str(content), "--json")
    return [p for p in json.loads(result.output)["problems"] if p["path"] == ARTICLE]


@pytest.mark.parametrize(
    ("lang", "where", "said"),
    [
        ("en", "Audience", "remove everyone to limit it to hr"),
        ("de", "Zielgruppe", "hr"),
    ],
)
def test_a_save_with_everyone_and_a_group_is_saved_and_warned_of_on_the_page(
    client: FlaskClient, content: Path, lang: str, where: str, said: str
) -> None:
    """The editor said nothing, while kb validate warned that everyone can read it."""
    token = sign_in_as(client, "cora")
    data = {**form(token, "Open the client."), "audience": "everyone, hr"}
    saved = client.post(f"/manage/edit/{ARTICLE}?hl={lang}", data=data)
    assert saved.status_code == 303  # a warning, not a refusal
    assert "audience: [everyone, hr]" in (content / ARTICLE).read_text()
    [warning] = validate_warnings(content)
    assert warning["kind"] == "audience"
    editor = text_of(client.get(f"/manage/edit/{ARTICLE}?hl={lang}"))
    box = editor.split('id="editor-warnings"', 1)[1].split("</section>", 1)[0]
    assert "hidden" not in box.split(">", 1)[0]
    [item] = box.split('<li class="field-warning">')[1:]
    assert item.startswith(f"<strong>{where}</strong>: ")
    assert said in item
    if lang == "de":
        assert "alle" in item.lower() and "everyone can read" not in item


def test_an_article_without_warnings_shows_none(client: FlaskClient) -> None:
    sign_in_as(client, "cora")
    editor = text_of(client.get(f"/manage/edit/{ARTICLE}"))
    box = editor.split('id="editor-warnings"', 1)[1].split("</section>", 1)[0]
    assert box.split(">", 1)[0].endswith(" hidden") and "<li" not in box
    # A readable file is never called one that is not in search.
    assert "is not in search as it is" not in editor


def test_a_warning_is_not_shown_as_a_file_not_in_search(client: FlaskClient, content: Path) -> None:
    """A file with a warning alone is indexed: the editor called it unsearchable."""
    path = content / ARTICLE
    path.write_text(path.read_text().replace("tags:", "tag: [x]\ntags:"), encoding="utf-8")
    sign_in_as(client, "cora")
    editor = text_of(client.get(f"/manage/edit/{ARTICLE}"))
    assert "is not in search as it is" not in editor
    box = editor.split('id="editor-warnings"', 1)[1].split("</section>", 1)[0]
    assert "<strong>Field tag (in the file, not shown here)</strong>" in box
    assert "did you mean" in box


def test_the_api_answers_the_warnings_of_a_put_in_the_shape_documented(
    client: FlaskClient, content: Path
) -> None:
    token = sign_in_as(client, "cora")
    got = client.get(f"/api/articles/{ARTICLE}")
    body = {
        "title": "VPN setup",
        "body": "Open the client.",
        "audience": ["everyone", "hr"],
        "status": "published",
    }
    put = client.put(
        f"/api/articles/{ARTICLE}?hl=de",
        json=body,
        headers={"X-CSRF-Token": token, "If-Match": got.headers["ETag"]},
    )
    assert put.status_code == 200, put.get_data(as_text=True)
    answer = put.get_json()
    [warning] = answer["warnings"]
    # kb validate's own problem, word for word, with the field and the German line.
    assert {k: v for k, v in warning.items() if k not in ("field", "said")} == (
        validate_warnings(content)[0]
    )
    assert warning["field"] == "audience" and warning["said"].startswith("Zielgruppe: ")
    described = openapi_document(client.application)["components"]["schemas"]
    assert fields_of(answer) <= fields_of(described["StoredArticle"]["properties"], schema=True)
    required = described["StoredArticle"]["properties"]["warnings"]["items"]["required"]
    assert set(required) == set(warning)
    # Corrected, the next save answers none.
    fixed = client.put(
        f"/api/articles/{ARTICLE}",
        json={**body, "audience": ["hr"]},
        headers={"X-CSRF-Token": token, "If-Match": put.headers["ETag"]},
    )
    assert fixed.status_code == 200 and fixed.get_json()["warnings"] == []


def test_a_restore_answers_the_warnings_of_the_text_it_made_current(
    client: FlaskClient,
) -> None:
    token = sign_in_as(client, "cora")
    headers = {"X-CSRF-Token": token}
    got = client.get(f"/api/articles/{ARTICLE}")
    first = client.put(
        f"/api/articles/{ARTICLE}",
        json={"title": "VPN setup", "body": "", "status": "published"},
        headers={**headers, "If-Match": got.headers["ETag"]},
    )
    assert [w["kind"] for w in first.get_json()["warnings"]] == ["no_text"]
    second = client.put(
        f"/api/articles/{ARTICLE}",
        json={"title": "VPN setup", "body": "Open it.", "status": "published"},
        headers={**headers, "If-Match": first.headers["ETag"]},
    )
    assert second.get_json()["warnings"] == []
    restored = client.post(
        f"/api/articles/{ARTICLE}/restore",
        json={"version": int(first.headers["ETag"].strip('"'))},
        headers={**headers, "If-Match": second.headers["ETag"]},
    )
    assert restored.status_code == 200, restored.get_data(as_text=True)
    [warning] = restored.get_json()["warnings"]
    assert warning["kind"] == "no_text" and warning["field"] == "body"


@pytest.mark.parametrize(("lang", "where"), [("en", "Audience"), ("de", "Zielgruppe")])
def test_the_preview_warns_of_the_fields_as_typed(
    client: FlaskClient, lang: str, where: str
) -> None:
    token = sign_in_as(client, "cora")

    def preview(**fields: Any) -> dict[str, Any]:
        response = client.post(
            f"/api/preview?hl={lang}",
            json={"body": "Open the client.", "id": ARTICLE, "title": "VPN", **fields},
            headers={"X-CSRF-Token": token},
        )
        assert response.status_code == 200, response.get_data(as_text=True)
        return dict(response.get_json())

    everyone = "alle" if lang == "de" else "everyone"  # as the page's field shows it
    answer = preview(audience=f"{everyone}, hr")
    [warning] = answer["warnings"]
    assert warning["field"] == "audience" and warning["said"].startswith(f"{where}: ")
    described = openapi_document(client.application)["paths"]["/api/preview"]["post"]
    schema = described["responses"]["200"]["content"]["application/json"]["schema"]
    assert fields_of(answer) <= fields_of(schema["properties"], schema=True)
    assert preview(audience="hr")["warnings"] == []
    assert preview()["warnings"] == []  # an old client's body alone
