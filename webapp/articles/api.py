"""The `articles_api` blueprint: articles and feedback on them in the JSON API.

    GET  /api/articles/<id>   one published article with its sanitised HTML (for its
                              content owners: the stored article, version and ETag);
                              an id renamed since is 404 with `details.moved_to`
                              for a caller who may read the article it became
    POST /api/feedback        "was this helpful?" on an article (its search by
                              `search_id`, or `search_ref` while it had none;
                              `query`, the words searched for, kept without one)

Errors come back in the one shape of `webapp.errors`. Described in
`webapp.openapi`.
"""

from __future__ import annotations

from flask import Blueprint, jsonify
from werkzeug.wrappers import Response

from kb.errors import NotFoundError
from webapp.articles import presenters
from webapp.articles.inputs import MAX_COMMENT_CHARS
from webapp.articles.renamed import renamed_to
from webapp.inputs import bool_field, int_field, text_field
from webapp.json_body import json_object
from webapp.search.event_log import record_feedback
from webapp.search.search_refs import MAX_REF_CHARS
from webapp.services import services

bp = Blueprint("articles_api", __name__, url_prefix="/api")


@bp.get("/articles/<path:article_id>")
def article(article_id: str) -> Response:
    """The published article; for a content owner who may edit it, the stored
    article (any status) with its `version` and an `ETag`."""
    from webapp.manage.stored_articles import editor_view

    stored = editor_view(article_id)
    if stored is not None:
        return stored
    try:
        return jsonify(presenters.article_view(article_id).as_dict())
    except NotFoundError as exc:
        # Renamed since: the page redirects, but an API client is told where it went
        # rather than handed another article silently; only a caller who may read
        # the new one (`renamed_to`), so a hidden article stays unseen.
        if (target := renamed_to(article_id)) is not None:
            exc.details = {**exc.details, "moved_to": target}
        raise


def max_query_chars() -> int:
    return services().settings.max_query_chars


@bp.post("/feedback")
def feedback() -> tuple[Response, int]:
    data = json_object("article_id", "helpful", "comment", "search_id", "search_ref", "query")
    article_id = text_field(data, "article_id")
    helpful = bool_field(data, "helpful")
    comment = text_field(data, "comment", required=False, max_chars=MAX_COMMENT_CHARS)
    search_id = int_field(data, "search_id", required=False, minimum=1)
    search_ref = text_field(data, "search_ref", required=False, max_chars=MAX_REF_CHARS)
    query = text_field(data, "query", required=False, max_chars=max_query_chars())
    presenters.article_view(article_id)  # 404 for unknown articles
    event_id = record_feedback(article_id, helpful, comment, search_id, search_ref, query)
    return jsonify({"id": event_id}), 201
