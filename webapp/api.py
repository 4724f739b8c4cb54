"""The `api` blueprint: the JSON API under /api/ (described in `webapp.openapi`).

Errors, including Flask's own 404 and 405, come back in the one shape of
`webapp.errors`. Bodies of POST requests must be JSON objects.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, jsonify, request
from werkzeug.wrappers import Response

from indexer import snapshot
from webapp import presenters, services
from webapp.event_log import record_click, record_feedback, run_search
from webapp.inputs import (
    MAX_COMMENT_CHARS,
    bool_field,
    int_field,
    json_object,
    search_params,
    suggest_prefix,
    text_field,
)
from webapp.openapi import openapi_document

bp = Blueprint("api", __name__, url_prefix="/api")


@bp.get("/search")
def search() -> Response:
    settings = services.services().settings
    params = search_params(request.args, settings, services.departments(), required=True)
    assert params.query is not None
    return jsonify(run_search(params.query).as_dict())


@bp.get("/articles/<path:article_id>")
def article(article_id: str) -> Response:
    return jsonify(presenters.article_view(article_id).as_dict())


@bp.post("/feedback")
def feedback() -> tuple[Response, int]:
    data = json_object()
    article_id = text_field(data, "article_id")
    helpful = bool_field(data, "helpful")
    comment = text_field(data, "comment", required=False, max_chars=MAX_COMMENT_CHARS)
    search_id = int_field(data, "search_id", required=False)
    presenters.article_view(article_id)  # 404 for unknown articles
    event_id = record_feedback(article_id, helpful, comment, search_id)
    return jsonify({"id": event_id}), 201


@bp.post("/click")
def click() -> tuple[Response, int]:
    data = json_object()
    search_id = int_field(data, "search_id")
    article_id = text_field(data, "article_id")
    rank = int_field(data, "rank", minimum=1)
    assert search_id is not None and rank is not None
    event_id = record_click(search_id, article_id, rank)
    return jsonify({"id": event_id}), 201


@bp.get("/suggest")
def suggest() -> Response:
    prefix = suggest_prefix(request.args)
    return jsonify({"query": prefix, "suggestions": presenters.suggestions(prefix)})


@bp.get("/health")
def health() -> Response:
    svc = services.services()
    path = snapshot.current_path(svc.settings.index_path)  # 503 when nothing is published
    manifest = snapshot.read_manifest(path)
    store: dict[str, Any] = {"ok": True}
    try:
        svc.store.popular_queries("", 1)
    except Exception as exc:
        store = {"ok": False, "error": str(getattr(exc, "message", exc))}
    return jsonify(
        {
            "status": "ok" if store["ok"] else "degraded",
            "index": {
                "snapshot": path.name,
                "articles": int(manifest.get("articles", 0)),
                "passages": int(manifest.get("passages", 0)),
                "built": manifest.get("built") or manifest.get("created"),
            },
            "store": store,
        }
    )


@bp.get("/openapi.json")
def openapi() -> Response:
    return jsonify(openapi_document())
