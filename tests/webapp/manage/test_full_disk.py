"""The article API, the editor and document uploads on a content folder whose
disk is full: a 503 that says what is wrong and what to do (never a 500), the
file unchanged, no version recorded, and in the editor everything typed shown
again."""

from __future__ import annotations

import errno
import os
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.support import sign_in_as
from tests.webapp.manage.test_api import BODY, put
from tests.webapp.manage.test_documents import PDF
from tests.webapp.manage.test_documents import put as put_document
from tests.webapp.manage.test_routes import form


def _no_space(fd: int) -> None:
    raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))


@pytest.fixture
def full_disk(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(os, "fsync", _no_space)


def test_the_api_answers_503_naming_the_full_disk_and_the_file_is_unchanged(
    app: Flask, client: FlaskClient, content: Path, full_disk: None
) -> None:
    before = (content / "it" / "vpn-setup.md").read_bytes()
    token = sign_in_as(client, "cora")
    response = put(client, token, "it/vpn-setup.md", BODY, **{"If-Match": '"1"'})
    assert response.status_code == 503, response.get_data(as_text=True)
    error = response.get_json()["error"]
    assert error["code"] == "content_unwritable"
    assert error["details"] == {"id": "it/vpn-setup.md", "reason": "full"}
    assert "full" in error["message"] and "save again" in error["message"]
    assert (content / "it" / "vpn-setup.md").read_bytes() == before
    assert not list(content.rglob(".kb-*.tmp"))


def test_the_editor_shows_the_typed_text_again_with_the_reason(
    app: Flask, client: FlaskClient, content: Path, full_disk: None
) -> None:
    before = (content / "it" / "vpn-setup.md").read_bytes()
    token = sign_in_as(client, "cora")
    response = client.post(
        "/manage/edit/it/vpn-setup.md", data=form(token, body="My long careful text.")
    )
    assert response.status_code == 503
    page = response.get_data(as_text=True)
    assert "My long careful text." in page and "disk of the content folder is full" in page
    assert (content / "it" / "vpn-setup.md").read_bytes() == before


def test_a_document_upload_on_a_full_disk_is_503_and_keeps_the_old_file(
    app: Flask, client: FlaskClient, content: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    token = sign_in_as(client, "cora")
    assert put_document(client, token, "it/policy.pdf", PDF).status_code == 201
    history = client.get("/api/articles/it/policy.pdf/versions").get_json()
    with monkeypatch.context() as patched:
        patched.setattr(os, "fsync", _no_space)
        response = put_document(client, token, "it/policy.pdf", PDF + b"%2", **{"If-Match": '"1"'})
    assert response.status_code == 503, response.get_data(as_text=True)
    assert response.get_json()["error"]["code"] == "content_unwritable"
    assert (content / "it" / "policy.pdf").read_bytes() == PDF
    assert client.get("/api/articles/it/policy.pdf/versions").get_json() == history
    assert not list(content.rglob(".kb-*.tmp"))
