"""The OpenAPI part of what employees and agents do around a request: rating the
answer, watchers, merging duplicates, adding an answer to an article, canned
replies and bulk changes.

Operations keyed by the endpoints of `webapp.requests.api`; their paths come
from the routes (`webapp.openapi.paths`).
"""

from __future__ import annotations

from typing import Any

from kb.requests.lifecycle import RequestStatus
from webapp.openapi.schema import (
    CSRF_HEADER,
    ERROR_REF,
    ETAG_HEADER,
    IF_MATCH_OR_CURRENT,
    REQUEST_ID,
    SIGNED_IN,
    body_version,
    enum_of,
    if_match,
    json_response,
    param,
)

_ID = REQUEST_ID
_CSRF = CSRF_HEADER
_ERRORS = {"400": ERROR_REF, "401": ERROR_REF, "403": ERROR_REF, "404": ERROR_REF}
_REQUEST = json_response("Request", "The request after the change.")


def _body(properties: dict[str, Any], required: list[str]) -> dict[str, Any]:
    schema = {"type": "object", "required": required, "properties": properties}
    return {"required": True, "content": {"application/json": {"schema": schema}}}


def _post(operation: str, summary: str, body: dict[str, Any], parameters: list[Any]) -> Any:
    return {
        "operationId": operation,
        "summary": summary,
        "security": SIGNED_IN,
        "parameters": parameters,
        "requestBody": body,
        "responses": {"200": _REQUEST, **_ERRORS, "409": ERROR_REF},
    }


# The answer of "Turn into an article": the draft, and the request linking it.
_DRAFTED = {
    "type": "object",
    "required": ["article", "created", "request"],
    "properties": {
        "article": {"type": "string", "description": "The draft's id, e.g. it/vpn.md."},
        "created": {"type": "boolean", "description": "Written by this call."},
        "request": {"$ref": "#/components/schemas/Request"},
    },
}

# An item of a bulk change's ids that names the version the client read.
_BULK_ITEM = {
    "type": "object",
    "required": ["id"],
    "additionalProperties": False,
    "properties": {
        "id": {"type": "integer", "minimum": 1},
        "version": body_version("Change it only while it is at this version."),
    },
}

SCHEMAS: dict[str, Any] = {
    "RequestPermissions": {
        "type": "object",
        "description": "What the caller may do with the request now (the same rules every "
        "change is checked against).",
        "properties": {
            "statuses": {"type": "array", "items": enum_of(RequestStatus)},
            **{
                name: {"type": "boolean"}
                for name in (
                    "reopen",
                    "close",
                    "resolve",
                    "work",
                    "internal_notes",
                    "attach",
                    "reply",
                    "rate",
                    "watch",
                    "merge",
                    "assign",
                    "reassign",
                )
            },  # fmt: skip
        },
    },
    "CannedReplies": {
        "type": "object",
        "properties": {
            "replies": {
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": {
                        "id": {
                            "type": "string",
                            "description": "The reply's id in its department's file; the "
                            "request's department and a task's may each have one of the "
                            "same id: `ref` names one.",
                        },
                        "department": {
                            "type": "string",
                            "description": "The department whose reply it is.",
                        },
                        "ref": {
                            "type": "string",
                            "description": "`department/id`: what names the reply on the "
                            "request page (`/requests/{id}?canned=<ref>` starts the reply "
                            "box with its text).",
                        },
                        "title": {"type": "string"},
                        "text": {"type": "string", "description": "Filled in for the request."},
                    },
                },
            }
        },
    },
    "BulkResults": {
        "type": "object",
        "properties": {
            "results": {
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": {
                        "id": {"type": "integer"},
                        "ok": {"type": "boolean"},
                        "error": {
                            "type": ["object", "null"],
                            "description": "Why this request was not changed (the error "
                            "shape): stale_version when it changed since the version sent.",
                        },
                    },
                },
            }
        },
    },
}

OPERATIONS: dict[str, Any] = {
    "requests_api.rate": _post(
        "rateRequest",
        "Rate the answer: 1 to 5 stars and a comment (the requester, once answered; "
        "rating again replaces it).",
        _body(
            {
                "rating": {"type": "integer", "minimum": 1, "maximum": 5},
                "comment": {"type": "string", "maxLength": 2000},
            },
            ["rating"],
        ),
        [_ID, _CSRF],
    ),
    "requests_api.watch": _post(
        "watchRequest",
        "Add a watcher (the requester and agents; anyone who may read it: themselves).",
        _body({"username": {"type": "string", "description": "Default: the caller."}}, []),
        [_ID, _CSRF],
    ),
    "requests_api.unwatch": {
        "operationId": "unwatchRequest",
        "summary": "Remove a watcher.",
        "security": SIGNED_IN,
        "parameters": [
            _ID,
            param("username", "The watcher.", {"type": "string"}, required=True, where="path"),
            _CSRF,
        ],
        "responses": {"200": _REQUEST, **_ERRORS, "409": ERROR_REF},
    },
    "requests_api.merge": _post(
        "mergeRequest",
        "Merge this request, a duplicate, into another (agents of both queues): it is "
        "closed pointing to the other, whose watchers its requester joins.",
        _body(
            {"into": {"type": "integer", "minimum": 1}, "note": {"type": "string"}},
            ["into"],
        ),
        [_ID, _CSRF],
    ),
    "requests_api.draft_article": {
        "operationId": "draftArticle",
        "summary": 'Turn a resolved request into a draft article ("Turn into an article"): '
        "201 with the draft written in the department's folder, 200 with the unpublished "
        "draft written from the request before (nothing is written; one renamed since is "
        "answered under its new name). Agents and content owners of the request's "
        "department; its content owners are mailed. No body.",
        "security": SIGNED_IN,
        "parameters": [
            _ID,
            _CSRF,
            if_match(
                IF_MATCH_OR_CURRENT + " A draft written from it since is the answer instead (200)."
            ),
        ],
        "responses": {
            "201": {
                "description": "The draft written now.",
                "headers": ETAG_HEADER,
                "content": {"application/json": {"schema": _DRAFTED}},
            },
            "200": {
                "description": "The request's unpublished draft, written before.",
                "headers": ETAG_HEADER,
                "content": {"application/json": {"schema": _DRAFTED}},
            },
            **_ERRORS,
            "409": ERROR_REF,
            "412": ERROR_REF,
            "503": ERROR_REF,
        },
    },
    "requests_api.add_to_article": {
        **_post(
            "addToArticle",
            "Add the resolution of a resolved request to an existing article, under its "
            'question as a heading, and link the article to the request ("Add to" on the '
            "request page). Content owners of the request's department; an article of "
            "another department only for whom may also edit that department (admins, or "
            "content owners of both), else 403. Every check comes first: a refused call "
            "changes neither the article nor the request. Already linked: nothing is added.",
            _body(
                {
                    "article": {
                        "type": "string",
                        "description": "The article's id, e.g. it/vpn.md.",
                    }
                },
                ["article"],
            ),
            [_ID, _CSRF, if_match(IF_MATCH_OR_CURRENT)],
        ),
        "responses": {
            "200": {**_REQUEST, "headers": ETAG_HEADER},
            **_ERRORS,
            "409": ERROR_REF,
            "412": ERROR_REF,
        },
    },
    "requests_api.canned_replies": {
        "operationId": "cannedReplies",
        "summary": "The department's canned replies, filled in for this request (agents).",
        "security": SIGNED_IN,
        "parameters": [_ID],
        "responses": {"200": json_response("CannedReplies", "The replies."), **_ERRORS},
    },
    "requests_api.bulk": {
        "operationId": "bulkChange",
        "summary": "Assign and/or change the status of many requests, each checked and "
        "saved on its own.",
        "security": SIGNED_IN,
        "parameters": [_CSRF],
        "requestBody": _body(
            {
                "ids": {
                    "type": "array",
                    "items": {"oneOf": [{"type": "integer", "minimum": 1}, _BULK_ITEM]},
                    "maxItems": 200,
                    "description": "The requests: numbers, or {id, version} with the version "
                    "read (the request's `version`, its ETag): a request changed since is "
                    "left as it is, its result stale_version, and the others go on.",
                },
                "assignee": {"type": ["string", "null"], "description": "null unassigns."},
                "status": enum_of(RequestStatus),
                "note": {"type": "string"},
            },
            ["ids"],
        ),
        "responses": {
            "200": json_response("BulkResults", "One result per request."),
            **_ERRORS,
        },
    },
}
