"""A document version whose file is not in the attachment store (recorded before
files were kept, or lost by the store since) is shown as such when its history
is read, in the page, the list of uploads waiting and the API, instead of being
noticed first when someone approves or downloads it; nothing else breaks."""

from __future__ import annotations

from pathlib import Path

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import delete

from kb.store.schema import attachment_blobs
from tests.support import error_of, sign_in_as, text_of
from tests.webapp.manage.test_document_waiting import waiting_item
from tests.webapp.manage.test_documents import PDF, put
from webapp.services import services


def lose_every_file(app: Flask) -> None:
    """The store loses the files it kept (a restore from an older backup, say)."""
    engine = services(app).store.engine  # type: ignore[attr-defined]
    with engine.begin() as conn:
        conn.execute(delete(attachment_blobs))


def test_a_waiting_upload_whose_file_was_lost_says_so_where_it_is_read(
    client: FlaskClient, app: Flask, content: Path
) -> None:
    helga = sign_in_as(client, "helga")
    held = put(client, helga, "hr/leave-form.pdf", PDF)
    assert held.status_code == 202 and held.get_json()["pending_authors"] == ["helga"]
    assert held.get_json()["orphaned"] is None
    state = client.get("/api/articles/hr/leave-form.pdf")  # a new document, waiting
    assert state.status_code == 200 and state.headers["ETag"] == '"1"'
    assert state.get_json()["pending"] == 1 and state.get_json()["pending_authors"] == ["helga"]
    sign_in_as(client, "emma")  # not hers: the published view, and there is none
    error_of(client.get("/api/articles/hr/leave-form.pdf"), 404, "not_found")
    lose_every_file(app)
    hans = sign_in_as(client, "hans")
    page = client.get("/manage/document/hr/leave-form.pdf")
    assert page.status_code == 200
    assert 'data-missing="1"' in text_of(page) and "cannot be approved" in text_of(page)
    assert "Approve and publish" not in text_of(page) and "File not kept" in text_of(page)
    item = waiting_item(text_of(client.get("/manage/?department=hr")), "hr/leave-form.pdf")
    assert "cannot be approved" in item
    listed = client.get("/api/articles/hr/leave-form.pdf/versions").get_json()
    assert [v["file_kept"] for v in listed["versions"]] == [False]
    refused = client.post(
        "/api/articles/hr/leave-form.pdf/review",
        json={"decision": "approve", "version": 1},
        headers={"X-CSRF-Token": hans},
    )
    assert error_of(refused, 409, "conflict")["details"]["reason"] == "file_missing"
    assert not (content / "hr" / "leave-form.pdf").exists()
    rejected = client.post(
        "/api/articles/hr/leave-form.pdf/review",
        json={"decision": "reject", "version": 1, "message": "file lost"},
        headers={"X-CSRF-Token": hans},
    )
    assert rejected.status_code == 200 and rejected.get_json()["status"] == "draft"


def test_an_earlier_version_whose_file_was_lost_offers_no_restore(
    client: FlaskClient, app: Flask, content: Path
) -> None:
    cora = sign_in_as(client, "cora")
    assert put(client, cora, "it/policy.pdf", PDF).status_code == 201
    lose_every_file(app)
    second = put(client, cora, "it/policy.pdf", PDF + b"% new\n", **{"If-Match": '"1"'})
    assert second.status_code == 200
    page = text_of(client.get("/manage/document/it/policy.pdf"))
    assert 'data-missing="1"' in page and 'data-missing="2"' not in page
    assert "Restore 1" not in page
    listed = client.get("/api/articles/it/policy.pdf/versions").get_json()
    assert [(v["version"], v["file_kept"]) for v in listed["versions"]] == [(2, True), (1, False)]
    assert listed["orphaned"] is None and listed["pending_authors"] == []
