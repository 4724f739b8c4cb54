"""A web node that keeps a read-only copy of the content folder (setting
`write_content` off, one of several nodes): the article API, the editor and
drafts from requests refuse to write, naming the authoring server; nothing is
written, reading goes on, and what was typed is kept."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from kb.authoring.errors import ContentReadOnlyError
from tests.support import sign_in_as
from tests.webapp.manage.test_api import BODY, put
from tests.webapp.manage.test_routes import form
from webapp.services import services, writable_content_root

AUTHORING = "https://kb-edit.example.org/manage/"


@pytest.fixture
def read_only(app: Flask) -> Flask:
    found = services(app)
    found.settings = found.settings.replace(write_content=False, authoring_url=AUTHORING)
    return app


def _files(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}


def test_the_api_refuses_to_write_and_names_the_authoring_server(
    read_only: Flask, client: FlaskClient, content: Path
) -> None:
    before = _files(content)
    token = sign_in_as(client, "cora")
    assert client.get("/api/articles/it/vpn-setup.md").status_code == 200  # reading goes on
    for article_id, headers in (("it/vpn-setup.md", {"If-Match": '"1"'}), ("it/new.md", {})):
        response = put(client, token, article_id, BODY, **headers)
        assert response.status_code == 503, response.get_data(as_text=True)
        error = response.get_json()["error"]
        assert error["code"] == "content_read_only" and AUTHORING in error["message"]
    assert _files(content) == before
    versions = services(read_only).authoring.versions
    assert versions.latest("it/new.md") is None
    assert [v.number for v in versions.versions("it/vpn-setup.md")] in ([], [1])


def test_the_editor_refuses_to_save_and_keeps_what_was_typed(
    read_only: Flask, client: FlaskClient, content: Path
) -> None:
    before = _files(content)
    token = sign_in_as(client, "cora")
    assert client.get("/manage/edit/it/vpn-setup.md").status_code == 200
    response = client.post(
        "/manage/edit/it/vpn-setup.md", data=form(token, body="My long careful text.")
    )
    assert response.status_code == 503
    page = response.get_data(as_text=True)
    assert "My long careful text." in page and AUTHORING in page
    assert _files(content) == before


def test_drafts_from_requests_are_refused_too(read_only: Flask) -> None:
    with read_only.app_context(), pytest.raises(ContentReadOnlyError, match=AUTHORING):
        writable_content_root()


def test_a_writing_node_writes(app: Flask, client: FlaskClient, content: Path) -> None:
    token = sign_in_as(client, "cora")
    response = put(client, token, "it/vpn-setup.md", BODY, **{"If-Match": '"1"'})
    assert response.status_code == 200
    assert "choose *Office*" in (content / "it" / "vpn-setup.md").read_text("utf-8")
    with app.app_context():
        assert writable_content_root() == content


def test_the_refusal_is_worded_in_the_reader_s_language() -> None:
    with_url = ContentReadOnlyError(AUTHORING)
    assert AUTHORING in with_url.message_in("de") and "schreibgeschützt" in with_url.message_in(
        "de"
    )
    assert AUTHORING in with_url.message_in("en")
    assert "Administrierenden" in ContentReadOnlyError().message_in("de")
