"""The `catalogue_api` blueprint: `GET /api/catalogue`.

    {"departments": [{"id", "name", "top_requests": [type ids], "description"}],
     "request_types": [{"id", "title", "department", "fields": [{"name", "type",
       "required", "choices", "label", "help", …}], "description", "value_stream", "url"}]}

Texts are in the caller's language (`?hl=de`, the language cookie or
Accept-Language). Reading the catalogue needs no sign-in; filing one of its
requests (`POST /api/requests` with `type` and `fields`) does.
"""

from __future__ import annotations

from flask import Blueprint, jsonify
from werkzeug.wrappers import Response

from webapp.catalogue.presenters import catalogue_json
from webapp.i18n import current_language
from webapp.services import request_service

bp = Blueprint("catalogue_api", __name__, url_prefix="/api")


@bp.get("/catalogue")
def catalogue() -> Response:
    return jsonify(catalogue_json(request_service(), current_language()))
