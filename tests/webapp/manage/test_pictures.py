"""The editor's picture upload: the form beside a saved article, the script's
JSON answer with the Markdown to insert, the picture held until the article
is saved, refusals that name the problem, and the roles and CSRF rules of the
editor (nothing written for anyone refused)."""

from __future__ import annotations

import io
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from indexer.build import IndexBuilder
from kb.authoring import picture_names
from kb.content.markdown_article import parse_article
from kb.settings import Settings
from tests.support import HashingEmbedder, error_of, sign_in_as, text_of
from tests.webapp.manage.test_routes import form
from webapp.services import services

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
SVG = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
JSON = {"Accept": "application/json"}
# Who may not add a picture to the article: (user, article id).
NOT_OWNERS = [
    ("emma", "it/vpn-setup.md"),  # an employee
    ("helga", "it/vpn-setup.md"),  # a content owner of HR, not of IT
    ("cora", "hr/annual-leave.md"),  # a content owner of IT, not of HR
]


def post_picture(
    client: FlaskClient,
    token: str,
    data: bytes,
    filename: str,
    article_id: str = "it/vpn-setup.md",
    headers: dict[str, str] | None = None,
    **fields: Any,
) -> Any:
    form = {"csrf_token": token, **fields, "file": (io.BytesIO(data), filename)}
    return client.post(
        f"/manage/picture/{article_id}",
        data=form,
        content_type="multipart/form-data",
        headers=headers or {},
    )


def test_the_editor_offers_the_upload_and_says_what_to_paste(
    client: FlaskClient, content: Path
) -> None:
    token = sign_in_as(client, "cora")
    editor = text_of(client.get("/manage/edit/it/vpn-setup.md"))
    assert 'action="/manage/picture/it/vpn-setup.md"' in editor
    assert 'enctype="multipart/form-data"' in editor and 'name="alt"' in editor
    assert "Save the article once" in text_of(client.get("/manage/new?department=it"))
    response = post_picture(client, token, PNG, "VPN Client.png", alt="The VPN client")
    assert response.status_code == 303 and response.location.endswith(
        "/manage/edit/it/vpn-setup.md"
    )
    assert not (content / "it" / "vpn-client.png").exists()  # held until the save
    page = text_of(client.get(response.location))
    assert "Picture vpn-client.png is ready" in page and "when you save the article" in page
    assert "![The VPN client](vpn-client.png)" in page
    body = "## Connect\n\n![The VPN client](vpn-client.png)\n\nOpen the client."
    saved = client.post("/manage/edit/it/vpn-setup.md", data=form(token, body=body))
    assert saved.status_code == 303
    assert (content / "it" / "vpn-client.png").read_bytes() == PNG
    assert "not added" not in text_of(client.get(saved.location))


def test_a_save_that_cannot_write_a_picture_says_so(client: FlaskClient, content: Path) -> None:
    token = sign_in_as(client, "cora")
    assert post_picture(client, token, PNG, "plan.png", headers=JSON).status_code == 201
    (content / "it" / "Plan.png").write_bytes(b"copied in on disk meanwhile")
    body = "## Connect\n\n![Plan](plan.png)"
    saved = client.post("/manage/edit/it/vpn-setup.md", data=form(token, body=body))
    page = text_of(client.get(saved.location))
    assert "Saved as version 2" in page  # the article itself is saved
    assert "A picture was not added to the article&#39;s folder" in page
    assert "it/Plan.png already exists" in page
    assert (content / "it" / "Plan.png").read_bytes() == b"copied in on disk meanwhile"


def test_the_script_gets_the_markdown_to_insert(
    client: FlaskClient, content: Path, app: Flask
) -> None:
    token = sign_in_as(client, "ada")
    response = post_picture(
        client, token, PNG, "x.png", headers=JSON, name="panel.png", alt="Panel [front]"
    )
    assert response.status_code == 201
    body = response.get_json()
    assert body["markdown"] == "![Panel \\[front\\]](panel.png)"
    assert (body["name"], body["media_type"], body["size"]) == ("panel.png", "image/png", len(PNG))
    assert "put into the text at the cursor" in body["message"]
    again = post_picture(client, token, PNG, "panel.png", headers=JSON)
    assert error_of(again, 409, "conflict")["details"]["id"] == "it/panel.png"
    replaced = post_picture(client, token, PNG + b"2", "panel.png", headers=JSON, replace="1")
    assert replaced.status_code == 200 and replaced.get_json()["replaced"] is True


@pytest.mark.parametrize(
    ("data", "filename", "said"),
    [
        (SVG, "plan.svg", "SVG can carry script"),
        (SVG, "plan.png", "markup (HTML or SVG)"),
        (b"", "plan.png", "plan.png is empty"),
        (PNG, "", "Choose a file to upload"),
    ],
)
def test_a_refusal_names_the_problem_beside_the_form(
    client: FlaskClient, content: Path, data: bytes, filename: str, said: str
) -> None:
    token = sign_in_as(client, "cora")
    before = sorted(p.name for p in (content / "it").iterdir())
    page = post_picture(client, token, data, filename)
    assert page.status_code == 400
    text = text_of(page)
    assert 'id="picture-error"' in text and said in text.replace("&#34;", '"')
    assert error_of(
        post_picture(client, token, data, filename, headers=JSON), 400, "invalid_request"
    )
    assert sorted(p.name for p in (content / "it").iterdir()) == before


@pytest.mark.parametrize(
    ("data", "reason", "said"),
    [
        (SVG, "markup", "enthält Auszeichnungen (HTML oder SVG)"),
        (b"%PDF-1.7", "not_a_picture", "kein Bild im Format PNG, JPEG, GIF oder WebP"),
    ],
)
def test_not_a_picture_is_said_whole_in_german(
    client: FlaskClient, content: Path, data: bytes, reason: str, said: str
) -> None:
    token = sign_in_as(client, "cora")
    german = {**JSON, "Accept-Language": "de"}
    answer = post_picture(client, token, data, "plan.png", headers=german)
    error = error_of(answer, 400, "invalid_request")
    assert error["details"]["reason"] == reason
    message = error["message"]
    assert said in message and message.startswith("plan.png wird nicht gezeigt")
    for english in ("its bytes", "markup (", "not a PNG", "picture"):
        assert english not in message
    page = text_of(post_picture(client, token, data, "plan.png", headers={"Accept-Language": "de"}))
    assert said in page
    english = post_picture(client, token, data, "plan.png", headers=JSON)
    assert "its bytes are" in error_of(english, 400, "invalid_request")["message"]


def test_a_name_with_a_path_is_refused(client: FlaskClient, content: Path) -> None:
    token = sign_in_as(client, "cora")
    for name in ("../hr/x.png", "pics/x.png", ".x.png", "X Y.png"):
        answer = post_picture(client, token, PNG, "x.png", headers=JSON, name=name)
        assert error_of(answer, 400, "invalid_request")["details"]["field"] == "name"
    assert not (content / "hr" / "x.png").exists() and not (content / "it" / "x.png").exists()


@pytest.mark.parametrize(("user", "article_id"), NOT_OWNERS)
def test_who_may_not_edit_the_article_may_not_add_a_picture(
    client: FlaskClient, content: Path, user: str, article_id: str
) -> None:
    token = sign_in_as(client, user)
    assert post_picture(client, token, PNG, "plan.png", article_id).status_code == 403
    answer = post_picture(client, token, PNG, "plan.png", article_id, headers=JSON)
    error_of(answer, 403, "forbidden")
    assert not list(content.rglob("plan.png"))


def test_an_upload_needs_the_csrf_token(client: FlaskClient, content: Path) -> None:
    sign_in_as(client, "cora")
    assert post_picture(client, "forged", PNG, "plan.png").status_code == 403
    assert post_picture(client, "forged", PNG, "plan.png", headers=JSON).status_code == 403
    fresh = post_picture(FlaskClient(client.application), "", PNG, "plan.png")
    assert fresh.status_code in (302, 303, 401, 403)
    assert not (content / "it" / "plan.png").exists()


def test_a_body_past_the_picture_limit_is_refused_unread(
    client: FlaskClient, content: Path, app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings: Settings = services(app).settings
    monkeypatch.setattr(services(app), "settings", replace(settings, image_max_bytes=1_000))
    token = sign_in_as(client, "cora")
    big = PNG + bytes(200_000)
    answer = post_picture(client, token, big, "big.png", headers=JSON)
    assert "image_max_bytes" in error_of(answer, 413, "invalid_request")["message"]
    page = post_picture(client, token, big, "big.png")
    assert page.status_code == 413 and 'id="picture-error"' in text_of(page)
    small = post_picture(client, token, PNG + bytes(2_000), "big.png", headers=JSON)
    assert error_of(small, 400, "invalid_request")["details"]["max"] == 1_000
    assert not (content / "it" / "big.png").exists()


def test_a_name_a_published_article_shows_is_refused_under_the_four_eyes_rule(
    client: FlaskClient, content: Path
) -> None:
    leave = content / "hr" / "annual-leave.md"
    leave.write_text(leave.read_text() + "\n![Leave form](leave-form.png)\n", encoding="utf-8")
    token = sign_in_as(client, "helga")
    answer = post_picture(client, token, PNG, "leave-form.png", "hr/annual-leave.md", JSON)
    error = error_of(answer, 409, "conflict")
    assert error["details"]["articles"] == ["hr/annual-leave.md"]
    assert (
        "Human Resources publishes only what another content owner approved" in (error["message"])
    )
    page = post_picture(client, token, PNG, "leave-form.png", "hr/annual-leave.md")
    assert page.status_code == 409 and "another name" in text_of(page)
    assert not (content / "hr" / "leave-form.png").exists()


def test_a_new_worker_takes_what_unchanged_articles_name_from_the_index(
    client: FlaskClient, content: Path, app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    # "Q&A" may hide a name: without the index each such article is rendered.
    leave = content / "hr" / "annual-leave.md"
    leave.write_text(leave.read_text() + "\nQ&A ![Leave form](leave-form.png)\n", "utf-8")
    settings = services(app).settings.replace(secondary_model="")
    assert IndexBuilder(settings, embedder=HashingEmbedder()).run().published
    rendered: list[str] = []

    def render(raw: bytes, article_id: str, **kwargs: Any) -> Any:
        rendered.append(article_id)
        return parse_article(raw, article_id, **kwargs)

    monkeypatch.setattr(picture_names, "parse_article", render)
    token = sign_in_as(client, "helga")
    answer = post_picture(client, token, PNG, "leave-form.png", "hr/annual-leave.md", JSON)
    assert error_of(answer, 409, "conflict")["details"]["articles"] == ["hr/annual-leave.md"]
    assert rendered == []
    leave.write_text(leave.read_text().replace("leave-form", "form"), "utf-8")  # edited since
    answer = post_picture(client, token, PNG, "form.png", "hr/annual-leave.md", JSON)
    assert error_of(answer, 409, "conflict")["details"]["articles"] == ["hr/annual-leave.md"]
    assert rendered == ["hr/annual-leave.md"]
