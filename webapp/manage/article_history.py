"""An article's versions through the API, and the review of a document's.

    GET  /api/articles/<id>/versions   its versions (author, time, action, message;
                                       a document's with SHA-256 and size)
    GET  /api/articles/<id>/versions/<n>/file  a document version's file (a download)
    POST /api/articles/<id>/restore    an earlier version made current again (a
                                       document's held for review under the
                                       four-eyes rule: 202)
    POST /api/articles/<id>/review     approve or reject a document waiting for review

A document's are answered by `webapp.manage.document_history`.
"""

from __future__ import annotations

from flask import Blueprint, jsonify
from werkzeug.wrappers import Response

from kb.authoring.discarding import history_of, restore_discarded
from kb.authoring.files import id_parts
from kb.content.readers import is_document
from kb.errors import NotFoundError
from webapp import services
from webapp.auth.identity import require_user
from webapp.manage import document_history, forms
from webapp.manage.editor_warnings import warnings_answer
from webapp.manage.stored_articles import stored_article
from webapp.manage.versions import with_etag
from webapp.preconditions import refuse_weak_if_match


def register(bp: Blueprint) -> None:
    """Add the versions, a version's file, restore and review to `bp` (the
    `manage_api` blueprint)."""
    article = "/articles/<path:article_id>"
    bp.add_url_rule(f"{article}/versions", "versions", versions, methods=["GET"])
    bp.add_url_rule(
        f"{article}/versions/<int:number>/file", "version_file", version_file, methods=["GET"]
    )
    bp.add_url_rule(f"{article}/restore", "restore", restore, methods=["POST"])
    bp.add_url_rule(f"{article}/review", "review", review, methods=["POST"])


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
