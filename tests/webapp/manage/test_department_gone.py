"""Documents of a department whose folder was renamed or removed on disk: its
content owner still gets the list (naming the folder gone, with their uploads
waiting and what to do) instead of a 403; the files of its versions download
and an upload waiting is rejected or withdrawn, in the pages and the API,
while approving stays refused (409 `department_gone`) saying why. Its uploader
withdraws it even once their role for the department went with the folder."""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from kb.accounts.records import Grant, Role
from tests.support import error_of, sign_in_as, text_of
from tests.webapp.manage.test_documents import PDF, post_upload
from tests.webapp.page_audit import problems
from webapp.services import services


def stranded(page: str) -> str:
    section = re.search(r'<section[^>]*aria-labelledby="stranded-h">.*?</section>', page, re.S)
    assert section, "no list of uploads whose department folder is gone"
    return section[0]


def upload_then_rename(client: FlaskClient, content: Path) -> None:
    helga = sign_in_as(client, "helga")
    assert post_upload(client, helga, PDF, "Sick Leave.pdf", department="hr").status_code == 303
    (content / "hr").rename(content / "people")


def test_a_content_owner_whose_only_department_folder_is_gone_gets_the_list(
    client: FlaskClient, content: Path
) -> None:
    upload_then_rename(client, content)
    sign_in_as(client, "helga")
    listing = client.get("/manage/?hl=en")
    assert listing.status_code == 200, text_of(listing)
    page = text_of(listing)
    assert 'data-gone="hr"' in page and "The folder of your department hr" in page
    assert "Ask an administrator for the role “Content owner” for the department" in page
    section = stranded(page)
    assert 'data-article="hr/sick-leave.pdf"' in section and "reject it" in section
    assert "/manage/document/hr/sick-leave.pdf" in section
    assert "/manage/document-file/hr/sick-leave.pdf?version=1" in section
    assert problems(page, "en") == []
    assert client.get("/manage/?department=hr").status_code == 200  # the same page
    assert "Der Ordner Ihrer Abteilung hr" in text_of(client.get("/manage/?hl=de"))
    sign_in_as(client, "emma")  # an employee is refused as ever
    assert client.get("/manage/").status_code == 403


def test_the_uploader_downloads_and_withdraws_an_upload_of_a_folder_gone(
    client: FlaskClient, content: Path
) -> None:
    upload_then_rename(client, content)
    helga = sign_in_as(client, "helga")
    history = client.get("/manage/document/hr/sick-leave.pdf?hl=en")
    assert history.status_code == 200, text_of(history)
    page = text_of(history)
    assert 'data-gone="hr"' in page and 'data-orphaned="department_gone"' in page
    assert "Withdraw" in page and "Approve and publish" not in page
    assert "/manage/upload" not in page  # nothing to replace it in
    assert problems(page, "en") == []
    got = client.get("/manage/document-file/hr/sick-leave.pdf?version=1")
    assert got.status_code == 200 and got.data == PDF
    form = {"csrf_token": helga, "number": "1", "decision": "reject", "message": "renamed"}
    assert client.post("/manage/document-review/hr/sick-leave.pdf", data=form).status_code == 303
    listing = text_of(client.get("/manage/"))
    assert 'aria-labelledby="stranded-h"' not in listing
    assert "No upload of these departments waits for review" in listing
    assert not (content / "people" / "sick-leave.pdf").exists()


def test_approving_into_a_department_folder_gone_is_refused_saying_why(
    client: FlaskClient, content: Path
) -> None:
    upload_then_rename(client, content)
    hans = sign_in_as(client, "hans")
    page = text_of(client.get("/manage/document/hr/sick-leave.pdf"))
    assert "Approve and publish" not in page and ">Reject<" in page
    form = {"csrf_token": hans, "number": "1", "decision": "approve", "message": ""}
    assert client.post("/manage/document-review/hr/sick-leave.pdf", data=form).status_code == 303
    refused = text_of(client.get("/manage/document/hr/sick-leave.pdf"))
    assert "cannot be written: the folder hr is no longer in the content folder" in refused
    api = client.post(
        "/api/articles/hr/sick-leave.pdf/review",
        json={"decision": "approve", "version": 1},
        headers={"X-CSRF-Token": hans},
    )
    error = error_of(api, 409, "conflict")
    assert error["details"]["reason"] == "department_gone"
    assert "Put the folder back under its old name" in error["message"]
    assert sorted(p.name for p in (content / "people").iterdir()) == [
        "_department.yml",
        "annual-leave.md",
    ]


def test_an_admin_reads_and_rejects_an_upload_of_a_folder_gone_through_the_api(
    client: FlaskClient, content: Path
) -> None:
    upload_then_rename(client, content)
    ada = sign_in_as(client, "ada")
    listed = client.get("/api/articles/hr/sick-leave.pdf/versions")
    assert listed.status_code == 200, text_of(listed)
    body = listed.get_json()
    assert body["pending"] == 1 and body["orphaned"]["reason"] == "department_gone"
    assert "folder hr is no longer in the content folder" in body["orphaned"]["message"]
    state = client.get("/api/articles/hr/sick-leave.pdf")
    assert state.status_code == 200 and state.get_json()["pending"] == 1
    got = client.get("/api/articles/hr/sick-leave.pdf/versions/1/file")
    assert got.status_code == 200 and got.data == PDF
    restore = client.post(
        "/api/articles/hr/sick-leave.pdf/restore",
        json={"version": 1},
        headers={"X-CSRF-Token": ada, "If-Match": "*"},
    )
    assert error_of(restore, 409, "conflict")["details"]["reason"] == "department_gone"
    sign_in_as(client, "cora")  # owns IT only
    error_of(client.get("/api/articles/hr/sick-leave.pdf/versions/1/file"), 403, "forbidden")
    ada = sign_in_as(client, "ada")
    rejected = client.post(
        "/api/articles/hr/sick-leave.pdf/review",
        json={"decision": "reject", "version": 1, "message": "department closed"},
        headers={"X-CSRF-Token": ada},
    )
    assert rejected.status_code == 200, text_of(rejected)
    assert rejected.get_json()["orphaned"]["reason"] == "department_gone"
    assert client.get("/api/articles/hr/sick-leave.pdf/versions").get_json()["pending"] is None
    assert 'aria-labelledby="stranded-h"' not in text_of(client.get("/manage/?department=it"))


def take_roles(app: Flask, username: str, *grants: Grant) -> None:
    """`username`'s roles now (the hr role gone with the hr folder, as SSO's groups
    or an admin would take it)."""
    store = services(app).store
    user = store.get_user(username)
    assert user is not None
    store.update_user(replace(user, grants=list(grants)))


@pytest.mark.parametrize(
    ("grants", "lands_on"),
    [
        ((Grant(role=Role.EMPLOYEE),), "/"),
        ((Grant(role=Role.CONTENT_OWNER, department="it"),), "/manage/"),
    ],
)
def test_the_uploader_withdraws_their_upload_without_the_departments_role(
    client: FlaskClient, content: Path, app: Flask, grants: tuple[Grant, ...], lands_on: str
) -> None:
    helga = sign_in_as(client, "helga")
    assert post_upload(client, helga, PDF, "Sick Leave.pdf", department="hr").status_code == 303
    (content / "hr").rename(content / "people")
    take_roles(app, "helga", *grants)
    listing = client.get("/manage/?hl=en")
    assert listing.status_code == 200, text_of(listing)
    section = stranded(text_of(listing))
    assert 'data-article="hr/sick-leave.pdf"' in section and ">Withdraw<" in section
    # Their own upload to withdraw, not the department's history or files to read.
    assert "/manage/document/hr/sick-leave.pdf" not in section
    assert "/manage/document-file/" not in section
    assert problems(text_of(listing), "en") == []
    if not grants[0].department:
        german = text_of(client.get("/manage/?hl=de"))
        assert "Sie verwalten keine Inhalte einer Abteilung mehr" in german
        client.get("/manage/?hl=en")  # the language chosen stays
    assert client.get("/manage/document/hr/sick-leave.pdf").status_code == 403
    approve = {"csrf_token": helga, "number": "1", "decision": "approve", "message": ""}
    client.post("/manage/document-review/hr/sick-leave.pdf", data=approve)
    restore = client.post(
        "/api/articles/hr/sick-leave.pdf/restore",
        json={"version": 1},
        headers={"X-CSRF-Token": helga, "If-Match": "*"},
    )
    error_of(restore, 403, "forbidden")
    assert stranded(text_of(client.get("/manage/")))  # approving changed nothing
    form = {"csrf_token": helga, "number": "1", "decision": "reject", "message": ""}
    withdrawn = client.post("/manage/document-review/hr/sick-leave.pdf", data=form)
    assert withdrawn.status_code == 303 and withdrawn.headers["Location"] == lands_on
    assert "Version 1 of hr/sick-leave.pdf rejected" in text_of(client.get(lands_on))
    sign_in_as(client, "ada")
    assert client.get("/api/articles/hr/sick-leave.pdf/versions").get_json()["pending"] is None
    assert not (content / "people" / "sick-leave.pdf").exists()


def test_others_without_the_role_may_not_withdraw_an_upload_of_a_folder_gone(
    client: FlaskClient, content: Path, app: Flask
) -> None:
    upload_then_rename(client, content)
    take_roles(app, "hans", Grant(role=Role.CONTENT_OWNER, department="it"))
    for name in ("hans", "emma", "cora"):
        token = sign_in_as(client, name)
        assert 'aria-labelledby="stranded-h"' not in text_of(client.get("/manage/"))
        rejected = client.post(
            "/api/articles/hr/sick-leave.pdf/review",
            json={"decision": "reject", "version": 1},
            headers={"X-CSRF-Token": token},
        )
        error_of(rejected, 403, "forbidden")
    sign_in_as(client, "ada")
    assert client.get("/api/articles/hr/sick-leave.pdf/versions").get_json()["pending"] == 1
