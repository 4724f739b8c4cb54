"""Uploading documents in the browser (multipart form) and through the article
API: the form, CSRF, permissions, refusals shown on the form, replacing only
after confirmation, indexing, and the list row with its problem."""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import Any

from flask import Flask
from flask.testing import FlaskClient

from indexer.unreadable import UnreadableDocument, write_unreadable
from kb.content.documents import problem_of
from kb.extract.problem_texts import malformed
from tests.support import error_of, sign_in_as, text_of
from tests.webapp.manage.conftest import RecordingBuilder
from webapp.services import services

PDF = b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"


def post_upload(
    client: FlaskClient, token: str, data: bytes, filename: str, query: str = "", **fields: Any
) -> Any:
    form = {"csrf_token": token, "department": "it", **fields}
    form["file"] = (io.BytesIO(data), filename)
    return client.post(f"/manage/upload{query}", data=form, content_type="multipart/form-data")


def row_of(page: str, article_id: str) -> str:
    found = re.search(rf'<tr[^>]*data-article="{re.escape(article_id)}">.*?</tr>', page, re.S)
    assert found, article_id
    return found.group(0)


def test_an_owner_uploads_a_document_from_the_list_and_it_is_indexed(
    client: FlaskClient, content: Path, app: Flask, builder: RecordingBuilder
) -> None:
    token = sign_in_as(client, "cora")
    listing = text_of(client.get("/manage/?department=it"))
    assert "/manage/upload?department=it" in listing and "Upload a document" in listing
    form = client.get("/manage/upload?department=it")
    assert form.status_code == 200 and 'enctype="multipart/form-data"' in text_of(form)
    response = post_upload(client, token, PDF, "Remote Work.pdf", message="new policy")
    assert response.status_code == 303 and "/manage/?department=it" in response.location
    assert (content / "it" / "remote-work.pdf").read_bytes() == PDF
    assert services(app).index_worker.wait_idle(60)  # type: ignore[union-attr]
    assert builder.runs >= 1
    page = text_of(client.get("/manage/?department=it"))
    assert "Document it/remote-work.pdf uploaded" in page
    row = row_of(page, "it/remote-work.pdf")
    assert "cora" in row and "Replace" in row
    # Unreadable, as the newest index run found it: the row says why.
    write_unreadable(
        Path(services(app).settings.index_path),
        {"it/remote-work.pdf": "warning: it/remote-work.pdf: PDF has no text (scanned?)"},
    )
    assert "PDF has no text" in row_of(
        text_of(client.get("/manage/?department=it")), "it/remote-work.pdf"
    )


def test_the_history_of_a_document_the_index_could_not_read_says_so(
    client: FlaskClient, content: Path, app: Flask
) -> None:
    """A damaged PDF passes the upload's checks (it starts with %PDF-), and its
    history page called it "Published" and nothing more, while search could not
    find it: only the list said why, after the index run."""
    token = sign_in_as(client, "cora")
    post_upload(client, token, b"%PDF-1.4\n%garbage\n", "Damaged.pdf")
    listing = text_of(client.get("/manage/?department=it"))
    assert "If its text cannot be read, the list and the document&#39;s history say why" in listing
    page = text_of(client.get("/manage/document/it/damaged.pdf"))
    assert "document-unreadable" not in page  # not read yet: nothing to say
    damaged = malformed("PDF", "bad xref")
    index = Path(services(app).settings.index_path)
    write_unreadable(index, {"it/damaged.pdf": problem_of(damaged, "it/damaged.pdf")})

    def notice(query: str = "?hl=en") -> str:
        page = text_of(client.get(f"/manage/document/it/damaged.pdf{query}"))
        found = re.search(r'<p class="flash flash--error document-unreadable".*?</p>', page, re.S)
        assert found, page
        return found.group(0)

    assert "Search cannot find this document" in notice()
    assert "it/damaged.pdf" in notice() and "bad xref" in notice()
    german = notice("?hl=de")
    assert "Die Suche findet dieses Dokument nicht" in german and "Warnung: " in german
    # A replaced file that cannot be read: the version read before stays searchable.
    write_unreadable(
        index, {"it/damaged.pdf": UnreadableDocument(problem_of(damaged, "it/damaged.pdf"), True)}
    )
    kept = notice()
    assert "search still finds the version it read before" in kept
    assert "Search cannot find" not in kept


def test_an_upload_needs_the_csrf_token_and_the_department(
    client: FlaskClient, content: Path
) -> None:
    sign_in_as(client, "cora")
    assert post_upload(client, "forged", PDF, "policy.pdf").status_code == 403
    token = sign_in_as(client, "helga")
    assert post_upload(client, token, PDF, "policy.pdf").status_code == 403
    assert client.get("/manage/upload?department=it").status_code == 403
    token = sign_in_as(client, "emma")
    assert post_upload(client, token, PDF, "policy.pdf").status_code == 403
    assert not (content / "it" / "policy.pdf").exists()


def test_someone_who_owns_no_department_is_refused_the_upload_not_failed(
    client: FlaskClient, content: Path
) -> None:
    """The form without `?department=` (the way the menu opens it) answered an
    employee, agent or analyst with a server error, in the page and on the post."""
    token = sign_in_as(client, "emma")
    page = client.get("/manage/upload")
    assert page.status_code == 403
    assert "These pages are for content owners and administrators." in text_of(page)
    form = {"csrf_token": token, "file": (io.BytesIO(PDF), "policy.pdf")}
    sent = client.post("/manage/upload", data=form, content_type="multipart/form-data")
    assert sent.status_code == 403
    assert not list(content.rglob("policy.pdf"))


def test_a_refused_upload_shows_the_form_with_the_reason(
    client: FlaskClient, content: Path
) -> None:
    token = sign_in_as(client, "cora")
    before = sorted(p.name for p in (content / "it").iterdir())
    cases = [
        (b"<html><body>x</body></html>", "policy.pdf", {}, 400, "its content is an HTML page"),
        (b"#!/bin/sh\n", "run.sh", {}, 400, "not a kind of document"),
        (PDF, "x.pdf", {"name": "../evil.pdf"}, 400, "names a folder"),
        (PDF, "x.pdf", {"name": ".evil.pdf"}, 400, "hidden"),
        (b"", "empty.pdf", {}, 400, "empty.pdf is empty"),
        (b"", "", {}, 400, "Choose a file"),  # no file chosen
    ]
    for data, filename, fields, status, words in cases:
        response = post_upload(client, token, data, filename, **fields)
        page = text_of(response)
        assert response.status_code == status and words in page, (filename, page[:2000])
        assert 'name="file"' in page  # the form again
    assert sorted(p.name for p in (content / "it").iterdir()) == before
    german = post_upload(client, token, b"#!/bin/sh\n", "run.sh", query="?hl=de")
    assert german.status_code == 400 and "keine Art Dokument" in text_of(german)


def test_a_refused_upload_keeps_what_was_typed(client: FlaskClient, content: Path) -> None:
    """The form came back with the reason and an empty "What changed": the
    message typed for the history had to be typed again."""
    token = sign_in_as(client, "cora")
    message = "Policy of 2027 & its <annex>"
    page = text_of(post_upload(client, token, b"#!/bin/sh\n", "run.sh", message=message))
    assert 'value="Policy of 2027 &amp; its &lt;annex&gt;"' in page
    (content / "it" / "policy.pdf").write_bytes(PDF + b"% old\n")
    response = post_upload(client, token, PDF, "policy.pdf", message="the 2027 version")
    assert response.status_code == 409  # replacing needs the box ticked: the form again
    assert 'name="message" maxlength="500" value="the 2027 version"' in text_of(response)


def test_replacing_asks_for_confirmation_first(client: FlaskClient, content: Path) -> None:
    token = sign_in_as(client, "cora")
    (content / "it" / "policy.pdf").write_bytes(PDF + b"% old\n")
    response = post_upload(client, token, PDF, "policy.pdf")
    page = text_of(response)
    assert response.status_code == 409 and "already exists" in page
    assert 'name="replace"' in page and "Replace the existing policy.pdf" in page
    assert (content / "it" / "policy.pdf").read_bytes().endswith(b"% old\n")
    form = text_of(client.get("/manage/upload?department=it&replace=policy.pdf"))
    assert 'name="replace" value="1" required' in form
    response = post_upload(client, token, PDF, "whatever.pdf", name="policy.pdf", replace="1")
    assert response.status_code == 303
    assert (content / "it" / "policy.pdf").read_bytes() == PDF
    assert "Document it/policy.pdf replaced" in text_of(client.get("/manage/?department=it"))


def test_a_file_past_the_document_limit_is_refused_with_the_limit(
    client: FlaskClient, content: Path, app: Flask
) -> None:
    svc = services(app)
    svc.settings = svc.settings.replace(document_max_bytes=1000)
    token = sign_in_as(client, "cora")
    response = post_upload(client, token, PDF + b"0" * 2000, "big.pdf")
    assert response.status_code == 400 and "over the 1.0 KB limit" in text_of(response)
    response = post_upload(client, token, PDF + b"0" * 200_000, "huge.pdf")
    assert response.status_code == 413 and "1.0 KB limit" in text_of(response)
    assert not (content / "it" / "big.pdf").exists() and not (content / "it" / "huge.pdf").exists()


def test_the_form_takes_a_document_up_to_the_limit_and_names_it_past_it(
    client: FlaskClient, content: Path, app: Flask
) -> None:
    """The form's own body limit is `document_max_bytes` plus room for the
    multipart boundaries and the other fields: a file of exactly the limit, sent
    with a message, is taken; one byte more is refused by the upload's own check,
    and a body far past the form's room gets the form with the limit, not a bare
    413."""
    svc = services(app)
    limit = 2_000_000
    svc.settings = svc.settings.replace(document_max_bytes=limit)
    token = sign_in_as(client, "cora")
    padded = PDF + b"0" * (limit - len(PDF))
    taken = post_upload(client, token, padded, "at-limit.pdf", message="m" * 500)
    assert taken.status_code == 303, text_of(taken)[:500]
    assert (content / "it" / "at-limit.pdf").stat().st_size == limit
    over = post_upload(client, token, padded + b"0", "over.pdf")
    assert over.status_code == 400 and "over the 2.0 MB limit" in text_of(over)
    # One byte over reads as more than the limit, not "2.0 MB, over the 2.0 MB limit".
    assert "over.pdf is 2.000001 MB, over" in text_of(over)
    client.get("/?hl=de")  # the language stays chosen for the post
    german = post_upload(client, token, padded + b"0", "over.pdf")
    assert german.status_code == 400 and "2,000001 MB" in text_of(german)
    assert "die Grenze von 2,0 MB" in text_of(german)
    client.get("/?hl=en")
    far = post_upload(client, token, padded + b"0" * 100_000, "far.pdf")
    page = text_of(far)
    assert far.status_code == 413 and "2.0 MB limit" in page and 'name="file"' in page
    assert not (content / "it" / "over.pdf").exists() and not (content / "it" / "far.pdf").exists()


def put(client: FlaskClient, token: str, article_id: str, data: bytes, **headers: str) -> Any:
    return client.put(
        f"/api/articles/{article_id}",
        data=data,
        headers={"X-CSRF-Token": token, "Content-Type": "application/pdf", **headers},
    )


def test_the_api_puts_documents_as_it_puts_articles(client: FlaskClient, content: Path) -> None:
    token = sign_in_as(client, "cora")
    created = put(client, token, "it/policy.pdf", PDF)
    assert created.status_code == 201, created.get_data(as_text=True)
    body = created.get_json()
    assert body["id"] == "it/policy.pdf" and body["version"] == 1 and body["format"] == "pdf"
    assert created.headers["ETag"] == '"1"' and created.headers["Location"].endswith("policy.pdf")
    error_of(put(client, token, "it/policy.pdf", PDF), 428, "precondition_required")
    second = put(client, token, "it/policy.pdf", PDF + b"%2", **{"If-Match": '"1"'})
    assert second.status_code == 200 and second.headers["ETag"] == '"2"'
    assert second.get_json()["replaced"] is True
    error_of(put(client, token, "it/policy.pdf", PDF, **{"If-Match": '"1"'}), 412, "stale_document")
    # a weak tag never matches If-Match (RFC 9110), even the current version's
    error_of(put(client, token, "it/policy.pdf", PDF, **{"If-Match": 'W/"2"'}), 412, "weak_etag")
    assert put(client, token, "it/policy.pdf", PDF, **{"If-Match": "*"}).status_code == 200
    assert (content / "it" / "policy.pdf").read_bytes() == PDF
    refused = error_of(put(client, token, "it/other.pdf", b"<html></html>"), 400, "invalid_request")
    assert "HTML page" in refused["message"]
    assert put(client, "forged", "it/x.pdf", PDF).status_code == 403
    helga = sign_in_as(client, "helga")
    error_of(put(client, helga, "it/x.pdf", PDF), 403, "forbidden")
    assert not (content / "it" / "other.pdf").exists() and not (content / "it" / "x.pdf").exists()


def test_the_upload_form_writes_its_size_limit_in_the_reader_s_language(
    client: FlaskClient, content: Path, app: Flask
) -> None:
    """The form said "höchstens 20.0 MB" in German, with the English decimal point
    (the ask form wrote "10,0 MB"), and so did the form shown again past the limit."""
    svc = services(app)
    svc.settings = svc.settings.replace(document_max_bytes=2_500_000)
    token = sign_in_as(client, "cora")
    german = text_of(client.get("/manage/upload?department=it&hl=de"))
    assert "2,5 MB" in german and "2.5 MB" not in german
    assert "2.5 MB" in text_of(client.get("/manage/upload?department=it&hl=en"))
    client.get("/?hl=de")  # the language stays chosen for the post
    far = post_upload(client, token, PDF + b"0" * 2_700_000, "far.pdf")
    assert far.status_code == 413 and "2,5 MB" in text_of(far)


def test_the_api_says_a_file_of_another_kind_is_not_read(client: FlaskClient) -> None:
    """A .doc or a spreadsheet PUT as a document was answered that the body was
    no JSON object, or that the id was no Markdown article's."""
    token = sign_in_as(client, "cora")
    for name, kind in (("petty-cash.doc", "application/msword"), ("cost-centres.csv", "text/csv")):
        refused = error_of(
            put(client, token, f"it/{name}", b"data", **{"Content-Type": kind}),
            400,
            "invalid_request",
        )
        assert f"{name} is not a kind of document the knowledge base reads" in refused["message"]
        assert ".docx" in refused["message"] and refused["details"]["field"] == "name"


def test_a_password_protected_pdf_is_refused_at_the_upload(
    client: FlaskClient, content: Path
) -> None:
    """It was stored, and only the next index run said its text could not be read."""
    from tests.documents import travel_outline, write_encrypted_odt, write_pdf

    locked = write_pdf(travel_outline(), encrypt="secret")
    token = sign_in_as(client, "cora")
    before = sorted(p.name for p in (content / "it").iterdir())
    form = post_upload(client, token, locked, "Policy.pdf", message="new policy")
    page = text_of(form)
    assert form.status_code == 400 and 'name="file"' in page
    assert "policy.pdf is password-protected" in page and "save a copy without the" in page
    odt = write_encrypted_odt(travel_outline())
    refused = error_of(put(client, token, "it/plan.odt", odt), 400, "invalid_request")
    assert "plan.odt is password-protected" in refused["message"]
    assert refused["details"]["problem"] == "encrypted"
    german = post_upload(client, token, locked, "Policy.pdf", query="?hl=de")
    assert "policy.pdf ist mit einem Passwort geschützt" in text_of(german)
    assert sorted(p.name for p in (content / "it").iterdir()) == before
