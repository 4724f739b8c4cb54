"""Attachments in the web app and the JSON API (on SQLite and PostgreSQL): uploads
checked by content and limits, downloads that no browser renders, internal
files hidden from requesters, and the queue's search of attachment text."""

from __future__ import annotations

import io
import re
from typing import Any

import pytest
from flask.testing import FlaskClient
from werkzeug.http import parse_options_header

from kb.store.protocols import Store
from tests.documents import travel_outline, write_pdf
from tests.support import (
    error_of,
    filed_request,
    post_request_form,
    refused_page,
    sign_in_as,
    text_of,
)
from tests.webapp.backends import backend, settings  # noqa: F401 - fixtures, by name

pytestmark = pytest.mark.usefixtures("people")

HOSTILE = b"<!doctype html><html><body><script>alert(document.cookie)</script></body></html>"


@pytest.fixture
def request_id(client: FlaskClient) -> int:
    return filed_request(client)


def upload(
    client: FlaskClient, user: str, request_id: int, *files: tuple[str, bytes], **form: str
) -> Any:
    token = sign_in_as(client, user)
    data: dict[str, Any] = {"file": [(io.BytesIO(b), name) for name, b in files], **form}
    return client.post(
        f"/api/requests/{request_id}/attachments",
        data=data,
        headers={"X-CSRF-Token": token},
        content_type="multipart/form-data",
    )


def test_files_are_attached_and_always_downloaded(client: FlaskClient, request_id: int) -> None:
    pdf = write_pdf(travel_outline())
    response = upload(client, "emma", request_id, ("policy.pdf", pdf), ("page.pdf", HOSTILE),
                      text="The policy and the page I saw.")  # fmt: skip
    assert response.status_code == 201, text_of(response)
    stored = response.get_json()["attachments"]
    assert [(a["name"], a["kind"], a["size"]) for a in stored] == [
        ("policy.pdf", "pdf", len(pdf)), ("page.pdf.html", "html", len(HOSTILE))]  # fmt: skip
    assert stored[0]["has_text"] is True
    listed = client.get(f"/api/requests/{request_id}/attachments").get_json()["attachments"]
    assert [a["id"] for a in listed] == [a["id"] for a in stored]
    hostile = client.get(stored[1]["url"])
    assert hostile.status_code == 200 and hostile.data == HOSTILE
    assert hostile.mimetype == "application/octet-stream"
    assert hostile.headers["Content-Disposition"].startswith("attachment;")
    assert "page.pdf.html" in hostile.headers["Content-Disposition"]
    assert hostile.headers["X-Content-Type-Options"] == "nosniff"
    assert hostile.headers["Content-Security-Policy"].startswith("sandbox")
    document = client.get(stored[0]["url"])
    assert document.mimetype == "application/pdf" and document.data == pdf
    # The web page lists the files under the reply, with the same downloads.
    page = text_of(client.get(f"/requests/{request_id}"))
    assert "The policy and the page I saw." in page
    assert (
        f'href="/requests/{request_id}/attachments/{stored[1]["id"]}" download>page.pdf.html'
        in page
    )


def test_downloads_keep_file_names_in_any_script(client: FlaskClient, request_id: int) -> None:
    """HTTP headers carry Latin-1 at most: a Japanese or Cyrillic file name, or an
    emoji, made the download a 500 from gunicorn for requester and agents alike."""
    names = ["Gehaltsabrechnung März.txt", "請求書.txt", "квитанция 😀.txt"]
    response = upload(client, "emma", request_id, *[(name, b"receipt") for name in names])
    assert response.status_code == 201, text_of(response)
    stored = response.get_json()["attachments"]
    assert [a["name"] for a in stored] == names
    for attachment in stored:
        for url in (attachment["url"], f"/requests/{request_id}/attachments/{attachment['id']}"):
            got = client.get(url)
            header = got.headers["Content-Disposition"]
            assert got.status_code == 200 and header.isascii(), header
            assert parse_options_header(header) == ("attachment", {"filename": attachment["name"]})
            assert got.headers["Content-Type"] == "text/plain; charset=utf-8"


def test_refused_uploads_say_why_in_the_callers_language(
    client: FlaskClient, request_id: int, store: Store, app: Any
) -> None:
    from webapp.services import services

    exe = b"MZ\x90\x00\x03" + b"\x00" * 200
    response = upload(client, "emma", request_id, ("tool.pdf", exe))
    error = error_of(response, 400, "invalid_request")
    assert error["details"] == {"field": "file", "reason": "kind"}
    assert "“tool.pdf” is not a kind of file we accept" in error["message"]
    services(app).requests.files.intake = type(services(app).requests.files.intake)(
        type(services(app).requests.files.intake.limits)(max_bytes=10, max_count=2)
    )
    token = sign_in_as(client, "emma")
    response = client.post(
        f"/api/requests/{request_id}/attachments",
        data={"file": [(io.BytesIO(b"x" * 11), "big.txt")]},
        headers={"X-CSRF-Token": token, "Accept-Language": "de"},
        content_type="multipart/form-data",
    )
    assert "„big.txt“ ist" in error_of(response, 400, "invalid_request")["message"]
    assert store.count_attachments(request_id) == 0
    assert error_of(upload(client, "emma", request_id), 400, "invalid_request")["details"] == {
        "field": "file", "reason": "missing"}  # fmt: skip


def test_a_file_past_the_limit_is_refused_with_its_whole_size(
    client: FlaskClient, request_id: int, app: Any
) -> None:
    """Only one byte past the limit is read, so the refusal named that ("10.0 MB,
    the limit is 10.0 MB" for a file of 11 MB); it names the whole size now."""
    from webapp.services import services

    current = services(app).settings
    services(app).settings = current.replace(attachment_max_bytes=1000, attachment_max_count=2)
    intake = services(app).requests.files.intake
    services(app).requests.files.intake = type(intake)(
        type(intake.limits)(max_bytes=1000, max_count=2)
    )
    response = upload(client, "emma", request_id, ("scan.txt", b"x" * 1500))
    message = error_of(response, 400, "invalid_request")["message"]
    assert "“scan.txt” is 1.5 KB; the limit is 1.0 KB" in message


def test_a_body_beyond_every_limit_is_refused_before_it_is_read(
    client: FlaskClient, request_id: int, app: Any
) -> None:
    from webapp.services import services

    current = services(app).settings
    services(app).settings = current.replace(attachment_max_bytes=1000, attachment_max_count=1)
    response = upload(client, "emma", request_id, ("big.txt", b"x" * 400_000))
    error_of(response, 413, "payload_too_large")


def test_internal_files_are_the_agents_only_and_agents_search_their_text(
    client: FlaskClient, request_id: int
) -> None:
    response = upload(client, "ivan", request_id, ("diag.txt", b"Driver 4.2 crashed"),
                      text="Seen this before", internal="1")  # fmt: skip
    assert response.status_code == 201, text_of(response)
    [note] = response.get_json()["attachments"]
    assert note["visible_to_requester"] is False
    html = text_of(client.get("/requests/queue/it?q=driver+CRASHED"))
    assert f'href="/requests/{request_id}/attachments/{note["id"]}" download>diag.txt' in html
    assert "Driver 4.2 crashed" in html
    assert "No request or attachment in this queue" in text_of(
        client.get("/requests/queue/it?q=toner")
    )
    sign_in_as(client, "emma")
    assert client.get(f"/api/requests/{request_id}/attachments").get_json() == {"attachments": []}
    assert client.get(note["url"]).status_code == 404
    assert "diag.txt" not in text_of(client.get(f"/requests/{request_id}"))
    assert client.get("/requests/queue/it?q=driver").status_code == 403


def test_an_internal_flag_that_is_not_yes_or_no_is_refused_never_read_as_a_reply(
    client: FlaskClient, request_id: int, store: Store
) -> None:
    """`internal=True` (as a form library writes a boolean), `on` (a checkbox's
    default) or `yes` meant an internal note: read as no, the note and its file
    went to the requester. Such a value is a 400 naming the field, nothing stored."""
    before = len(store.entries(request_id))
    for value in ("True", "on", "yes", "TRUE", "2"):
        sent = upload(client, "ivan", request_id, ("salary.txt", b"61,000"), internal=value)
        assert error_of(sent, 400, "invalid_request")["details"]["field"] == "internal", value
    assert len(store.entries(request_id)) == before
    sign_in_as(client, "emma")
    assert client.get(f"/api/requests/{request_id}/attachments").get_json() == {"attachments": []}
    for value, internal in (("1", True), ("true", True), ("0", False), ("false", False)):
        answer = upload(client, "ivan", request_id, ("n.txt", b"note"), internal=value)
        assert answer.status_code == 201, text_of(answer)
        assert answer.get_json()["attachments"][0]["visible_to_requester"] is not internal


def test_the_reply_form_takes_files(client: FlaskClient, request_id: int, store: Store) -> None:
    token = sign_in_as(client, "emma")
    files = [(io.BytesIO(b"a,b\n1,2\n"), "data.csv")]
    response = post_request_form(client, token, request_id, "comment", text="", files=files)
    assert response.status_code == 303
    [stored] = store.attachments(request_id)
    assert (stored.name, stored.kind) == ("data.csv", "txt")
    page = text_of(client.get(f"/requests/{request_id}"))
    assert "attached data.csv" in page and 'enctype="multipart/form-data"' in page
    # Without files an empty reply is still refused, what was typed is kept.
    response = post_request_form(client, token, request_id, "comment", text=" ")
    assert "please fill this in" in refused_page(client, response, "reply")


def test_the_ask_form_files_the_request_with_its_files_once(
    client: FlaskClient, store: Store
) -> None:
    sign_in_as(client, "emma")
    form = text_of(client.get("/ask/?q=Printer+jams&department=it"))
    key = re.search(r'name="idempotency_key" value="([^"]+)"', form).group(1)  # type: ignore[union-attr]
    data = {"csrf_token": "csrf-emma", "idempotency_key": key, "query": "Printer jams",
            "department": "it", "preselected": "it"}  # fmt: skip
    for _ in range(2):  # a double click
        response = client.post(
            "/ask/",
            data={**data, "files": [(io.BytesIO(b"jam log"), "log.txt")]},
            content_type="multipart/form-data",
        )
        assert response.status_code == 303, text_of(response)
    [request] = store.list_requests()
    assert [a.name for a in store.attachments(request.id)] == ["log.txt"]  # type: ignore[arg-type]


def test_a_file_is_opened_only_under_its_own_request(client: FlaskClient, request_id: int) -> None:
    """Tried and held (review of 5 December): an agent of IT names the file of an
    HR request (ids count up from 1) under a request of IT's queue, which they may
    read, on the page and in the API: 404, as for a file that does not exist."""
    hr_request = filed_request(client, "olga", "Salary question", "hr")
    stored = upload(client, "hanna", hr_request, ("salary.txt", b"61,000"), internal="1")
    [salary] = stored.get_json()["attachments"]
    sign_in_as(client, "ivan")
    assert client.get(f"/requests/{request_id}").status_code == 200
    assert client.get(f"/requests/{request_id}/attachments/{salary['id']}").status_code == 404
    listed = client.get(f"/api/requests/{request_id}/attachments").get_json()["attachments"]
    assert salary["id"] not in [a["id"] for a in listed]
    assert client.get(f"/requests/{hr_request}/attachments/{salary['id']}").status_code == 404
