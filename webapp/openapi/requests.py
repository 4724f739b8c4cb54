"""The requests part of the OpenAPI document: /api/requests….

Operations keyed by the endpoints of `webapp.requests.api`; their paths come
from the routes (`webapp.openapi.paths`). The records they send and answer
are in `webapp.openapi.request_schemas`; /api/me and the security schemes in
`webapp.openapi.auth`.
"""

from __future__ import annotations

from typing import Any

from kb.requests.lifecycle import RequestStatus
from webapp.openapi.request_schemas import SCHEMAS as SCHEMAS  # this part's records
from webapp.openapi.schema import (
    CSRF_HEADER,
    ERROR_REF,
    ETAG_HEADER,
    IF_MATCH_OR_CURRENT,
    REQUEST_ID,
    RETRY_KEY_HEADER,
    SIGNED_IN,
    enum_of,
    if_match,
    json_response,
    param,
)

_ID = REQUEST_ID
_CSRF = CSRF_HEADER


def _body(schema: str) -> dict[str, Any]:
    return {
        "required": True,
        "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{schema}"}}},
    }


_ERRORS = {"400": ERROR_REF, "401": ERROR_REF, "403": ERROR_REF}

OPERATIONS: dict[str, Any] = {
    "requests_api.create": {
        "operationId": "createRequest",
        "summary": "File a request; the same Idempotency-Key returns the first one.",
        "security": SIGNED_IN,
        "parameters": [
            param(
                "Idempotency-Key",
                "A unique key per request to file (a UUID); resending it files nothing new.",
                {"type": "string", "maxLength": 100},
                where="header",
            ),
            _CSRF,
        ],
        "requestBody": _body("NewRequest"),
        "responses": {
            "201": json_response("Request", "Filed (or filed before with this key)."),
            **_ERRORS,
            "409": ERROR_REF,
        },
    },
    "requests_api.listing": {
        "operationId": "listRequests",
        "summary": "The caller's requests (mine=1, the default) or a department's queue.",
        "security": SIGNED_IN,
        "parameters": [
            param("mine", "1: the caller's own requests.", {"enum": ["1", "true"]}),
            param(
                "department",
                "A queue (agents of it): open requests, earliest due first.",
                {"type": "string"},
            ),
            param(
                "status",
                "Only these statuses; repeat for several.",
                {"type": "array", "items": enum_of(RequestStatus)},
                style="form",
                explode=True,
            ),
            param(
                "overdue",
                "With department: only overdue requests.",
                {"type": "string", "enum": ["1", "true", "0", "false"]},
            ),
            param(
                "limit",
                "Requests per page (default and maximum 500).",
                {"type": "integer", "minimum": 1, "maximum": 500, "default": 500},
            ),
            param(
                "offset",
                "Requests to skip (from the previous page's next).",
                {"type": "integer", "minimum": 0, "default": 0},
            ),
            param(
                "cursor",
                "The previous page's next_cursor: the page after it (not with offset).",
                {"type": "string", "maxLength": 200},
            ),
        ],
        "responses": {
            "200": json_response("RequestList", "One page of at most `limit` requests."),
            **_ERRORS,
        },
    },
    "requests_api.show": {
        "operationId": "getRequest",
        "summary": "A request with the history the caller may see, its tasks and progress.",
        "security": SIGNED_IN,
        "parameters": [_ID],
        "responses": {
            "200": {**json_response("RequestDetail", "The request."), "headers": ETAG_HEADER},
            **_ERRORS,
            "404": ERROR_REF,
        },
    },
    "requests_api.change": {
        "operationId": "changeRequest",
        "summary": "Reassign, assign, change the status or resolve (agents; requesters "
        "may reopen and close).",
        "security": SIGNED_IN,
        "parameters": [
            _ID,
            _CSRF,
            if_match(IF_MATCH_OR_CURRENT),
        ],
        "requestBody": _body("RequestChange"),
        "responses": {
            "200": {**json_response("Request", "The changed request."), "headers": ETAG_HEADER},
            **_ERRORS,
            "404": ERROR_REF,
            "409": ERROR_REF,
            "412": ERROR_REF,
        },
    },
    "requests_api.comment": {
        "operationId": "commentRequest",
        "summary": "Reply on a request, or add an internal note (agents).",
        "security": SIGNED_IN,
        "parameters": [_ID, _CSRF, RETRY_KEY_HEADER],
        "requestBody": _body("NewComment"),
        "responses": {
            "201": json_response("RequestDetail", "The request with the new entry."),
            **_ERRORS,
            "404": ERROR_REF,
            "409": ERROR_REF,
        },
    },
}
