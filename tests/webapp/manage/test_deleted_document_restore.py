"""A deleted document restored from its history (which the department's list
links to), in the browser and the API: its file back under its name (held for a second owner's approval under the
four-eyes rule), for owners of the department only (403 otherwise), refused
with nothing written when the name was taken since; and a discarded Markdown
draft restored through the API as the history page restores it."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from flask import Flask
from flask.testing import FlaskClient

from tests.support import error_of, sign_in_as, text_of
from tests.webapp.manage.conftest import RecordingBuilder
from tests.webapp.manage.test_discarding import draft
from tests.webapp.manage.test_document_versions_api import PDF2, approve, restore
from tests.webapp.manage.test_documents import PDF, put
from webapp.services import services

HISTORY = "/manage/document/it/travel.pdf"
RESTORE_FORM = "/manage/document-restore/it/travel.pdf"


def deleted(client: FlaskClient, token: str, article_id: str, versions: int) -> None:
    """`article_id` uploaded (and replaced, for two versions), then deleted."""
    assert put(client, token, article_id, PDF).status_code in (201, 202)
    if versions == 2:
        replaced = put(client, token, article_id, PDF2, **{"If-Match": '"1"'})
        assert replaced.status_code == 200, text_of(replaced)
    gone = client.delete(
        f"/api/articles/{article_id}",
        headers={"X-CSRF-Token": token, "If-Match": f'"{versions}"'},
    )
    assert gone.status_code == 200, text_of(gone)


def not_approved(client: FlaskClient, article_id: str, number: int, taken_by: str) -> Any:
    """Version `number` of `article_id` approved by hans through the API, refused
    (409) since `taken_by` holds its name; the error answered."""
    hans = sign_in_as(client, "hans")
    refused = client.post(
        f"/api/articles/{article_id}/review",
        json={"decision": "approve", "version": number},
        headers={"X-CSRF-Token": hans},
    )
    said = error_of(refused, 409, "conflict")
    assert said["details"] == {"id": article_id, "reason": "name_taken", "taken_by": taken_by}
    return said


def rows(client: FlaskClient, page: str) -> list[str]:
    """The version of each row of a document's history, newest first."""
    return re.findall(r'<tr data-version="(\d+)">', client.get(page).get_data(as_text=True))


def test_an_owner_restores_a_deleted_document_from_its_history_page(
    client: FlaskClient, content: Path, builder: RecordingBuilder, app: Flask
) -> None:
    cora = sign_in_as(client, "cora")
    deleted(client, cora, "it/travel.pdf", versions=2)
    path = content / "it" / "travel.pdf"
    assert not path.exists()
    # The department's list leads to it: its history restores it.
    listed = client.get("/manage/?department=it&hl=en").get_data(as_text=True)
    assert "Deleted documents" in listed and f'<a href="{HISTORY}">it/travel.pdf</a>' in listed
    assert "Gelöschte Dokumente" in text_of(client.get("/manage/?department=it&hl=de"))
    page = text_of(client.get(f"{HISTORY}?hl=en"))
    assert "This document was deleted" in page and "restore a version below" in page
    assert "Restore 1" in page and "Restore 2" in page
    assert "eine Version wieder her" in text_of(client.get(f"{HISTORY}?hl=de"))
    # A page shown before the delete (version 2) is stale: nothing written.
    stale = client.post(RESTORE_FORM, data={"csrf_token": cora, "number": "1", "version": "2"})
    assert stale.status_code == 303 and not path.exists()
    runs = builder.runs
    done = client.post(
        f"{RESTORE_FORM}?hl=en", data={"csrf_token": cora, "number": "1", "version": "3"}
    )
    assert done.status_code == 303 and done.location.endswith(HISTORY)
    assert path.read_bytes() == PDF
    assert services(app).index_worker.wait_idle(60)  # type: ignore[union-attr]
    assert builder.runs > runs  # handed to the indexer
    shown = text_of(client.get(done.location))
    assert "Version 1 restored as version 4" in shown and "This document was deleted" not in shown
    assert rows(client, HISTORY) == ["4", "3", "2", "1"]
    assert "Deleted documents" not in text_of(client.get("/manage/?department=it&hl=en"))


def test_only_owners_of_the_department_restore_a_deleted_document(
    client: FlaskClient, content: Path
) -> None:
    cora = sign_in_as(client, "cora")
    deleted(client, cora, "it/travel.pdf", versions=1)
    for other in ("helga", "emma"):  # another department's owner, an employee
        token = sign_in_as(client, other)
        form = {"csrf_token": token, "number": "1", "version": "2"}
        assert client.post(RESTORE_FORM, data=form).status_code == 403
        refused = restore(client, token, "it/travel.pdf", {"version": 1}, **{"If-Match": '"2"'})
        assert refused.status_code == 403, text_of(refused)
    assert not (content / "it" / "travel.pdf").exists()


def test_the_api_restores_a_deleted_document(client: FlaskClient, content: Path) -> None:
    cora = sign_in_as(client, "cora")
    deleted(client, cora, "it/travel.pdf", versions=2)
    error_of(restore(client, cora, "it/travel.pdf", {"version": 2}), 428, "precondition_required")
    stale = restore(client, cora, "it/travel.pdf", {"version": 2}, **{"If-Match": '"2"'})
    error_of(stale, 412, "stale_document")
    done = restore(client, cora, "it/travel.pdf", {"version": 2}, **{"If-Match": '"3"'})
    assert done.status_code == 200, text_of(done)
    body: dict[str, Any] = done.get_json()
    assert body["restored"] == 2 and body["version"] == 4 and body["action"] == "restore"
    assert body["status"] == "published" and body["pending"] is False
    assert done.headers["ETag"] == '"4"'
    assert (content / "it" / "travel.pdf").read_bytes() == PDF2


def test_a_deleted_document_under_the_four_eyes_rule_comes_back_once_approved(
    client: FlaskClient, content: Path
) -> None:
    helga = sign_in_as(client, "helga")
    assert put(client, helga, "hr/policy.pdf", PDF).status_code == 202
    approve(client, "hr/policy.pdf", 1)  # version 2, by hans
    helga = sign_in_as(client, "helga")
    gone = client.delete(
        "/api/articles/hr/policy.pdf", headers={"X-CSRF-Token": helga, "If-Match": '"2"'}
    )
    assert gone.status_code == 200, text_of(gone)
    path = content / "hr" / "policy.pdf"
    held = restore(client, helga, "hr/policy.pdf", {"version": 2}, **{"If-Match": '"3"'})
    assert held.status_code == 202, text_of(held)
    assert held.get_json()["status"] == "review" and not path.exists()
    # The restorer does not approve their own restore.
    own = client.post(
        "/api/articles/hr/policy.pdf/review",
        json={"decision": "approve", "version": 4},
        headers={"X-CSRF-Token": helga},
    )
    assert own.status_code == 403 and not path.exists()
    approve(client, "hr/policy.pdf", 4)
    assert path.read_bytes() == PDF


def test_a_deleted_document_whose_name_was_taken_since_is_not_restored(
    client: FlaskClient, content: Path
) -> None:
    cora = sign_in_as(client, "cora")
    deleted(client, cora, "it/travel.pdf", versions=1)
    (content / "it" / "Travel.pdf").write_bytes(PDF2)  # put there on disk since
    refused = restore(client, cora, "it/travel.pdf", {"version": 1}, **{"If-Match": '"2"'})
    said = error_of(refused, 409, "conflict")
    assert said["details"]["reason"] == "name_taken"
    assert said["details"]["taken_by"] == "it/Travel.pdf"
    assert "since it was deleted, it/Travel.pdf" in said["message"]
    form = {"csrf_token": cora, "number": "1", "version": "2"}
    done = client.post(f"{RESTORE_FORM}?hl=de", data=form)
    assert done.status_code == 303
    assert "trägt it/Travel.pdf den Namen" in text_of(client.get(f"{HISTORY}?hl=de"))
    assert not (content / "it" / "travel.pdf").exists()
    assert (content / "it" / "Travel.pdf").read_bytes() == PDF2
    assert rows(client, HISTORY) == ["2", "1"]


def test_a_held_restore_of_a_deleted_document_is_not_approved_beside_a_name_taken_since(
    client: FlaskClient, content: Path
) -> None:
    helga = sign_in_as(client, "helga")
    assert put(client, helga, "hr/policy.pdf", PDF).status_code == 202
    approve(client, "hr/policy.pdf", 1)
    helga = sign_in_as(client, "helga")
    headers = {"X-CSRF-Token": helga, "If-Match": '"2"'}
    assert client.delete("/api/articles/hr/policy.pdf", headers=headers).status_code == 200
    held = restore(client, helga, "hr/policy.pdf", {"version": 2}, **{"If-Match": '"3"'})
    assert held.status_code == 202, text_of(held)
    (content / "hr" / "POLICY.pdf").write_bytes(PDF2)  # put there on disk meanwhile
    not_approved(client, "hr/policy.pdf", 4, taken_by="hr/POLICY.pdf")
    assert sorted(p.name for p in (content / "hr").glob("*.pdf")) == ["POLICY.pdf"]


def test_the_api_restores_a_discarded_markdown_draft_as_the_history_page_does(
    client: FlaskClient, content: Path
) -> None:
    path = draft(content)
    cora = sign_in_as(client, "cora")
    gone = client.delete(
        "/api/articles/it/notes.md", headers={"X-CSRF-Token": cora, "If-Match": '"1"'}
    )
    assert gone.status_code == 200 and not path.exists()
    helga = sign_in_as(client, "helga")
    refused = restore(client, helga, "it/notes.md", {"version": 1}, **{"If-Match": '"2"'})
    assert refused.status_code == 403 and not path.exists()
    cora = sign_in_as(client, "cora")
    done = restore(client, cora, "it/notes.md", {"version": 1}, **{"If-Match": '"2"'})
    assert done.status_code == 200, text_of(done)
    assert done.get_json()["status"] == "draft" and done.headers["ETag"] == '"3"'
    assert "status: draft" in path.read_text(encoding="utf-8")
