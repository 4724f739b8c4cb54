"""The OpenAPI part of working a value-stream task: taking, releasing, handing
over and completing a task (/api/requests/{request_id}/tasks/{task_id}/…).

Operations keyed by the endpoints of `webapp.requests.task_api`; their paths
come from the routes (`webapp.openapi.paths`).
"""

from __future__ import annotations

from typing import Any

from webapp.openapi.schema import (
    CSRF_HEADER,
    ERROR_REF,
    ETAG_HEADER,
    REQUEST_ID,
    SIGNED_IN,
    json_response,
    param,
)

_TASK_ID = param(
    "task_id", "The task's number within its request.", {"type": "integer"}, required=True,
    where="path",
)  # fmt: skip
_ANSWER = {
    **json_response("RequestDetail", "The request, its task held as the call left it."),
    "headers": ETAG_HEADER,
}
_ERRORS = {"400": ERROR_REF, "401": ERROR_REF, "403": ERROR_REF, "404": ERROR_REF}


def _operation(operation: str, summary: str, **extra: Any) -> dict[str, Any]:
    return {
        "operationId": operation,
        "summary": summary,
        "security": SIGNED_IN,
        "parameters": [REQUEST_ID, _TASK_ID, CSRF_HEADER],
        **extra,
        "responses": {"200": _ANSWER, **_ERRORS, "409": ERROR_REF},
    }


_FROM = {
    "type": ["string", "null"],
    "maxLength": 254,
    "description": (
        "The holder the caller read (null: nobody). When the task has changed hands "
        "since, nothing is changed: 409 with details.reason holder_changed."
    ),
}


def _json_body(required: bool, properties: dict[str, Any], *needed: str) -> dict[str, Any]:
    """A JSON object body of only `properties` (`needed` of them required)."""
    schema: dict[str, Any] = {"type": "object", "additionalProperties": False}
    if needed:
        schema["required"] = list(needed)
    schema["properties"] = properties
    return {"required": required, "content": {"application/json": {"schema": schema}}}


_HOLDER_BODY = _json_body(False, {"from": _FROM})
_HAND_OVER_BODY = _json_body(
    True,
    {
        "assignee": {
            "type": "string",
            "maxLength": 254,
            "description": "The username of an agent of the task's department.",
        },
        "from": _FROM,
    },
    "assignee",
)
_DONE_BODY = _json_body(
    False,
    {
        "note": {
            "type": "string",
            "maxLength": 10_000,
            "description": "What was done, for the request's history.",
        }
    },
)

OPERATIONS: dict[str, Any] = {
    "task_api.take": _operation(
        "takeTask",
        "Take a task of one's department: the caller holds it, in progress.",
        requestBody=_HOLDER_BODY,
    ),
    "task_api.release": _operation(
        "releaseTask",
        "Release a task: nobody holds it, and it is open again.",
        requestBody=_HOLDER_BODY,
    ),
    "task_api.hand_over": _operation(
        "handOverTask",
        "Hand a task to another agent of its department, who holds it in progress.",
        requestBody=_HAND_OVER_BODY,
    ),
    "task_api.done": _operation(
        "completeTask",
        "Mark a task done (agents of its department): the tasks waiting for it open.",
        requestBody=_DONE_BODY,
    ),
}
SCHEMAS: dict[str, Any] = {}
