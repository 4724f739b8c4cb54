"""Documents under the four-eyes rule, their history and restore, in the browser
and the API: an upload to HR waits in the review queue (not written, not
indexed), another content owner of HR approves or rejects it, the uploader
and owners of other departments cannot approve; each document has a history
page (who, when, SHA-256, size, download, restore) and a versions API; a file
in a sub-folder is replaced from the list; a replacement keeps its kind."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

from flask import Flask
from flask.testing import FlaskClient

from tests.support import error_of, sign_in_as, text_of
from tests.webapp.manage.conftest import RecordingBuilder
from tests.webapp.manage.test_deleted_document_restore import not_approved
from tests.webapp.manage.test_documents import PDF, post_upload, put
from webapp.services import services

PDF2 = PDF + b"% second\n"


def upload_hr(client: FlaskClient, token: str, data: bytes, filename: str, **fields: str) -> object:
    return post_upload(client, token, data, filename, department="hr", **fields)


def review(client: FlaskClient, token: str, article_id: str, number: int, decision: str) -> object:
    form = {"csrf_token": token, "number": str(number), "decision": decision, "message": ""}
    return client.post(f"/manage/document-review/{article_id}", data=form)


def test_an_upload_under_the_four_eyes_rule_waits_until_another_owner_approves_it(
    client: FlaskClient, content: Path, app: Flask, builder: RecordingBuilder
) -> None:
    helga = sign_in_as(client, "helga")
    form = text_of(client.get("/manage/upload?department=hr"))
    assert "four-eyes rule" in form
    response = post_upload(client, helga, PDF, "Sick Leave.pdf", department="hr")
    assert response.status_code == 303
    assert not (content / "hr" / "sick-leave.pdf").exists()
    listing = text_of(client.get("/manage/?department=hr"))
    assert "waiting for another content owner" in listing
    assert "Documents waiting for review" in listing and "hr/sick-leave.pdf" in listing
    page = text_of(client.get("/manage/document/hr/sick-leave.pdf"))
    assert "Withdraw" in page and "Approve" not in page  # the uploader's own
    assert review(client, helga, "hr/sick-leave.pdf", 1, "approve").status_code == 303
    assert "second pair of eyes" in text_of(client.get("/manage/document/hr/sick-leave.pdf"))
    assert not (content / "hr" / "sick-leave.pdf").exists()
    # A content owner of another department may not even see it.
    cora = sign_in_as(client, "cora")
    assert client.get("/manage/document/hr/sick-leave.pdf").status_code == 403
    assert review(client, cora, "hr/sick-leave.pdf", 1, "approve").status_code == 403
    assert client.get("/manage/document-file/hr/sick-leave.pdf?version=1").status_code == 403
    # A second owner of HR reads the file, then approves it.
    hans = sign_in_as(client, "hans")
    page = text_of(client.get("/manage/document/hr/sick-leave.pdf"))
    assert "Approve and publish" in page and "waits for review" in page
    assert "cannot be compared line by line" in page
    got = client.get("/manage/document-file/hr/sick-leave.pdf?version=1")
    assert got.status_code == 200 and got.data == PDF
    assert got.headers["Content-Disposition"].startswith("attachment")
    assert got.headers["X-Content-Type-Options"] == "nosniff"
    runs = builder.runs
    response = review(client, hans, "hr/sick-leave.pdf", 1, "approve")
    assert response.status_code == 303
    assert (content / "hr" / "sick-leave.pdf").read_bytes() == PDF
    assert services(app).index_worker.wait_idle(60)  # type: ignore[union-attr]
    assert builder.runs > runs
    assert "approved and published" in text_of(client.get("/manage/document/hr/sick-leave.pdf"))


def test_the_approval_note_names_the_uploader_by_display_name(
    client: FlaskClient, content: Path, app: Flask
) -> None:
    """The note of an approved upload keeps the uploader's username (the API
    and the command line take usernames); the history page names them as
    every page does, by their display name."""
    store = services(app).store
    store.update_sign_in("helga", display_name="Helga Berg")
    helga = sign_in_as(client, "helga")
    post_upload(client, helga, PDF, "Sick Leave.pdf", department="hr")
    hans = sign_in_as(client, "hans")
    assert review(client, hans, "hr/sick-leave.pdf", 1, "approve").status_code == 303
    listed = client.get("/api/articles/hr/sick-leave.pdf/versions").get_json()
    assert listed["versions"][0]["message"] == "approved version 1 (helga)"
    page = text_of(client.get("/manage/document/hr/sick-leave.pdf"))
    assert "approved version 1 (Helga Berg)" in page and "(helga)" not in page
    german = text_of(client.get("/manage/document/hr/sick-leave.pdf?hl=de"))
    assert "Version 1 freigegeben (Helga Berg)" in german


def test_a_rejected_replacement_leaves_the_published_file(
    client: FlaskClient, content: Path
) -> None:
    (content / "hr" / "form.pdf").write_bytes(PDF)
    helga = sign_in_as(client, "helga")
    response = upload_hr(client, helga, PDF2, "form.pdf", name="form.pdf", replace="1")
    assert response.status_code == 303 and (content / "hr" / "form.pdf").read_bytes() == PDF
    hans = sign_in_as(client, "hans")
    assert review(client, hans, "hr/form.pdf", 2, "reject").status_code == 303
    page = text_of(client.get("/manage/document/hr/form.pdf"))
    assert "rejected" in page and (content / "hr" / "form.pdf").read_bytes() == PDF


def test_the_api_answers_202_for_an_upload_waiting_and_reviews_through_the_api(
    client: FlaskClient, content: Path
) -> None:
    helga = sign_in_as(client, "helga")
    held = put(client, helga, "hr/leave-form.pdf", PDF)
    assert held.status_code == 202, text_of(held)
    body = held.get_json()
    assert body["status"] == "review" and body["pending"] is True and body["version"] == 1
    assert "Location" not in held.headers and not (content / "hr" / "leave-form.pdf").exists()
    # It exists now (waiting): a second PUT needs If-Match.
    error_of(put(client, helga, "hr/leave-form.pdf", PDF2), 428, "precondition_required")
    listed = client.get("/api/articles/hr/leave-form.pdf/versions").get_json()
    assert (
        listed["pending"] == 1
        and listed["versions"][0]["sha256"] == hashlib.sha256(PDF).hexdigest()
    )
    own = client.post(
        "/api/articles/hr/leave-form.pdf/review",
        json={"decision": "approve", "version": 1},
        headers={"X-CSRF-Token": helga},
    )
    assert error_of(own, 403, "review_required")["details"]["reason"] == "wrote_changes"
    cora = sign_in_as(client, "cora")
    other = client.post(
        "/api/articles/hr/leave-form.pdf/review",
        json={"decision": "approve", "version": 1},
        headers={"X-CSRF-Token": cora},
    )
    error_of(other, 403, "forbidden")
    hans = sign_in_as(client, "hans")
    bad = client.post(
        "/api/articles/hr/leave-form.pdf/review",
        json={"decision": "maybe", "version": 1},
        headers={"X-CSRF-Token": hans},
    )
    error_of(bad, 400, "invalid_request")
    done = client.post(
        "/api/articles/hr/leave-form.pdf/review",
        json={"decision": "approve", "version": 1, "message": "checked"},
        headers={"X-CSRF-Token": hans},
    )
    assert done.status_code == 200, text_of(done)
    assert done.get_json()["status"] == "published" and done.get_json()["version"] == 2
    assert (content / "hr" / "leave-form.pdf").read_bytes() == PDF


def test_a_document_has_a_history_page_a_versions_api_and_restore(
    client: FlaskClient, content: Path
) -> None:
    cora = sign_in_as(client, "cora")
    assert put(client, cora, "it/policy.pdf", PDF).status_code == 201
    assert put(client, cora, "it/policy.pdf", PDF2, **{"If-Match": '"1"'}).status_code == 200
    listing = text_of(client.get("/manage/?department=it"))
    assert "/manage/document/it/policy.pdf" in listing
    page = text_of(client.get("/manage/document/it/policy.pdf"))
    assert hashlib.sha256(PDF2).hexdigest()[:12] in page and "cora" in page
    assert "cannot be compared line by line" in page and "Restore 1" in page
    versions = client.get("/api/articles/it/policy.pdf/versions").get_json()["versions"]
    assert [(v["version"], v["size"], v["author"]) for v in versions] == [
        (2, len(PDF2), "cora"),
        (1, len(PDF), "cora"),
    ]
    restore = {"csrf_token": cora, "number": "1", "version": "1"}  # stale: nothing written
    assert client.post("/manage/document-restore/it/policy.pdf", data=restore).status_code == 303
    assert (content / "it" / "policy.pdf").read_bytes() == PDF2
    assert "someone changed it" in text_of(client.get("/manage/document/it/policy.pdf"))
    restore["version"] = "2"
    assert client.post("/manage/document-restore/it/policy.pdf", data=restore).status_code == 303
    assert (content / "it" / "policy.pdf").read_bytes() == PDF
    helga = sign_in_as(client, "helga")
    assert client.get("/manage/document/it/policy.pdf").status_code == 403
    error_of(client.get("/api/articles/it/policy.pdf/versions"), 403, "forbidden")
    forged = {"csrf_token": helga, "number": "2", "version": "3"}
    assert client.post("/manage/document-restore/it/policy.pdf", data=forged).status_code == 403
    assert (content / "it" / "policy.pdf").read_bytes() == PDF


def test_a_document_in_a_sub_folder_is_replaced_from_the_list(
    client: FlaskClient, content: Path
) -> None:
    (content / "it" / "forms").mkdir()
    (content / "it" / "forms" / "expenses.pdf").write_bytes(PDF)
    cora = sign_in_as(client, "cora")
    listing = text_of(client.get("/manage/?department=it"))
    link = re.search(r'href="(/manage/upload\?department=it&amp;replace=forms[^"]*)"', listing)
    assert link, listing
    form = text_of(client.get(link.group(1).replace("&amp;", "&")))
    assert 'value="forms/expenses.pdf"' in form
    response = post_upload(client, cora, PDF2, "x.pdf", name="forms/expenses.pdf", replace="1")
    assert response.status_code == 303, text_of(response)
    assert (content / "it" / "forms" / "expenses.pdf").read_bytes() == PDF2
    response = post_upload(client, cora, PDF, "x.pdf", name="forms/../vpn.pdf", replace="1")
    assert response.status_code == 400 and "names a folder" in text_of(response)


def test_a_replacement_of_another_kind_is_refused_with_what_to_do(
    client: FlaskClient, content: Path
) -> None:
    (content / "it" / "policy.pdf").write_bytes(PDF)
    cora = sign_in_as(client, "cora")
    html = b"<!doctype html><html><body><p>Policy</p></body></html>"
    response = post_upload(client, cora, html, "policy.html", name="policy.pdf", replace="1")
    page = text_of(response)
    assert response.status_code == 400
    assert "a replacement keeps the kind" in page and "Save the file as PDF" in page
    assert 'name="replace"' in page  # the form again, still replacing policy.pdf
    assert (content / "it" / "policy.pdf").read_bytes() == PDF


def test_a_restored_document_names_every_author_and_its_uploader_cannot_approve(
    client: FlaskClient, content: Path
) -> None:
    helga = sign_in_as(client, "helga")
    assert put(client, helga, "hr/form.pdf", PDF).status_code == 202
    ada = sign_in_as(client, "ada")
    assert review(client, ada, "hr/form.pdf", 1, "approve").status_code == 303
    hans = sign_in_as(client, "hans")
    assert put(client, hans, "hr/form.pdf", PDF2, **{"If-Match": '"2"'}).status_code == 202
    ada = sign_in_as(client, "ada")
    assert review(client, ada, "hr/form.pdf", 3, "approve").status_code == 303
    hans = sign_in_as(client, "hans")
    form = {"csrf_token": hans, "number": "1", "version": "4"}
    assert client.post("/manage/document-restore/hr/form.pdf", data=form).status_code == 303
    listed = client.get("/api/articles/hr/form.pdf/versions").get_json()
    assert listed["pending"] == 5 and listed["pending_authors"] == ["hans", "helga"]
    helga = sign_in_as(client, "helga")
    page = text_of(client.get("/manage/document/hr/form.pdf"))
    assert "uploaded or restored by hans, helga" in page and "Approve and publish" not in page
    refused = client.post(
        "/api/articles/hr/form.pdf/review",
        json={"decision": "approve", "version": 5},
        headers={"X-CSRF-Token": helga},
    )
    error = error_of(refused, 403, "review_required")
    assert error["details"]["reason"] == "wrote_changes"
    assert error["details"]["authors"] == ["hans", "helga"]
    assert (content / "hr" / "form.pdf").read_bytes() == PDF2


def test_a_held_new_upload_is_not_approved_beside_its_name_in_another_case(
    client: FlaskClient, content: Path
) -> None:
    helga = sign_in_as(client, "helga")
    assert put(client, helga, "hr/new.pdf", PDF).status_code == 202
    (content / "hr" / "NEW.pdf").write_bytes(PDF2)  # put there on disk meanwhile
    said = not_approved(client, "hr/new.pdf", 1, taken_by="hr/NEW.pdf")
    assert "since it was uploaded, hr/NEW.pdf was put into the folder" in said["message"]
    # The reviewer's page says why; nothing written, the upload still waits.
    hans = sign_in_as(client, "hans")
    form = {"csrf_token": hans, "number": "1", "decision": "approve", "message": ""}
    assert client.post("/manage/document-review/hr/new.pdf?hl=de", data=form).status_code == 303
    page = text_of(client.get("/manage/document/hr/new.pdf?hl=de"))
    assert "Seit dem Upload wurde hr/NEW.pdf in den Ordner gelegt" in page
    assert sorted(p.name for p in (content / "hr").glob("*.pdf")) == ["NEW.pdf"]
    assert (content / "hr" / "NEW.pdf").read_bytes() == PDF2
    assert client.get("/api/articles/hr/new.pdf/versions").get_json()["pending"] == 1
    # The reviewer rejects it.
    assert review(client, hans, "hr/new.pdf", 1, "reject").status_code == 303
    assert client.get("/api/articles/hr/new.pdf/versions").get_json()["pending"] is None
