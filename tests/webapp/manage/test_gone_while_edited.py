"""An article renamed, or a document deleted, while another content owner edits
it through the API: the edit, sent with the version it was based on
(`If-Match`), is refused (412 `stale_edit`, naming the new id where there is
one; a document's 412 `stale_document`), and the old name is not taken again by a new article that would undo the
rename or the delete."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.kb.authoring.test_documents import PDF
from tests.support import sign_in_as, text_of
from tests.webapp.manage.conftest import VPN
from webapp.manage import stored_articles

EDITED = {"title": "VPN setup", "summary": "How to connect from home.", "status": "published"}


def _read(client: FlaskClient, path: str) -> str:
    """The ETag a client reads before it edits."""
    answer = client.get(path)
    assert answer.status_code == 200, answer.get_json()
    return str(answer.headers["ETag"])


def test_an_edit_of_an_article_renamed_meanwhile_is_refused_and_names_the_new_id(
    app: Flask, content: Path
) -> None:
    cora, carl = app.test_client(), app.test_client()
    cora_token, carl_token = sign_in_as(cora, "cora"), sign_in_as(carl, "carl")
    read = _read(cora, "/api/articles/it/vpn-setup.md")
    moved = carl.post(
        "/api/articles/it/vpn-setup.md/move",
        json={"name": "vpn-from-home"},
        headers={"X-CSRF-Token": carl_token, "If-Match": read},
    )
    assert moved.status_code == 200, moved.get_json()
    edit = {**EDITED, "body": "## Connect\n\nOpen the new VPN client.\n"}
    # The version read, in If-Match or in the body.
    for body, headers in ((edit, {"If-Match": read}), ({**edit, "version": read}, {})):
        late = cora.put(
            "/api/articles/it/vpn-setup.md",
            json=body,
            headers={"X-CSRF-Token": cora_token, **headers},
        )
        assert late.status_code == 412, late.get_json()
        error = late.get_json()["error"]
        assert (
            error["code"] == "stale_edit" and error["details"]["moved_to"] == "it/vpn-from-home.md"
        )
        assert "it/vpn-from-home.md" in error["message"]
    assert not (content / "it" / "vpn-setup.md").exists()
    assert (content / "it" / "vpn-from-home.md").read_text(encoding="utf-8") == VPN
    # Sent again to the new id with the version read there, the edit is saved.
    tag = _read(cora, "/api/articles/it/vpn-from-home.md")
    saved = cora.put(
        "/api/articles/it/vpn-from-home.md",
        json=edit,
        headers={"X-CSRF-Token": cora_token, "If-Match": tag},
    )
    assert saved.status_code == 200, saved.get_json()
    assert "Open the new VPN client." in (content / "it" / "vpn-from-home.md").read_text("utf-8")


def test_a_rename_between_the_put_s_check_and_its_save_is_answered_as_a_rename(
    app: Flask, content: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The PUT finds the file (no lock held yet); the rename, in another thread,
    lands before the save takes the edit lock: 412 naming the new id, not 404."""
    cora, carl = app.test_client(), app.test_client()
    cora_token, carl_token = sign_in_as(cora, "cora"), sign_in_as(carl, "carl")
    read = _read(cora, "/api/articles/it/vpn-setup.md")
    checked, renamed = threading.Event(), threading.Event()
    found = stored_articles._exists

    def exists_then_wait(*args: Any) -> bool:
        there = found(*args)
        checked.set()
        assert renamed.wait(60), "the rename did not finish"
        return there

    def rename() -> None:
        assert checked.wait(60), "the PUT did not check the file"
        try:
            moved = carl.post(
                "/api/articles/it/vpn-setup.md/move",
                json={"name": "vpn-from-home"},
                headers={"X-CSRF-Token": carl_token, "If-Match": read},
            )
            assert moved.status_code == 200, moved.get_json()
        finally:
            renamed.set()

    monkeypatch.setattr(stored_articles, "_exists", exists_then_wait)
    renaming = threading.Thread(target=rename)
    renaming.start()
    late = cora.put(
        "/api/articles/it/vpn-setup.md",
        json={**EDITED, "body": "## Connect\n\nOpen the new VPN client.\n"},
        headers={"X-CSRF-Token": cora_token, "If-Match": read},
    )
    renaming.join(60)
    assert late.status_code == 412, late.get_json()
    assert late.get_json()["error"]["details"]["moved_to"] == "it/vpn-from-home.md"
    assert not (content / "it" / "vpn-setup.md").exists()
    assert (content / "it" / "vpn-from-home.md").read_text(encoding="utf-8") == VPN


def test_a_replacement_of_a_document_deleted_meanwhile_is_refused(
    app: Flask, content: Path
) -> None:
    travel = content / "it" / "travel.pdf"
    travel.write_bytes(PDF)
    cora, carl = app.test_client(), app.test_client()
    cora_token, carl_token = sign_in_as(cora, "cora"), sign_in_as(carl, "carl")
    path = "/api/articles/it/travel.pdf"
    versions = cora.get(f"{path}/versions")
    assert versions.status_code == 200, versions.get_json()
    read = f'"{versions.get_json()["versions"][0]["version"]}"'
    deleted = carl.delete(path, headers={"X-CSRF-Token": carl_token, "If-Match": read})
    assert deleted.status_code == 200, deleted.get_json()
    for tag in (read, "*"):
        late = cora.put(
            path,
            data=PDF + b"\n% replaced\n",
            headers={"X-CSRF-Token": cora_token, "If-Match": tag},
        )
        assert late.status_code == 412, late.get_json()
        error = late.get_json()["error"]
        assert error["code"] == "stale_document" and "moved_to" not in error["details"]
        assert "was removed since you read it" in error["message"]
    assert not travel.exists()
    # Without If-Match it is a new upload of that name, as the client means it.
    again = cora.put(path, data=PDF, headers={"X-CSRF-Token": cora_token})
    assert again.status_code == 201, again.get_json()


def test_a_save_in_the_editor_of_an_article_renamed_meanwhile_opens_it_under_its_new_name(
    app: Flask, content: Path
) -> None:
    """The editor's save finds the file gone: before, it offered the typed text
    as a new article of the old name, a second copy beside the renamed one."""
    cora, carl = app.test_client(), app.test_client()
    cora_token, carl_token = sign_in_as(cora, "cora"), sign_in_as(carl, "carl")
    assert cora.get("/manage/edit/it/vpn-setup.md").status_code == 200
    moved = carl.post(
        "/manage/move/it/vpn-setup.md",
        data={"csrf_token": carl_token, "version": "1", "slug": "vpn-from-home"},
    )
    assert moved.status_code == 303
    late = cora.post(
        "/manage/edit/it/vpn-setup.md?hl=en",
        data={
            "csrf_token": cora_token,
            "version": "1",
            "action": "save",
            "title": "VPN setup",
            "summary": "How to connect from home.",
            "lang": "en",
            "body": "## Connect\n\nOpen the new VPN client.\n",
            "message": "new client",
        },
    )
    page = text_of(late)
    assert late.status_code == 409
    assert "it/vpn-setup.md was renamed to it/vpn-from-home.md since you read it" in page
    assert 'action="/manage/edit/it/vpn-from-home.md"' in page
    assert "Open the new VPN client." in page and 'value="new client"' in page
    assert not (content / "it" / "vpn-setup.md").exists()
    assert (content / "it" / "vpn-from-home.md").read_text(encoding="utf-8") == VPN
    # The conflict page's way on, taken after the rename, leads there too.
    yours = VPN.replace("Open the VPN client", "Open the newer VPN client")
    reopened = cora.post(
        "/manage/reopen/it/vpn-setup.md?hl=en", data={"csrf_token": cora_token, "yours": yours}
    )
    page = text_of(reopened)
    assert reopened.status_code == 409 and 'action="/manage/edit/it/vpn-from-home.md"' in page
    assert "Open the newer VPN client" in page
    assert not (content / "it" / "vpn-setup.md").exists()
