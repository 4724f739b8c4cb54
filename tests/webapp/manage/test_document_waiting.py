"""Uploads waiting for review stay on the list of the department's page when the
folder changes under them on disk, and say what no longer fits and what to do:
a file moved onto a new upload's name, the file a replacement replaces renamed
away, the sub-folder of a replacement renamed."""

from __future__ import annotations

import re
from pathlib import Path

from flask.testing import FlaskClient

from tests.support import error_of, sign_in_as, text_of
from tests.webapp.manage.test_documents import PDF, post_upload
from tests.webapp.page_audit import problems

PDF2 = PDF + b"% second\n"


def waiting_item(page: str, article_id: str) -> str:
    section = re.search(r'<section[^>]*aria-labelledby="waiting-h">.*?</section>', page, re.S)
    assert section, "no list of documents waiting for review"
    item = re.search(rf'<li data-article="{re.escape(article_id)}".*?</li>', section[0], re.S)
    assert item, f"{article_id} is not on the list"
    return item[0]


def test_a_file_moved_onto_a_waiting_uploads_name_keeps_it_on_the_list(
    client: FlaskClient, content: Path
) -> None:
    helga = sign_in_as(client, "helga")
    assert post_upload(client, helga, PDF, "Sick Leave.pdf", department="hr").status_code == 303
    (content / "hr" / "old-sick-leave.pdf").write_bytes(PDF2)
    (content / "hr" / "old-sick-leave.pdf").rename(content / "hr" / "sick-leave.pdf")
    hans = sign_in_as(client, "hans")
    page = text_of(client.get("/manage/document/hr/sick-leave.pdf"))  # records the change
    assert "Approve and publish" in page and 'data-orphaned="changed_on_disk"' in page
    item = waiting_item(text_of(client.get("/manage/?department=hr")), "hr/sick-leave.pdf")
    assert 'data-orphaned="changed_on_disk"' in item and "compare them" in item
    answer = client.post(
        "/api/articles/hr/sick-leave.pdf/review",
        json={"decision": "approve", "version": 1},
        headers={"X-CSRF-Token": hans},
    )
    assert answer.status_code == 200
    assert answer.get_json()["orphaned"]["reason"] == "changed_on_disk"  # approved all the same
    assert (content / "hr" / "sick-leave.pdf").read_bytes() == PDF  # as the reviewer chose
    assert 'aria-labelledby="waiting-h"' not in text_of(client.get("/manage/?department=hr"))


def test_a_replacement_whose_file_was_renamed_on_disk_says_so(
    client: FlaskClient, content: Path
) -> None:
    (content / "hr" / "form.pdf").write_bytes(PDF)
    helga = sign_in_as(client, "helga")
    replaced = post_upload(
        client, helga, PDF2, "form.pdf", department="hr", name="form.pdf", replace="1"
    )
    assert replaced.status_code == 303
    item = waiting_item(text_of(client.get("/manage/?department=hr")), "hr/form.pdf")
    assert "data-orphaned" not in item  # nothing amiss yet
    (content / "hr" / "form.pdf").rename(content / "hr" / "form-2026.pdf")
    item = waiting_item(text_of(client.get("/manage/?department=hr&hl=en")), "hr/form.pdf")
    assert 'data-orphaned="file_gone"' in item and "replace the file at its new place" in item
    listed = client.get("/api/articles/hr/form.pdf/versions").get_json()
    assert listed["orphaned"]["reason"] == "file_gone"
    german = text_of(client.get("/manage/?department=hr&hl=de"))
    assert "an ihrem neuen Ort" in waiting_item(german, "hr/form.pdf")


def test_a_replacement_whose_folder_was_renamed_stays_listed_and_cannot_be_approved(
    client: FlaskClient, content: Path
) -> None:
    (content / "hr" / "forms").mkdir()
    (content / "hr" / "forms" / "leave.pdf").write_bytes(PDF)
    helga = sign_in_as(client, "helga")
    replaced = post_upload(
        client, helga, PDF2, "x.pdf", department="hr", name="forms/leave.pdf", replace="1"
    )
    assert replaced.status_code == 303, text_of(replaced)
    (content / "hr" / "forms").rename(content / "hr" / "forms-2025")
    hans = sign_in_as(client, "hans")
    listing = text_of(client.get("/manage/?department=hr"))
    item = waiting_item(listing, "hr/forms/leave.pdf")
    assert 'data-orphaned="folder_gone"' in item and "upload the file again" in item
    page = client.get("/manage/document/hr/forms/leave.pdf")
    assert page.status_code == 200 and 'data-orphaned="folder_gone"' in text_of(page)
    assert problems(listing, "en") == [] and problems(text_of(page), "en") == []
    form = {"csrf_token": hans, "number": "2", "decision": "approve", "message": ""}
    answer = client.post("/manage/document-review/hr/forms/leave.pdf", data=form)
    assert answer.status_code == 303
    refused = text_of(client.get("/manage/document/hr/forms/leave.pdf"))
    assert "its file cannot be written" in refused
    api = client.post(
        "/api/articles/hr/forms/leave.pdf/review",
        json={"decision": "approve", "version": 2},
        headers={"X-CSRF-Token": hans},
    )
    error = error_of(api, 409, "conflict")
    assert "its file cannot be written" in error["message"]
    assert error["details"]["reason"] == "folder_gone"
    listed = client.get("/api/articles/hr/forms/leave.pdf/versions").get_json()
    assert listed["pending"] == 2 and listed["pending_authors"] == ["helga"]
    assert listed["orphaned"]["reason"] == "folder_gone"
    assert "upload the file again" in listed["orphaned"]["message"]
    state = client.get("/api/articles/hr/forms/leave.pdf")
    assert state.status_code == 200 and state.headers["ETag"] == '"3"'
    assert state.get_json()["pending"] == 2
    assert state.get_json()["orphaned"]["reason"] == "folder_gone"
    assert not (content / "hr" / "forms").exists()
    assert (content / "hr" / "forms-2025" / "leave.pdf").read_bytes() == PDF
    # Still waiting, still listed: a reviewer rejects it as the list says.
    waiting_item(text_of(client.get("/manage/?department=hr")), "hr/forms/leave.pdf")
    form["decision"] = "reject"
    assert client.post("/manage/document-review/hr/forms/leave.pdf", data=form).status_code == 303
    assert 'aria-labelledby="waiting-h"' not in text_of(client.get("/manage/?department=hr"))


def test_uploads_of_a_department_whose_folder_was_renamed_stay_on_the_admins_list(
    client: FlaskClient, content: Path
) -> None:
    helga = sign_in_as(client, "helga")
    assert post_upload(client, helga, PDF, "Sick Leave.pdf", department="hr").status_code == 303
    (content / "hr").rename(content / "people")
    ada = sign_in_as(client, "ada")
    listing = text_of(client.get("/manage/?department=it"))
    section = re.search(r'<section[^>]*aria-labelledby="stranded-h">.*?</section>', listing, re.S)
    assert section, "no list of uploads whose department folder is gone"
    assert 'data-orphaned="department_gone"' in section[0] and "hr/sick-leave.pdf" in section[0]
    assert "put the folder back under its old name and approve it there" in section[0]
    assert "Download" in section[0]
    assert problems(listing, "en") == []
    german = text_of(client.get("/manage/?department=it&hl=de"))
    assert "Der Ordner der Abteilung hr ist nicht mehr im Inhaltsordner" in german
    sign_in_as(client, "cora")  # owns IT only: not hers to see
    assert 'aria-labelledby="stranded-h"' not in text_of(client.get("/manage/?department=it"))
    # Put back, it is on the department's own list again and can be reviewed.
    (content / "people").rename(content / "hr")
    ada = sign_in_as(client, "ada")
    assert 'aria-labelledby="stranded-h"' not in text_of(client.get("/manage/?department=it"))
    waiting_item(text_of(client.get("/manage/?department=hr")), "hr/sick-leave.pdf")
    form = {"csrf_token": ada, "number": "1", "decision": "approve", "message": ""}
    assert client.post("/manage/document-review/hr/sick-leave.pdf", data=form).status_code == 303
    assert (content / "hr" / "sick-leave.pdf").read_bytes() == PDF
