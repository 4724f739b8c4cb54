"""The article as the API stores it: its JSON, the editor's view of it, and
its `PUT`.

    GET  /api/articles/<id>   (blueprint `articles_api`) an owner gets the stored
                              article with its `version` and ETag (`editor_view`)
    PUT  /api/articles/<id>   create or replace an article from its fields

A document's id is handed on to `webapp.manage.documents`. See
`webapp.manage.api` for the If-Match rules.
"""

from __future__ import annotations

import contextlib

from flask import Blueprint, jsonify, request, url_for
from werkzeug.wrappers import Response

from kb.accounts.records import User
from kb.authoring.document_checks import readable_format
from kb.authoring.files import article_file, id_parts
from kb.authoring.four_eyes import review_state
from kb.authoring.markdown_file import split_text
from kb.authoring.moving import gone_since, renamed_since
from kb.authoring.records import ArticleFields, ArticleVersion
from kb.authoring.service import AuthoringService, Editable, StaleEditError
from kb.content.readers import is_document, suffix_of
from kb.errors import KbError, NotFoundError
from kb.records import Status
from webapp import services
from webapp.articles import presenters
from webapp.auth.identity import current_user, require_user
from webapp.json_body import json_object
from webapp.manage import forms
from webapp.manage.documents import document_view, put_document
from webapp.manage.editor_warnings import warnings_answer
from webapp.manage.picture_uploads import refusal_json, save_staged
from webapp.manage.previews import render_preview
from webapp.manage.versions import ARTICLE_IF_MATCH_ADVICE, PreconditionRequired, with_etag
from webapp.preconditions import refuse_blank_if_match, refuse_weak_if_match


def register(bp: Blueprint) -> None:
    """Add the PUT of an article to `bp` (the `manage_api` blueprint)."""
    bp.add_url_rule("/articles/<path:article_id>", "put_article", put_article, methods=["PUT"])


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
    opened, moved = _as_saved(service, actor, article_id, version)
    answer = stored_article(opened)
    if moved is not None:
        answer["moved_to"] = moved
    answer["pictures_saved"] = written
    answer["pictures_refused"] = [refusal_json(exc) for exc in refused]
    answer["warnings"] = warnings_answer(version.warnings)
    response = jsonify(answer)
    response.status_code = 201 if created else 200
    if created:
        response.headers["Location"] = url_for("manage_api.put_article", article_id=article_id)
    return with_etag(response, version.number)


def _as_saved(
    service: AuthoringService, actor: User, article_id: str, version: ArticleVersion
) -> tuple[Editable, str | None]:
    """The article as the PUT saved it, and None; where another owner's rename took
    the file away between the write and this read, the version written (the save
    went through) and the id the article has now."""
    try:
        return service.open(actor, article_id), None
    except NotFoundError:
        moved = renamed_since(service.versions, article_id)
        if moved is None or _exists(service, article_id):
            raise
    fields, extra = split_text(version.text, article_id)
    submitted_by: str = ""
    authors: list[str] = []
    if fields.status is Status.REVIEW:
        submitted_by, authors = review_state(service.versions, article_id, version.number)
    written = Editable(
        article_id,
        service.department_of(article_id).slug,
        fields,
        extra,
        version.text,
        version.number,
        submitted_by=submitted_by,
        authors=tuple(authors),
    )
    return written, moved


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
