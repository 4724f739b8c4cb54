"""Uploads and downloads of request attachments in the web app.

Uploads: the app accepts at most 64 KiB per request body; the routes that
take files (`UPLOAD_ENDPOINTS`) get room for `attachment_max_count` files of
`attachment_max_bytes` each, set before anything reads the body (the CSRF
check reads the form). Each file is read up to one byte past the limit, so a
large one is refused without being held in memory whole.

Downloads are always downloads: `Content-Disposition: attachment` with the
file's safe name, the media type of the kind its bytes showed (never
`text/html`: an HTML page goes out as `application/octet-stream`),
`X-Content-Type-Options: nosniff`, and a `sandbox` Content-Security-Policy,
so nothing a requester uploads can run in the site's origin.
"""

from __future__ import annotations

import os
import unicodedata
from dataclasses import replace
from urllib.parse import quote

from flask import Flask, Response, request
from werkzeug.datastructures import FileStorage

from kb.accounts.records import User
from kb.attachments.blobs import digest_of
from kb.attachments.kinds import BY_NAME
from kb.attachments.records import Attachment, Upload
from kb.requests.records import Request
from kb.requests.submission import NewRequest
from webapp.search.event_log import stored_search
from webapp.services import request_service, services
from webapp.throttle import ASK, limit

UPLOAD_ENDPOINTS = frozenset(
    {"requests.comment", "requests_api.attach", "catalogue.submit", "ask.submit"}
)
FORM_ROOM = 256 * 1024  # the other fields of a form that carries files
FILE_FIELDS = ("file", "files")


def _room_for_files() -> None:
    if request.endpoint in UPLOAD_ENDPOINTS:
        settings = services().settings
        request.max_content_length = (
            settings.attachment_max_bytes * settings.attachment_max_count + FORM_ROOM
        )


def uploads() -> list[Upload]:
    """The files of the request (fields `file` or `files`; empty file inputs skipped)."""
    limit = services().settings.attachment_max_bytes
    found: list[FileStorage] = [
        f for name in FILE_FIELDS for f in request.files.getlist(name) if f.filename
    ]
    # One byte past the limit is enough to tell the file is too large.
    return [_upload(f, limit) for f in found]


def _upload(sent: FileStorage, limit: int) -> Upload:
    data = sent.stream.read(limit + 1)
    if len(data) <= limit:
        return Upload(sent.filename or "", data)
    try:  # the refusal names the whole size; the parser spooled the file to disk
        size = sent.stream.seek(0, os.SEEK_END)
    except (OSError, ValueError):
        size = len(data)
    return Upload(sent.filename or "", data, size=size)


def first_filing(actor: User, key: str | None) -> bool:
    """Whether a filing with idempotency key `key` is `actor`'s first; it then
    counts against the ask limit (refused over it). A retry of a request filed
    already is answered with that request and costs nothing, so it is neither
    counted nor refused: a client that retries after a timeout is not told
    "too many" about a request that was filed."""
    if request_service().submissions.filed_before(actor, key) is not None:
        return False
    limit(ASK)
    return True


def file_with_attachments(
    actor: User, sent: NewRequest, files: list[Upload], search_ref: str = ""
) -> Request:
    """File a request and attach `files` to it. The files are checked first, so a
    refused file files nothing; a resubmitted form (same idempotency key) attaches
    only what the first one did not. A search that this browser did not make is
    left out (the request is still filed), so nobody can mark a stranger's search
    as one that became a request; a search answered before it was logged is
    linked by its `search_ref` once stored, and without a search to link the
    request keeps the words searched for (`search_query`)."""
    own = stored_search(sent.search_id, search_ref)
    sent = replace(sent, search_id=own.id if own is not None else None)
    service = request_service()
    if files:
        service.files.intake.check(files, existing=0)
    created = service.submissions.submit(actor, sent, signed_in=True)
    assert created.id is not None
    kept = {a.sha256 for a in service.store.attachments(created.id)}
    missing = [f for f in files if digest_of(f.data) not in kept]
    if missing:
        service.attach(actor, created.id, missing)
    return created


def download(attachment: Attachment, data: bytes) -> Response:
    """The file as a download that no browser shows inline."""
    kind = BY_NAME.get(attachment.kind)
    media_type = kind.media_type if kind else "application/octet-stream"
    response = Response(data, content_type=media_type)
    response.headers.set("Content-Disposition", "attachment", **_file_name(attachment.name))
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = "sandbox; default-src 'none'"
    response.headers["Cache-Control"] = "private, no-store"
    return response


def _file_name(name: str) -> dict[str, str]:
    """`filename` for Content-Disposition, and `filename*` (RFC 6266, UTF-8) when the
    name is not ASCII: headers carry Latin-1 at most, and gunicorn answered 500 for
    a Japanese name or an emoji. The plain one is the name without its accents."""
    if name.isascii():
        return {"filename": name}
    plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    return {
        "filename": plain.strip() or "attachment",
        "filename*": f"UTF-8''{quote(name, safe='')}",
    }


def init_app(app: Flask) -> None:
    # Registered before the CSRF check, which is the first to read a form.
    app.before_request(_room_for_files)
