"""The clicks part of the OpenAPI document: POST /api/click.

A click names its search by id, or, for a search answered before it could be
logged (its `search_id` null), by the `search_ref` the answer carried; such a
click is recorded once its search is logged (`webapp.search.search_refs`).
"""

from __future__ import annotations

from typing import Any

from webapp.openapi.schema import ERROR_REF, json_response

SCHEMAS: dict[str, Any] = {
    "ClickRequest": {
        "type": "object",
        "required": ["article_id", "rank"],
        "description": "Name the search by search_id, or by search_ref when its id was null.",
        "properties": {
            "search_id": {"type": "integer", "minimum": 1},
            "search_ref": {
                "type": "string",
                "minLength": 1,
                "maxLength": 20000,
                "description": "The search's search_ref, while it had no search_id.",
            },
            "article_id": {"type": "string", "minLength": 1},
            "rank": {"type": "integer", "minimum": 1, "description": "1-based, across pages."},
        },
    },
    "ClickQueued": {
        "type": "object",
        "required": ["id", "queued"],
        "properties": {"id": {"type": "null"}, "queued": {"const": True}},
    },
}

OPERATIONS: dict[str, Any] = {
    "search_api.click": {
        "operationId": "postClick",
        "summary": "A click on a search result.",
        "requestBody": {
            "required": True,
            "content": {
                "application/json": {"schema": {"$ref": "#/components/schemas/ClickRequest"}}
            },
        },
        "responses": {
            "201": json_response("Created", "Recorded."),
            "202": json_response(
                "ClickQueued", "Checked, and recorded once its search is logged (search_ref)."
            ),
            "400": ERROR_REF,
            "404": ERROR_REF,
            "503": ERROR_REF,
        },
    },
}
