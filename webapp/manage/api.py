"""The `manage_api` blueprint: articles written through the JSON API.

    PUT  /api/articles/<id>            create or replace an article from its fields
    GET  /api/articles/<id>/versions   its versions (author, time, action, message;
                                       a document's with SHA-256 and size)
    GET  /api/articles/<id>/versions/<n>/file  a document version's file (a download)
    POST /api/articles/<id>/restore    an earlier version made current again (a
                                       document's held for review under the
                                       four-eyes rule: 202)
    POST /api/articles/<id>/review     approve or reject a document waiting for review
    DELETE /api/articles/<id>          a draft never published thrown away; a
                                       document deleted from its folder
    POST /api/articles/<id>/move       an article renamed in its folder, links to
                                       it changed where the caller may
    POST /api/articles/<id>/discard-changes  the last published text current again
    POST /api/preview                  Markdown → the HTML the article page shows

`GET /api/articles/<id>` (blueprint `articles_api`) answers content owners
with the stored article, its `version` and an `ETag`, drafts included. A PUT
names the version it is based on in `If-Match` (or `version` in the body);
an older one, or one of an article renamed or removed since, is refused with
412 and nothing changes. A PUT without either on an existing article gets
428, so no client overwrites by accident; an empty `If-Match` is a 400 naming
the header, as on the requests API (taken as absent, it would drop the check
a script with an unset `$ETAG` meant).
"""

from __future__ import annotations

import contextlib

from flask import Blueprint, jsonify, request, url_for
from werkzeug.wrappers import Response

from kb.accounts.records import Role, User
from kb.authoring.discarding import discard_changes, discard_draft, history_of, restore_discarded
from kb.authoring.document_checks import readable_format
from kb.authoring.files import article_file, id_parts
from kb.authoring.moving import gone_since, move_article
from kb.authoring.records import ArticleFields, ArticleVersion
from kb.authoring.service import AuthoringService, Editable, StaleEditError
from kb.content.readers import is_document, suffix_of
from kb.errors import KbError, NotFoundError, PermissionDenied
from kb.records import Status
from webapp import services
from webapp.articles import presenters
from webapp.auth.identity import current_user, require_user
from webapp.inputs import json_object, text_field
from webapp.manage import document_deleting, document_history, editor_warnings, forms
from webapp.manage.documents import document_view, put_document
from webapp.manage.editor_warnings import PREVIEW_FIELDS, warnings_answer
from webapp.manage.picture_uploads import refusal_json, save_staged, uploads
from webapp.manage.previews import preview_answer, render_preview
from webapp.manage.relinking import relink_moved, relinking_json
from webapp.manage.versions import ARTICLE_IF_MATCH_ADVICE, PreconditionRequired, with_etag
from webapp.preconditions import refuse_blank_if_match, refuse_weak_if_match

bp = Blueprint("manage_api", __name__, url_prefix="/api")


@bp.before_request
def _allow_article_sized_bodies() -> None:
    settings = services.services().settings
    request.max_content_length = forms.body_limit(
        settings.max_file_bytes, settings.document_max_bytes
    )


def stored_article(opened: Editable) -> dict[str, object]:
    """The stored article as `GET` and `PUT /api/articles/<id>` answer it."""
    f = opened.fields
    return {
        "id": opened.article_id,
        "department": opened.department,
        "title": f.title,
        "summary": f.summary,
        "tags": list(f.tags),
        "lang": f.lang,
        "audience": list(f.audience),
        "review_by": f.review_by.isoformat() if f.review_by else None,
        "related": list(f.related),
        "owner": f.owner,
        "status": f.status.value,
        "body": f.body,
        "html": render_preview(f.body, opened.article_id, f.title),
        "updated": str(opened.extra.get("updated") or "") or None,
        "version": opened.version,
        "submitted_by": opened.submitted_by or None,
        "authors": list(opened.authors),
        "url": url_for("articles.show", article_id=opened.article_id),
    }


def editor_view(article_id: str) -> Response | None:
    """The stored article with its ETag when the caller may edit it; None otherwise
    (visitors and readers get the published article)."""
    if is_document(article_id):  # its version, and the one waiting for review
        return document_view(article_id)
    actor = current_user()
    if actor is None:
        return None
    service = services.authoring()
    try:
        department = id_parts(article_id)[0]
        service.require_owner(actor, department)
        opened = service.open(actor, article_id)
    except KbError:
        return None
    published = None
    with contextlib.suppress(KbError):
        published = presenters.article_view(article_id).as_dict()
    body = {**(published or {}), **stored_article(opened)}
    return with_etag(jsonify(body), opened.version)


def _exists(service: AuthoringService, article_id: str) -> bool:
    try:
        article_file(service.root, article_id, must_exist=True)
    except NotFoundError:
        return False
    return True


# The fields of ArticleInput (GET /api/openapi.json); any other is refused.
ARTICLE_FIELDS = (
    "title",
    "summary",
    "tags",
    "lang",
    "audience",
    "review_by",
    "body",
    "status",
    "related",
    "owner",
    "message",
    "version",
)


@bp.put("/articles/<path:article_id>")
def put_article(article_id: str) -> Response:
    if suffix_of(article_id) not in {"", ".md"}:
        # A .doc or a spreadsheet is neither: say which kinds are read, not that
        # the body is no JSON or the id no Markdown article's.
        readable_format(article_id.rpartition("/")[2])
    if is_document(article_id):  # the body is the file itself
        return put_document(article_id)
    actor = require_user()
    service = services.authoring()
    data = json_object(*ARTICLE_FIELDS)
    max_bytes = services.services().settings.max_file_bytes
    fields = forms.article_fields(data, forms.json_status(data, Status.DRAFT), max_bytes)
    message = forms.message_of(data)
    header = request.headers.get("If-Match")
    refuse_blank_if_match(header, "article_if_match_blank", ARTICLE_IF_MATCH_ADVICE)
    refuse_weak_if_match(header)
    base = forms.version_of(header, "If-Match")
    if base is None:
        base = forms.version_of(data.get("version"))
    department, _, name = article_id.partition("/")
    # Who may write there before whether the file is there: a 428 for an existing
    # name and a 403 for a free one would tell anyone which articles (drafts and
    # restricted ones too) another department keeps.
    id_parts(article_id)
    service.require_owner(actor, service.department_of(article_id).slug)
    # A version sent names an article that was there: gone since, it is not created again.
    expected = header is not None or data.get("version") is not None
    if not _exists(service, article_id):
        if expected:
            raise gone_since(service.versions, article_id, base)
        version = service.create(actor, department, name.removesuffix(".md"), fields, message)
        created = True
    else:
        version = _save_existing(service, actor, article_id, fields, base, message)
        created = False
    written, refused = save_staged(actor, article_id)
    opened = service.open(actor, article_id)
    answer = stored_article(opened)
    answer["pictures_saved"] = written
    answer["pictures_refused"] = [refusal_json(exc) for exc in refused]
    answer["warnings"] = warnings_answer(version.warnings)
    response = jsonify(answer)
    response.status_code = 201 if created else 200
    if created:
        response.headers["Location"] = url_for("manage_api.put_article", article_id=article_id)
    return with_etag(response, version.number)


def _save_existing(
    service: AuthoringService,
    actor: User,
    article_id: str,
    fields: ArticleFields,
    base: int | None,
    message: str,
) -> ArticleVersion:
    """The PUT of an article that exists: saved over version `base` (428 without)."""
    if base is None:
        raise PreconditionRequired(
            f"{article_id} exists: send the version you edited in If-Match (its ETag, "
            'e.g. If-Match: "3") so that nobody\'s change is overwritten',
            details={"id": article_id},
            key="if_match_needed",
            values={"id": article_id},
        )
    try:
        return service.save(actor, article_id, fields, base_version=base, message=message)
    except StaleEditError as exc:
        raise exc from None
    except NotFoundError:
        if _exists(service, article_id):
            raise
        raise gone_since(service.versions, article_id, base) from None  # since the check


@bp.get("/articles/<path:article_id>/versions")
def versions(article_id: str) -> Response:
    if is_document(article_id):  # with SHA-256 and size, and the version waiting
        return document_history.versions_json(article_id)
    actor = require_user()
    found = history_of(services.authoring(), actor, article_id)  # a discarded draft's too
    return jsonify(
        {
            "id": article_id,
            "versions": [
                {
                    "version": v.number,
                    "author": v.author or None,
                    "ts": v.ts.isoformat(),
                    "action": v.action.value,
                    "status": v.status.value,
                    "message": v.message,
                }
                for v in reversed(found)
            ],
        }
    )


@bp.get("/articles/<path:article_id>/versions/<int:number>/file")
def version_file(article_id: str, number: int) -> Response:
    """A document version's file, as the history page offers it (Markdown versions
    are text, read in the editor's history)."""
    if not is_document(article_id):
        raise NotFoundError(
            f"{article_id} is an article: its versions are text, read in its history "
            "page; only documents have a file per version",
            details={"id": article_id, "version": number},
            key="version_file_article",
            values={"id": article_id},
        )
    return document_history.file_json(article_id, number)


@bp.post("/articles/<path:article_id>/restore")
def restore(article_id: str) -> Response:
    """Version `version` (body) made current again as a new version, based on the
    version in `If-Match`; an article keeps its status (under the four-eyes rule a
    published one goes back to review), a discarded draft comes back as a new
    draft (`restore_discarded`), a document's is held for review (202)."""
    if is_document(article_id):
        return document_history.restore_json(article_id)
    actor = require_user()
    service = services.authoring()
    id_parts(article_id)
    service.require_owner(actor, service.department_of(article_id).slug)
    number, header, message = document_history.restore_input(article_id)
    refuse_weak_if_match(header)
    base = forms.version_of(header, "If-Match")
    version = restore_discarded(
        service, actor, article_id, number, base_version=base, message=message
    )
    answer = stored_article(service.open(actor, article_id))
    answer["warnings"] = warnings_answer(version.warnings)
    return with_etag(jsonify(answer), version.number)


@bp.delete("/articles/<path:article_id>")
def discard(article_id: str) -> Response:
    """A draft never published thrown away with its staged pictures, as the
    editor's Discard draft does (`kb.authoring.discarding`), based on the version
    in If-Match: 428 without it, 412 on an older one, 409 `published_before`."""
    if is_document(article_id):  # a document is deleted: `document_deleting`
        return document_deleting.delete_json(article_id)
    actor = require_user()
    service = services.authoring()
    base = _discard_base(service, actor, article_id)
    gone = discard_draft(service, actor, article_id, base_version=base, stage=uploads().stage)
    return jsonify(
        {
            "id": article_id,
            "discarded": True,
            "version": gone.number,
            "author": gone.author,
            "ts": gone.ts.isoformat(),
            "action": gone.action.value,
            "status": gone.status.value,
        }
    )


@bp.post("/articles/<path:article_id>/move")
def move(article_id: str) -> Response:
    """The article renamed in its folder, as the editor's Rename does
    (`kb.authoring.moving`): `name` (and `message`) in the body, the version in
    If-Match (428 without it, 412 on an older one); 409 `move_taken` when the
    name is taken. Answers the stored article under its new id, which Location
    names, with `links`: the articles whose links to the old id were changed
    (`webapp.manage.relinking`), those that could not be, and the other
    departments' articles that still link to it; `warnings` as a PUT's."""
    actor = require_user()
    service = services.authoring()
    base = _discard_base(service, actor, article_id)
    body = json_object("name", "message")
    done = move_article(
        service, actor, article_id, text_field(body, "name"), base_version=base,
        message=text_field(body, "message", required=False, max_chars=forms.MAX_MESSAGE_CHARS),
        stage=uploads().stage,
    )  # fmt: skip
    links = relinking_json(relink_moved(actor, article_id, done.article_id))
    opened = service.open(actor, done.article_id)  # a link to itself changed: a version on
    said = {"links": links, "warnings": editor_warnings.standing_warnings(opened)}
    answer = with_etag(jsonify({**stored_article(opened), **said}), opened.version)
    answer.headers["Location"] = url_for("articles_api.article", article_id=done.article_id)
    return answer


@bp.post("/articles/<path:article_id>/discard-changes")
def discard_saved_changes(article_id: str) -> Response:
    """The last published text made current again, the drafts and reviews saved
    since dropped, as the editor's Discard changes does: published again, or in
    review under the four-eyes rule; 409 `nothing_published` when there is no
    published text under the changes. Answers the stored article, with the
    `warnings` of the text it made current."""
    actor = require_user()
    service = services.authoring()
    base = _discard_base(service, actor, article_id)
    kept = discard_changes(service, actor, article_id, base_version=base, stage=uploads().stage)
    opened = service.open(actor, article_id)
    said = {**stored_article(opened), "warnings": editor_warnings.standing_warnings(opened)}
    return with_etag(jsonify(said), kept.number)


def _discard_base(service: AuthoringService, actor: User, article_id: str) -> int:
    """The version a discard is based on, from If-Match (428 without it), once the
    caller is known to own the department (a 403 before anything else)."""
    header = request.headers.get("If-Match")
    refuse_blank_if_match(
        header, "restore_if_match_blank", 'send the ETag you read (If-Match: "3")'
    )
    refuse_weak_if_match(header)
    id_parts(article_id)
    service.require_owner(actor, service.department_of(article_id).slug)
    base = forms.version_of(header, "If-Match")
    if base is None:
        raise PreconditionRequired(
            f"send the version {article_id} is at now in If-Match (its ETag, e.g. "
            'If-Match: "3") so that a change made meanwhile is not thrown away',
            details={"id": article_id},
            key="discard_if_match_needed",
            values={"id": article_id},
        )
    return base


@bp.post("/articles/<path:article_id>/review")
def review(article_id: str) -> Response:
    """Approve or reject a document's version waiting for review (an article is
    approved by a PUT with status published)."""
    if not is_document(article_id):
        raise NotFoundError(
            f"{article_id} is an article: approve it with PUT /api/articles/{article_id} "
            'and "status": "published"',
            details={"id": article_id},
            key="review_article_by_put",
            values={"id": article_id},
        )
    return document_history.review_json(article_id)


@bp.post("/preview")
def preview() -> Response:
    actor = require_user()
    # Rendering some Markdown takes seconds (unbounded on a gthread worker, where
    # no timer can interrupt it): only those who write articles may ask for it.
    if not (actor.has_role(Role.ADMIN) or actor.has_role(Role.CONTENT_OWNER)):
        raise PermissionDenied(
            f"{actor.username} may not preview articles: only content owners and admins may",
            details={"user": actor.username, "action": "preview"},
            key="preview_who",
        )
    data = json_object("body", "id", "title", *PREVIEW_FIELDS)
    body = data.get("body")
    if not isinstance(body, str):
        raise forms.markdown_needed()
    article_id = text_field(data, "id", required=False) or "preview/preview.md"
    id_parts(article_id)  # an id a save would refuse (`../x`, `-0`) is a 400 here too
    title = text_field(data, "title", required=False, max_chars=forms.MAX_TITLE_CHARS)
    return jsonify(preview_answer(actor, {**data, "title": title}, article_id))
