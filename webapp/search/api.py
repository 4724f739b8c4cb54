"""The `search_api` blueprint: searching, suggestions and clicks in the JSON API.

    GET  /api/search    hybrid search (the search page's answer as JSON)
    GET  /api/suggest   query suggestions while typing
    POST /api/click     a click on a result of a logged search (or of one still
                        waiting to be logged, named by its `search_ref`)

Errors come back in the one shape of `webapp.errors`; bodies of POST requests
must be JSON objects. Described in `webapp.openapi`.
"""

from __future__ import annotations

from flask import Blueprint, jsonify, request
from werkzeug.wrappers import Response

from webapp import services
from webapp.ask.form_token import search_source, suggestions_token
from webapp.inputs import int_field, text_field
from webapp.json_body import json_object
from webapp.search import presenters
from webapp.search.event_log import record_click, record_late_click, run_search
from webapp.search.inputs import search_params, suggest_prefix
from webapp.search.search_refs import MAX_REF_CHARS

bp = Blueprint("search_api", __name__, url_prefix="/api")


@bp.get("/search")
def search() -> Response:
    settings = services.services().settings
    params = search_params(request.args, settings, services.departments(), required=True)
    assert params.query is not None
    # The ask form's suggestion searches say so, with its token; insights count
    # deflection from them (`webapp.ask.form_token`).
    source = search_source(request.args.get("source"))
    found = run_search(params.query, source)
    answer = found.as_dict()
    # What the form suggested is the server's to say: the request it files
    # records suggestions as shown only with this proof of them.
    served = suggestions_token(
        source, len(found.response.results), found.search_id, found.search_ref
    )
    if served is not None:
        answer["suggestions_token"] = served
    return jsonify(answer)


@bp.post("/click")
def click() -> tuple[Response, int]:
    data = json_object("search_id", "search_ref", "article_id", "rank")
    ref = text_field(data, "search_ref", required=False, max_chars=MAX_REF_CHARS)
    search_id = int_field(data, "search_id", required=not ref, minimum=1)
    article_id = text_field(data, "article_id")
    rank = int_field(data, "rank", minimum=1)
    assert rank is not None
    if search_id is not None:
        return jsonify({"id": record_click(search_id, article_id, rank)}), 201
    event_id = record_late_click(ref, article_id, rank)
    if event_id is None:  # recorded once its search is logged
        return jsonify({"id": None, "queued": True}), 202
    return jsonify({"id": event_id}), 201


@bp.get("/suggest")
def suggest() -> Response:
    prefix = suggest_prefix(request.args)
    return jsonify({"query": prefix, "suggestions": presenters.suggestions(prefix)})
