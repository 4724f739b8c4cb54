"""Uploading documents into a department's folder: the page and the API call.

    /manage/upload?department=&replace=<name>   the form (GET) and the upload (POST)
    PUT /api/articles/<department>/<name.pdf>   the same through the JSON API
                                                (`manage_api.put_article` hands
                                                document ids to `put_document`)

A content owner of the department (or an admin) uploads a PDF, Word, ODT,
HTML or text file; `kb.authoring.documents.DocumentUploads` checks and
writes it. A Markdown file (`.md`) is an article: `kb.authoring.markdown_upload`
saves it through the editor's service, and the editor opens on it. A file of the name is replaced only when the form's confirmation
box is ticked (the list's "Replace" link opens the form with it), or, in the
API, with `If-Match` (the version read, or `*`), as an article's PUT needs.
A refused upload shows the form again with the reason; nothing is written.
Under the four-eyes rule an upload waits for another content owner's approval
(`webapp.manage.document_history`), and the API answers 202.
The request body may be as large as `document_max_bytes` plus the form
(`webapp.manage.forms.body_limit`); a larger one gets the form with the limit.
"""

from __future__ import annotations

import contextlib

from flask import Blueprint, flash, jsonify, redirect, render_template, request, url_for
from werkzeug.datastructures import FileStorage
from werkzeug.exceptions import RequestEntityTooLarge
from werkzeug.wrappers import Response

from kb.accounts.records import Grant, Role
from kb.attachments.records import Upload
from kb.authoring.document_refusals import DocumentGoneError
from kb.authoring.document_waiting import Orphaned, WaitingDocument, waiting_document
from kb.authoring.documents import DocumentUploads, UploadedDocument
from kb.authoring.markdown_upload import UploadedArticle, is_markdown, upload_markdown
from kb.errors import (
    ConflictError,
    ContentError,
    KbError,
    NotFoundError,
    PermissionDenied,
    ValidationError,
)
from kb.i18n.catalog import format_size
from webapp import services
from webapp.articles import presenters
from webapp.auth.identity import current_user, require_user
from webapp.errors import message_for
from webapp.i18n import current_language, gettext, said_problem
from webapp.manage import forms
from webapp.manage.owned import owned_departments
from webapp.manage.versions import ARTICLE_IF_MATCH_ADVICE, PreconditionRequired, with_etag
from webapp.preconditions import if_match_tag_version, refuse_blank_if_match

bp = Blueprint("manage_documents", __name__, url_prefix="/manage")

REFUSED = (ValidationError, ConflictError, NotFoundError, ContentError)


def uploads() -> DocumentUploads:
    """The app's document uploads, their versions' files kept in the attachment store."""
    from kb.attachments.factory import blob_store

    svc = services.services()
    settings = svc.settings
    return DocumentUploads(
        services.authoring(),
        max_bytes=settings.document_max_bytes,
        blobs=blob_store(settings, svc.store),
        reading=settings.document_options.limits,
    )


def _department(value: str | None) -> str:
    """The department asked for, which the reader must own the content of."""
    owned = owned_departments()  # nobody's department: 403, not a grant of no department
    department = value or owned[0]
    if department not in owned:
        raise PermissionDenied(
            f"you may not upload documents for {department!r}",
            details={"department": department},
            key="content_owner_who",
            values={
                "department": department,
                "role": Grant(role=Role.CONTENT_OWNER, department=department),
            },
        )
    return department


def _form(
    department: str,
    *,
    name: str = "",
    replace: bool = False,
    message: str = "",
    error: str = "",
    status: int = 200,
) -> tuple[str, int]:
    limit = services.services().settings.document_max_bytes
    found = services.authoring().departments().get(department)
    page = render_template(
        "manage/upload.html",
        department=department,
        review_required=bool(found and found.review_required),
        name=name,
        replace=replace,
        message=message,
        error=error,
        limit=format_size(current_language(), limit),
    )
    return page, status


@bp.get("/upload")
def upload_form() -> tuple[str, int]:
    department = _department(request.args.get("department"))
    name = (request.args.get("replace") or "")[:300]
    return _form(department, name=name, replace=bool(name))


def sent_file(limit: int) -> Upload:
    """The form's file, read to one byte past `limit` (enough to refuse it)."""
    sent: FileStorage | None = request.files.get("file")
    if sent is None or not sent.filename:
        return Upload("", b"")
    data = sent.stream.read(limit + 1)
    return Upload(sent.filename, data, size=len(data))


@bp.post("/upload")
def upload() -> Response | tuple[str, int]:
    actor = require_user()
    department = _department(request.form.get("department"))
    name = (request.form.get("name") or "").strip()
    replace = request.form.get("replace") == "1"
    service = uploads()
    message = forms.message_of(request.form)
    try:
        # Read past either limit, so that neither kind is ever taken cut short.
        sent = sent_file(max(service.max_bytes, services.services().settings.max_file_bytes))
        if is_markdown(name or sent.name):
            return _article_uploaded(
                upload_markdown(
                    services.authoring(),
                    actor,
                    department,
                    sent,
                    name=name,
                    replace_existing=replace,
                    message=message,
                )
            )
        done = service.upload(actor, department, sent, name=name, replace=replace, message=message)
    except REFUSED as exc:
        confirm = replace or getattr(exc, "key", "") in ("document_exists", "article_exists")
        shown = name or (str(exc.values.get("id", "")).rsplit("/", 1)[-1] if confirm else "")
        # The form again with what was typed; only the file must be chosen again.
        return _form(
            department,
            name=shown,
            replace=confirm,
            message=message,
            error=_refusal(exc),
            status=exc.status,
        )
    key = "manage_document_replaced" if done.replaced else "manage_document_uploaded"
    if done.pending:
        key = "manage_document_pending"
    flash(gettext(key, id=done.article_id), "success")
    return redirect(url_for("manage.index", department=department), code=303)


def _refusal(exc: KbError) -> str:
    """Why an upload was refused, and for a Markdown file that `kb validate` would
    refuse, what to do (its line is in the message), in the page's language."""
    if isinstance(exc, ContentError):
        return said_problem(exc)
    return message_for(exc, current_language())


def _article_uploaded(done: UploadedArticle) -> Response:
    """After a Markdown file was saved as an article: its editor, which shows its
    status and preview, with what became of it."""
    key = "manage_article_pending" if done.pending else "manage_article_uploaded"
    if done.replaced and not done.pending:
        key = "manage_article_replaced"
    flash(gettext(key, id=done.article_id, status=done.version.status.value), "success")
    return redirect(url_for("manage.edit", article_id=done.article_id), code=303)


@bp.errorhandler(RequestEntityTooLarge)
def _too_large(_exc: RequestEntityTooLarge) -> tuple[str, int]:
    """A body past the document limit and the form: the form again, naming the limit
    (the body was never read, so the department is the first the reader owns)."""
    department = _department(request.args.get("department"))
    limit = format_size(current_language(), services.services().settings.document_max_bytes)
    return _form(department, error=gettext("manage_document_too_large", limit=limit), status=413)


def put_document(article_id: str) -> Response:
    """`PUT /api/articles/<id>` of a document: the body is the file itself.

    A new one answers 201 with `Location`; one that exists (or waits for review)
    needs `If-Match`, the version read (its ETag) or `*`: 428 without, 412 when it
    changed meanwhile. Under the four-eyes rule the answer is 202: the upload
    waits for another content owner's approval (`"status": "review"`)."""
    actor = require_user()
    service = uploads()
    department, _, name = article_id.partition("/")
    header = request.headers.get("If-Match")
    refuse_blank_if_match(header, "article_if_match_blank", ARTICLE_IF_MATCH_ADVICE)
    exists = service.exists(article_id)
    base: int | None = None
    if exists or header is not None:
        service.authoring.require_owner(actor, service.authoring.department_of(article_id).slug)
    if header is not None and not exists:  # read before, deleted since: not uploaded anew
        raise DocumentGoneError(article_id, if_match_tag_version(header))
    if exists:
        if header is None:
            raise PreconditionRequired(
                f"{article_id} exists: send the version you read in If-Match (its ETag, "
                'e.g. If-Match: "3", or * to replace whatever is there)',
                details={"id": article_id},
                key="if_match_needed",
                values={"id": article_id},
            )
        base = if_match_tag_version(header)
    data = request.get_data(cache=False)
    try:
        done = service.upload(
            actor, department, Upload(name, data), name=name, replace=exists, base_version=base
        )
    except NotFoundError:
        if not exists or service.exists(article_id):
            raise
        raise DocumentGoneError(article_id, base) from None  # deleted since the check
    state = waiting_document(service.versions, done.article_id) if done.pending else None
    response = jsonify({**document_json(done), **review_json_fields(state)})
    response.status_code = 202 if done.pending else 200 if exists else 201
    if not exists and not done.pending:
        response.headers["Location"] = url_for("manage_api.put_article", article_id=article_id)
    return with_etag(response, done.version.number)


def document_json(done: UploadedDocument) -> dict[str, object]:
    """What `PUT /api/articles/<id>` of a document answers."""
    return {
        "id": done.article_id,
        "department": done.article_id.split("/", 1)[0],
        "format": done.format.name,
        "size": done.size,
        "sha256": done.sha256,
        "replaced": done.replaced,
        "version": done.version.number,
        "status": done.version.status.value,
        "pending": done.pending,
        "author": done.version.author,
        "ts": done.version.ts.isoformat(),
        "message": done.version.message,
        "url": url_for("articles.show", article_id=done.article_id),
        "versions": url_for("manage_api.versions", article_id=done.article_id),
    }


def document_view(article_id: str) -> Response | None:
    """`GET /api/articles/<id>` of a document for a content owner who may replace it:
    the published view (when the index has it) with the version to send in
    If-Match (its ETag), the version waiting for review (`pending`), who wrote it
    and what no longer fits the folder; None for anyone else, or no such document."""
    actor = current_user()
    if actor is None:
        return None
    service = uploads()
    try:
        service.reach(actor, article_id)  # its department's folder may be gone
        if not service.exists(article_id):
            return None
        state = waiting_document(service.versions, article_id)
        version = service.current_version(article_id)
    except KbError:
        return None
    published: dict[str, object] = {}
    with contextlib.suppress(KbError):
        published = presenters.article_view(article_id).as_dict()
    body = {
        **published,
        "id": article_id,
        "department": article_id.split("/", 1)[0],
        "version": version,
        "pending": state.version.number if state else None,
        **review_json_fields(state),
        "versions": url_for("manage_api.versions", article_id=article_id),
    }
    return with_etag(jsonify(body), version)


def review_json_fields(state: WaitingDocument | None) -> dict[str, object]:
    """What the API says of the version waiting for review: `pending_authors`, who
    wrote its bytes (none of them approves it), and `orphaned`, what no longer fits
    the folder (`reason` and the history page's `message`; null when nothing)."""
    if state is None:
        return {"pending_authors": [], "orphaned": None}
    return {
        "pending_authors": list(state.authors),
        "orphaned": orphaned_json(state.orphaned, state.department),
    }


def orphaned_json(reason: Orphaned | None, department: str) -> dict[str, str] | None:
    """Why a waiting upload of `department` no longer fits its folder, as the API says it."""
    if reason is None:
        return None
    said = gettext(f"document_orphaned_{reason.value}", department=department)
    text = f"{gettext('document_orphaned')} {said}"
    return {"reason": reason.value, "message": text}
