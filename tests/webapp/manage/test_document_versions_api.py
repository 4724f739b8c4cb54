"""A document's versions through the JSON API: each version's file as a download,
restore (held for review under the four-eyes rule: 202), with the history page's
permissions; an unknown version (404), one whose file was not kept (409), ids
that leave the department, another department's or another document's version,
and hostile file names in Content-Disposition."""

from __future__ import annotations

import hashlib
import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote

from flask import Flask
from flask.testing import FlaskClient
from werkzeug.http import parse_options_header

from kb.authoring.records import Action, ArticleVersion
from kb.records import Status
from tests.support import error_of, sign_in_as, text_of
from tests.webapp.manage.test_documents import PDF, put
from webapp import services as web_services

PDF2 = PDF + b"% second\n"
PDF3 = PDF + b"% third\n"


def restore(client: FlaskClient, token: str, article_id: str, body: Any, **headers: str) -> Any:
    return client.post(
        f"/api/articles/{article_id}/restore",
        json=body,
        headers={"X-CSRF-Token": token, **headers},
    )


def two_versions(client: FlaskClient, token: str, article_id: str) -> None:
    assert put(client, token, article_id, PDF).status_code in (201, 202)
    replaced = put(client, token, article_id, PDF2, **{"If-Match": '"1"'})
    assert replaced.status_code in (200, 202), text_of(replaced)


def approve(client: FlaskClient, article_id: str, number: int) -> None:
    hans = sign_in_as(client, "hans")
    decision = {"decision": "approve", "version": number}
    done = client.post(
        f"/api/articles/{article_id}/review", json=decision, headers={"X-CSRF-Token": hans}
    )
    assert done.status_code == 200, text_of(done)


def test_versions_name_their_files_which_download_as_attachments(client: FlaskClient) -> None:
    cora = sign_in_as(client, "cora")
    two_versions(client, cora, "it/policy.pdf")
    listed = client.get("/api/articles/it/policy.pdf/versions").get_json()
    assert [v["file"] for v in listed["versions"]] == [
        "/api/articles/it/policy.pdf/versions/2/file",
        "/api/articles/it/policy.pdf/versions/1/file",
    ]
    got = client.get(listed["versions"][1]["file"])
    assert got.status_code == 200 and got.data == PDF
    assert got.mimetype == "application/pdf"
    disposition, options = parse_options_header(got.headers["Content-Disposition"])
    assert disposition == "attachment" and options["filename"] == "policy-v1.pdf"
    assert got.headers["X-Content-Type-Options"] == "nosniff"
    assert got.headers["Content-Security-Policy"].startswith("sandbox")
    assert "no-store" in got.headers["Cache-Control"]
    gone = error_of(client.get("/api/articles/it/policy.pdf/versions/9/file"), 404, "not_found")
    assert "no version 9" in gone["message"]
    article = client.get("/api/articles/it/vpn-setup.md/versions/1/file")
    assert "only documents have a file" in error_of(article, 404, "not_found")["message"]


def test_an_html_version_is_never_served_as_html(client: FlaskClient, content: Path) -> None:
    (content / "it" / "page.html").write_bytes(b"<!doctype html><script>alert(1)</script>")
    sign_in_as(client, "cora")
    assert client.get("/api/articles/it/page.html/versions").status_code == 200
    got = client.get("/api/articles/it/page.html/versions/1/file")
    assert got.status_code == 200 and got.mimetype == "application/octet-stream"
    assert got.headers["Content-Disposition"].startswith("attachment")


def test_restore_through_the_api_writes_the_old_file_as_a_new_version(
    client: FlaskClient, content: Path
) -> None:
    cora = sign_in_as(client, "cora")
    two_versions(client, cora, "it/policy.pdf")
    error_of(restore(client, cora, "it/policy.pdf", {"version": 1}), 428, "precondition_required")
    blank = restore(client, cora, "it/policy.pdf", {"version": 1}, **{"If-Match": " "})
    assert error_of(blank, 400, "invalid_request")["details"]["field"] == "If-Match"
    which = restore(client, cora, "it/policy.pdf", {}, **{"If-Match": '"2"'})
    assert error_of(which, 400, "invalid_request")["details"]["field"] == "version"
    stale = restore(client, cora, "it/policy.pdf", {"version": 1}, **{"If-Match": '"1"'})
    error_of(stale, 412, "stale_document")
    assert (content / "it" / "policy.pdf").read_bytes() == PDF2
    done = restore(
        client, cora, "it/policy.pdf", {"version": 1, "message": "back"}, **{"If-Match": '"2"'}
    )
    assert done.status_code == 200, text_of(done)
    body = done.get_json()
    assert body["restored"] == 1 and body["version"] == 3 and done.headers["ETag"] == '"3"'
    assert body["status"] == "published" and body["pending"] is False
    assert body["action"] == "restore" and body["message"] == "back"
    assert body["sha256"] == hashlib.sha256(PDF).hexdigest() and body["size"] == len(PDF)
    assert body["file"] == "/api/articles/it/policy.pdf/versions/3/file"
    assert (content / "it" / "policy.pdf").read_bytes() == PDF
    unknown = restore(client, cora, "it/policy.pdf", {"version": 7}, **{"If-Match": '"3"'})
    error_of(unknown, 404, "not_found")


def test_under_the_four_eyes_rule_a_restore_waits_for_review_and_answers_202(
    client: FlaskClient, content: Path
) -> None:
    helga = sign_in_as(client, "helga")
    assert put(client, helga, "hr/leave.pdf", PDF).status_code == 202
    approve(client, "hr/leave.pdf", 1)
    helga = sign_in_as(client, "helga")
    assert put(client, helga, "hr/leave.pdf", PDF2, **{"If-Match": '"2"'}).status_code == 202
    approve(client, "hr/leave.pdf", 3)
    assert (content / "hr" / "leave.pdf").read_bytes() == PDF2
    helga = sign_in_as(client, "helga")
    held = restore(client, helga, "hr/leave.pdf", {"version": 1}, **{"If-Match": "*"})
    assert held.status_code == 202, text_of(held)
    body = held.get_json()
    assert body["status"] == "review" and body["pending"] is True and body["version"] == 5
    assert (content / "hr" / "leave.pdf").read_bytes() == PDF2  # nothing written yet
    assert client.get("/api/articles/hr/leave.pdf/versions").get_json()["pending"] == 5
    sign_in_as(client, "hans")
    waiting = client.get("/api/articles/hr/leave.pdf/versions/5/file")
    assert waiting.status_code == 200 and waiting.data == PDF  # the reviewer reads it


def test_other_departments_readers_and_visitors_get_no_file_and_restore_nothing(
    client: FlaskClient, content: Path
) -> None:
    cora = sign_in_as(client, "cora")
    two_versions(client, cora, "it/policy.pdf")
    helga = sign_in_as(client, "helga")
    error_of(client.get("/api/articles/it/policy.pdf/versions/1/file"), 403, "forbidden")
    forged = restore(client, helga, "it/policy.pdf", {"version": 1}, **{"If-Match": "*"})
    error_of(forged, 403, "forbidden")
    # Another document's version number names nothing of it: HR has no such file.
    error_of(client.get("/api/articles/hr/policy.pdf/versions/1/file"), 404, "not_found")
    emma = sign_in_as(client, "emma")
    error_of(client.get("/api/articles/it/policy.pdf/versions/1/file"), 403, "forbidden")
    error_of(restore(client, emma, "it/policy.pdf", {"version": 1}), 403, "forbidden")
    client.post("/auth/sign-out", data={"csrf_token": emma})
    anonymous = client.get("/api/articles/it/policy.pdf/versions/1/file")
    assert anonymous.status_code in (401, 403) and anonymous.data != PDF
    assert (content / "it" / "policy.pdf").read_bytes() == PDF2


def test_ids_that_leave_the_department_are_refused(client: FlaskClient, content: Path) -> None:
    (content / "hr" / "secret.pdf").write_bytes(PDF)
    cora = sign_in_as(client, "cora")
    for article_id in ("it/../hr/secret.pdf", "it/%2e%2e/hr/secret.pdf", "it/./secret.pdf"):
        got = client.get(f"/api/articles/{article_id}/versions/1/file")
        assert got.status_code == 400, article_id
        assert got.data != PDF and got.mimetype == "application/json", article_id
        again = restore(client, cora, article_id, {"version": 1}, **{"If-Match": "*"})
        assert again.status_code == 400, article_id
    assert (content / "hr" / "secret.pdf").read_bytes() == PDF


def test_a_version_whose_file_was_not_kept_says_why(
    client: FlaskClient, content: Path, app: Flask
) -> None:
    (content / "it" / "old.pdf").write_bytes(PDF2)
    with app.test_request_context():
        web_services.authoring().versions.add_version(
            ArticleVersion(
                article_id="it/old.pdf",
                number=1,
                text="it/old.pdf: 5 bytes, SHA-256 x\n",
                author="",
                action=Action.DISK,
                status=Status.PUBLISHED,
                message="recorded before files were kept",
                ts=datetime(2025, 1, 1, tzinfo=UTC),
                content_hash=hashlib.sha256(b"never kept").hexdigest(),
            )
        )
    cora = sign_in_as(client, "cora")
    listed = client.get("/api/articles/it/old.pdf/versions").get_json()
    assert [v["version"] for v in listed["versions"]] == [2, 1]  # the file now, then v1
    gone = error_of(client.get("/api/articles/it/old.pdf/versions/1/file"), 409, "conflict")
    assert "was not kept" in gone["message"] and gone["details"]["version"] == 1
    refused = restore(client, cora, "it/old.pdf", {"version": 1}, **{"If-Match": '"2"'})
    assert "was not kept" in error_of(refused, 409, "conflict")["message"]
    assert (content / "it" / "old.pdf").read_bytes() == PDF2
    assert len(client.get("/api/articles/it/old.pdf/versions").get_json()["versions"]) == 2


def test_a_hostile_file_name_stays_one_quoted_download_name(
    client: FlaskClient, content: Path
) -> None:
    name = 'a"b;c=d ü.pdf'
    (content / "it" / name).write_bytes(PDF)
    sign_in_as(client, "cora")
    path = f"/api/articles/it/{quote(name)}"
    assert client.get(f"{path}/versions").status_code == 200
    got = client.get(f"{path}/versions/1/file")
    assert got.status_code == 200 and got.data == PDF
    header = got.headers["Content-Disposition"]
    assert "\n" not in header and "\r" not in header
    disposition, options = parse_options_header(header)
    assert disposition == "attachment" and "c" not in {k for k in options if k != "filename"}
    assert options["filename"] == 'a"b;c=d ü-v1.pdf'  # filename* decoded, whole


def test_restore_of_an_article_through_the_api(client: FlaskClient, content: Path) -> None:
    cora = sign_in_as(client, "cora")
    body = {
        "title": "VPN setup",
        "body": "## Connect\n\nUse the new client.",
        "status": "published",
    }
    saved = client.put(
        "/api/articles/it/vpn-setup.md",
        json=body,
        headers={"X-CSRF-Token": cora, "If-Match": '"1"'},
    )
    assert saved.status_code == 200, text_of(saved)
    done = restore(client, cora, "it/vpn-setup.md", {"version": 1}, **{"If-Match": '"2"'})
    assert done.status_code == 200, text_of(done)
    assert done.headers["ETag"] == '"3"' and "Open the VPN client" in done.get_json()["body"]
    assert "Open the VPN client" in (content / "it" / "vpn-setup.md").read_text(encoding="utf-8")
    error_of(restore(client, cora, "it/vpn-setup.md", {"version": 1}), 428, "precondition_required")


def test_restoring_a_version_whose_file_is_current_says_so_and_records_nothing(
    client: FlaskClient, content: Path
) -> None:
    cora = sign_in_as(client, "cora")
    two_versions(client, cora, "it/policy.pdf")
    assert put(client, cora, "it/policy.pdf", PDF, **{"If-Match": '"2"'}).status_code == 200
    same = restore(client, cora, "it/policy.pdf", {"version": 1}, **{"If-Match": '"3"'})
    error = error_of(same, 409, "conflict")  # version 3 holds version 1's file
    assert error["details"] == {"id": "it/policy.pdf", "reason": "already_current", "same_as": 3}
    assert "nothing was restored" in error["message"]
    listed = client.get("/api/articles/it/policy.pdf/versions").get_json()
    assert [v["version"] for v in listed["versions"]] == [3, 2, 1]
    page = text_of(client.get("/manage/document/it/policy.pdf?hl=en"))
    first = re.search(r'<tr data-version="1">.*?</tr>', page, re.S)
    assert first and 'data-same="3"' in first[0] and "same file as version 3" in first[0]
    assert "Restore 1" not in page and "Restore 2" in page
    form = {"csrf_token": cora, "number": "1", "version": "3"}
    assert client.post("/manage/document-restore/it/policy.pdf", data=form).status_code == 303
    told = text_of(client.get("/manage/document/it/policy.pdf?hl=en"))
    assert re.search(r'flash--info">[^<]*is the current file already \(version 3\)', told)
    assert (content / "it" / "policy.pdf").read_bytes() == PDF
    listed = client.get("/api/articles/it/policy.pdf/versions").get_json()
    assert [v["version"] for v in listed["versions"]] == [3, 2, 1]
