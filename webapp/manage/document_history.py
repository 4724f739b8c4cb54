"""An uploaded document's history, its review and restore, in the browser and the API.

    /manage/document/<id>                 every version (who, when, SHA-256, size), the
                                          one waiting for review with Approve and Reject,
                                          Restore beside the earlier ones (beside
                                          every published one of a deleted document)
    /manage/document-file/<id>?version=N  a version's file, always as a download
    POST /manage/document-review/<id>     approve or reject the version waiting
    POST /manage/document-restore/<id>    an earlier version made current again
    GET  /api/articles/<id>/versions      (a document's) its versions as JSON
    POST /api/articles/<id>/review        approve or reject through the API
    GET  /api/articles/<id>/versions/<n>/file   a version's file through the API
    POST /api/articles/<id>/restore       an earlier version restored through the API

Everything is checked by `kb.authoring.documents.DocumentUploads` (a content
owner of the department or an admin; the uploader never approves their own
upload, and withdraws it from a department whose folder is gone even without
its role any more: the list's Withdraw, `templates/manage/stranded.html`). Binary files are not diffed: the page says so and offers each
version's file instead. A downloaded file is never shown inline, so an HTML
or PDF version cannot run anything in the site's origin.
"""

from __future__ import annotations

import io

from flask import Blueprint, flash, jsonify, redirect, render_template, request, send_file, url_for
from werkzeug.wrappers import Response

from indexer.unreadable import read_unreadable
from kb.accounts.records import User
from kb.authoring.document_versions import DocumentVersion, live, pending
from kb.authoring.document_waiting import waiting_document
from kb.authoring.records import Action
from kb.errors import (
    ConflictError,
    ContentError,
    KbError,
    NotFoundError,
    PermissionDenied,
    StoreError,
    ValidationError,
)
from kb.extract.factory import format_for
from kb.records import Status
from webapp import services
from webapp.auth.identity import require_user
from webapp.errors import message_for
from webapp.i18n import current_language, gettext
from webapp.inputs import invalid, text_field
from webapp.json_body import json_object
from webapp.manage import forms
from webapp.manage.documents import orphaned_json, review_json_fields, uploads
from webapp.manage.presenters import departments_gone
from webapp.manage.versions import PreconditionRequired, with_etag
from webapp.preconditions import if_match_tag_version, refuse_blank_if_match

bp = Blueprint("manage_document_history", __name__, url_prefix="/manage")

REFUSED = (ValidationError, ConflictError, NotFoundError, ContentError, StoreError)
DECISIONS = ("approve", "reject")
# A restore names the version to restore in its body, so If-Match alone says
# which version it is based on.
RESTORE_IF_MATCH_ADVICE = 'send the ETag you read (If-Match: "3")'


@bp.get("/document/<path:article_id>")
def history(article_id: str) -> str:
    actor = require_user()
    service = uploads()
    versions = service.history(actor, article_id)
    waiting, current = pending(versions), live(versions)
    state = waiting_document(service.versions, article_id) if waiting else None
    department = article_id.split("/", 1)[0]
    return render_template(
        "manage/document_history.html",
        article_id=article_id,
        department=department,
        gone=department not in service.authoring.departments(),
        same=same_files(versions, current, waiting),
        versions=list(reversed(versions)),
        waiting=waiting,
        orphaned=state.orphaned if state else None,
        authors=list(state.authors) if state else [],
        missing=service.missing_files(article_id),
        # What the newest index run could not read in the current file (as the
        # list shows it): without it the page called such a file "Published".
        unreadable=read_unreadable(services.services().settings.index_path).get(article_id),
        current=current.number if current else 0,
        latest=versions[-1].number if versions else 0,
        deleted=bool(versions) and versions[-1].action is Action.DELETE,
        actor=actor,
    )


def same_files(versions: list[DocumentVersion], *now: DocumentVersion | None) -> dict[int, int]:
    """The published versions whose file is that of a version in `now` (the current
    one, the one waiting), by number: restoring them would change nothing, so the
    page names that version instead of offering Restore."""
    files_now = {v.sha256: v.number for v in now if v is not None}
    return {
        v.number: files_now[v.sha256]
        for v in versions
        if v.status is Status.PUBLISHED
        and v.sha256 in files_now
        and v.number not in files_now.values()
    }


@bp.get("/document-file/<path:article_id>")
def version_file(article_id: str) -> Response:
    number = forms.version_of(request.args.get("version"), "version")
    if number is None:
        raise invalid("version", "say which version's file to download", key="document_which")
    version, data = uploads().version_file(require_user(), article_id, number)
    return download(article_id, version.number, data)


def download(article_id: str, number: int, data: bytes) -> Response:
    """Version `number`'s file as a download that no browser shows inline, named
    `<name>-v<number>.<ext>` (a name that is not ASCII as `filename*` beside a
    plain one: Werkzeug quotes both, so a quote or `;` in a name stays in it)."""
    fmt = format_for(article_id)
    # Never text/html: a page served in the site's origin could run in it.
    media_type = "application/octet-stream" if fmt is None or fmt.name == "html" else fmt.media_type
    stem, dot, ext = article_id.rsplit("/", 1)[-1].rpartition(".")
    response = send_file(
        io.BytesIO(data),
        mimetype=media_type,
        as_attachment=True,
        download_name=f"{stem}-v{number}{dot}{ext}" if dot else f"{ext}-v{number}",
        max_age=0,
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = "sandbox; default-src 'none'"
    response.headers["Cache-Control"] = "private, no-store"
    return response


def _number(value: object) -> int:
    number = forms.version_of(value, "number")
    if number is None:
        raise invalid("number", "say which version", key="document_which")
    return number


@bp.post("/document-review/<path:article_id>")
def review(article_id: str) -> Response:
    actor = require_user()
    decision = request.form.get("decision", "")
    service = uploads()
    try:
        number = _number(request.form.get("number"))
        message = forms.message_of(request.form)
        if decision == "approve":
            version = service.approve(actor, article_id, number, message)
        elif decision == "reject":
            version = service.reject(actor, article_id, number, message)
        else:
            raise invalid("decision", "must be approve or reject", key="document_decision")
    except REFUSED as exc:
        flash(message_for(exc, current_language()), "error")
    else:
        key = "manage_document_approved" if decision == "approve" else "manage_document_rejected"
        flash(gettext(key, id=article_id, number=number, version=version.number), "success")
    return redirect(_after_review(actor, article_id), code=303)


def _after_review(actor: User, article_id: str) -> str:
    """The document's history; for someone who may not read it (an uploader who
    withdrew their upload of a department gone without its role any more), the
    list of what they may still act on, or the search page when they have none."""
    try:
        uploads().reach(actor, article_id)
    except PermissionDenied:
        if departments_gone(actor) is None and not services.authoring().editable_departments(actor):
            return url_for("search.index")
        return url_for("manage.index")
    except KbError:
        pass  # the history page says what is wrong with the address
    return url_for("manage_document_history.history", article_id=article_id)


@bp.post("/document-restore/<path:article_id>")
def restore(article_id: str) -> Response:
    actor = require_user()
    try:
        number = _number(request.form.get("number"))
        base = forms.form_version(request.form)
        version = uploads().restore(actor, article_id, number, base_version=base)
    except REFUSED as exc:
        unchanged = exc.details.get("reason") in ("already_current", "already_waiting")
        flash(message_for(exc, current_language()), "info" if unchanged else "error")
    else:
        key = "manage_document_restore_pending" if version.status.value == "review" else None
        flash(gettext(key or "manage_restored", number=number, version=version.number), "success")
    return redirect(url_for("manage_document_history.history", article_id=article_id), code=303)


def versions_json(article_id: str) -> Response:
    """`GET /api/articles/<id>/versions` of a document: newest first, with SHA-256 and
    size, and `pending`, the version waiting for review (null when none)."""
    service = uploads()
    found = service.history(require_user(), article_id)
    waiting = pending(found)
    state = waiting_document(service.versions, article_id) if waiting else None
    missing = service.missing_files(article_id)
    return jsonify(
        {
            "id": article_id,
            "pending": waiting.number if waiting else None,
            **review_json_fields(state),
            "versions": [
                {
                    **v.as_dict(),
                    "file": _file_url(article_id, v.number),
                    "file_kept": v.number not in missing,
                }
                for v in reversed(found)
            ],
        }
    )


def _file_url(article_id: str, number: int) -> str:
    return url_for("manage_api.version_file", article_id=article_id, number=number)


def review_json(article_id: str) -> Response:
    """`POST /api/articles/<id>/review` of a document: `{"decision": "approve" or
    "reject", "version": N, "message": ""}`, N being the version waiting."""
    data = json_object("decision", "version", "message")
    decision = text_field(data, "decision")
    if decision not in DECISIONS:
        raise invalid("decision", "must be approve or reject", key="document_decision")
    number = forms.version_of(data.get("version"), "version")
    if number is None:
        raise invalid("version", "say which version you reviewed", key="document_which")
    service, actor = uploads(), require_user()
    act = service.approve if decision == "approve" else service.reject
    state = waiting_document(service.versions, article_id)
    version = act(actor, article_id, number, forms.message_of(data))
    body = {
        "id": article_id,
        "decision": decision,
        "reviewed": number,
        "version": version.number,
        "status": version.status.value,
        "author": version.author,
        "ts": version.ts.isoformat(),
        "message": version.message,
        # What no longer fitted the folder when it was decided (approved all the same).
        "orphaned": orphaned_json(state.orphaned, state.department) if state else None,
    }
    return jsonify(body)


def file_json(article_id: str, number: int) -> Response:
    """`GET /api/articles/<id>/versions/<n>/file` of a document: the download the
    history page offers, under the same checks (404 for an unknown version, 409
    when its file was not kept)."""
    version, data = uploads().version_file(require_user(), article_id, number)
    return download(article_id, version.number, data)


def restore_json(article_id: str) -> Response:
    """`POST /api/articles/<id>/restore` of a document: `{"version": N, "message": ""}`
    with the version now in `If-Match` (or `*`); 202 when it waits for review."""
    actor, service = require_user(), uploads()
    service.reach(actor, article_id)  # 403 before the body is looked at
    number, header, message = restore_input(article_id)
    base = if_match_tag_version(header)
    version = service.restore(actor, article_id, number, base_version=base, message=message)
    held = version.status is Status.REVIEW
    body = {
        "id": article_id,
        "restored": number,
        **DocumentVersion.of(version).as_dict(),
        "pending": held,
        "file": _file_url(article_id, version.number),
    }
    response = jsonify(body)
    response.status_code = 202 if held else 200
    return with_etag(response, version.number)


def restore_input(article_id: str) -> tuple[int, str, str]:
    """The version to restore, the `If-Match` header (428 without it: a restore
    writes over the current version, as a PUT does) and the message of a restore."""
    data = json_object("version", "message")
    number = forms.version_of(data.get("version"), "version")
    if number is None:
        raise invalid("version", "say which version to restore", key="restore_which")
    header = request.headers.get("If-Match")
    refuse_blank_if_match(header, "restore_if_match_blank", RESTORE_IF_MATCH_ADVICE)
    if header is None:
        raise PreconditionRequired(
            f"send the version {article_id} is at now in If-Match (its ETag, e.g. "
            'If-Match: "3") so that a change made meanwhile is not undone',
            details={"id": article_id},
            key="restore_if_match_needed",
            values={"id": article_id},
        )
    return number, header, forms.message_of(data)
