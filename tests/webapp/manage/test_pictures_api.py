"""`POST /api/articles/<id>/pictures`: the editor's picture upload for API
clients, with the article API's roles and CSRF rule, and its refusals in the
one error shape (nothing written for anyone refused)."""

from __future__ import annotations

import hashlib
import io
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from kb.settings import Settings
from tests.support import error_of, sign_in_as
from tests.webapp.manage.test_api import BODY
from tests.webapp.manage.test_api import put as put_article
from tests.webapp.manage.test_pictures import NOT_OWNERS, PNG, SVG
from webapp.services import services


def post(
    client: FlaskClient,
    token: str | None,
    data: bytes,
    filename: str,
    article_id: str = "it/vpn-setup.md",
    **fields: str,
) -> Any:
    headers = {} if token is None else {"X-CSRF-Token": token}
    return client.post(
        f"/api/articles/{article_id}/pictures",
        data={**fields, "file": (io.BytesIO(data), filename)},
        content_type="multipart/form-data",
        headers=headers,
    )


def test_a_picture_is_written_beside_the_article_and_answered(
    client: FlaskClient, content: Path
) -> None:
    token = sign_in_as(client, "cora")
    answer = post(client, token, PNG, "VPN Client.PNG", alt="The VPN client")
    assert answer.status_code == 201, answer.get_data(as_text=True)
    body = answer.get_json()
    assert body["markdown"] == "![The VPN client](vpn-client.png)"
    assert (body["article"], body["name"], body["media_type"], body["size"]) == (
        "it/vpn-setup.md",
        "vpn-client.png",
        "image/png",
        len(PNG),
    )
    assert body["sha256"] == hashlib.sha256(PNG).hexdigest() and body["replaced"] is False
    assert not (content / "it" / "vpn-client.png").exists()  # held until the article is saved
    again = post(client, token, PNG + b"2", "vpn-client.png")
    assert error_of(again, 409, "conflict")["details"]["id"] == "it/vpn-client.png"
    replaced = post(client, token, PNG + b"2", "vpn-client.png", replace="1")
    assert replaced.status_code == 200 and replaced.get_json()["replaced"] is True
    # The article saved through the API names it: written, and said so.
    text = {**BODY, "body": f"## Connect\n\n{body['markdown']}\n"}
    saved = put_article(client, token, "it/vpn-setup.md", text, **{"If-Match": '"1"'})
    assert saved.status_code == 200, saved.get_data(as_text=True)
    answer = saved.get_json()
    assert (answer["pictures_saved"], answer["pictures_refused"]) == (["vpn-client.png"], [])
    assert (content / "it" / "vpn-client.png").read_bytes() == PNG + b"2"


def test_a_picture_the_save_cannot_write_is_answered_in_the_error_shape(
    client: FlaskClient, content: Path
) -> None:
    token = sign_in_as(client, "cora")
    assert post(client, token, PNG, "plan.png").status_code == 201
    (content / "it" / "plan.png").write_bytes(b"copied in on disk meanwhile")
    text = {**BODY, "body": "## Connect\n\n![Plan](plan.png)\n"}
    saved = put_article(client, token, "it/vpn-setup.md", text, **{"If-Match": '"1"'})
    assert saved.status_code == 200 and saved.get_json()["version"] == 2
    (refused,) = saved.get_json()["pictures_refused"]
    assert (refused["code"], refused["details"]["id"]) == ("conflict", "it/plan.png")
    assert (content / "it" / "plan.png").read_bytes() == b"copied in on disk meanwhile"


@pytest.mark.parametrize(("user", "article_id"), NOT_OWNERS)
def test_who_may_not_edit_the_article_gets_403(
    client: FlaskClient, content: Path, user: str, article_id: str
) -> None:
    token = sign_in_as(client, user)
    error_of(post(client, token, PNG, "plan.png", article_id), 403, "forbidden")
    assert not list(content.rglob("plan.png"))


def test_the_session_s_csrf_token_is_needed(client: FlaskClient, content: Path) -> None:
    sign_in_as(client, "cora")
    missing = error_of(post(client, None, PNG, "plan.png"), 403, "forbidden")
    assert missing["details"]["csrf"] == "missing"
    wrong = error_of(post(client, "forged", PNG, "plan.png"), 403, "forbidden")
    assert wrong["details"]["csrf"] == "mismatch"
    anonymous = post(FlaskClient(client.application), None, PNG, "plan.png")
    assert anonymous.status_code == 401 and anonymous.mimetype == "application/json"
    assert not (content / "it" / "plan.png").exists()


@pytest.mark.parametrize(
    ("data", "filename", "name", "field", "said"),
    [
        (SVG, "plan.png", "", "file", "markup (HTML or SVG)"),
        (b"%PDF-1.7", "plan.png", "", "file", "not a PNG, JPEG, GIF or WebP"),
        (SVG, "plan.svg", "", "name", "SVG can carry script"),
        (b"", "plan.png", "", "file", "plan.png is empty"),
        (PNG, "x.png", "../hr/x.png", "name", "holds “..”"),
        (PNG, "x.png", "pics/x.png", "name", "folder"),
        (PNG, "x.png", ".x.png", "name", "hidden"),
        (PNG, "x.png", "X Y.png", "name", "x-y.png"),
    ],
)
def test_a_bad_type_or_name_is_a_400_naming_it(
    client: FlaskClient, content: Path, data: bytes, filename: str, name: str, field: str, said: str
) -> None:
    token = sign_in_as(client, "cora")
    before = sorted(p.name for p in content.rglob("*"))
    error = error_of(post(client, token, data, filename, name=name), 400, "invalid_request")
    assert error["details"]["field"] == field and said in error["message"]
    assert sorted(p.name for p in content.rglob("*")) == before


def test_too_big_is_refused_naming_the_limit(
    client: FlaskClient, content: Path, app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings: Settings = services(app).settings
    monkeypatch.setattr(services(app), "settings", replace(settings, image_max_bytes=1_000))
    token = sign_in_as(client, "cora")
    unread = post(client, token, PNG + bytes(200_000), "big.png")
    assert "image_max_bytes" in error_of(unread, 413, "invalid_request")["message"]
    over = post(client, token, PNG + bytes(2_000), "big.png")
    assert error_of(over, 400, "invalid_request")["details"]["max"] == 1_000
    assert not (content / "it" / "big.png").exists()


def test_under_the_four_eyes_rule_a_name_a_published_article_shows_is_409(
    client: FlaskClient, content: Path
) -> None:
    leave = content / "hr" / "annual-leave.md"
    leave.write_text(leave.read_text() + "\n![Leave form](leave-form.png)\n", encoding="utf-8")
    token = sign_in_as(client, "helga")
    error = error_of(
        post(client, token, PNG, "leave-form.png", "hr/annual-leave.md"), 409, "conflict"
    )
    assert error["details"]["reason"] == "named_by_published"
    created = post(client, token, PNG, "leave-form-2.png", "hr/annual-leave.md")
    assert created.status_code == 201
    assert not (content / "hr" / "leave-form.png").exists()
