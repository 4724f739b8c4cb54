"""The records of the requests part of the OpenAPI document: a request, its
history, tasks and detail, and what a client sends to file, answer or change one.

The operations that send and answer them are in `webapp.openapi.requests`.
"""

from __future__ import annotations

from typing import Any

from kb.requests.lifecycle import Priority, RequestStatus, TaskStatus
from kb.requests.records import ENTRY_KIND_NAMES as ENTRY_KINDS
from webapp.openapi.schema import SEARCH_QUERY, SEARCH_REF, STRING_OR_NULL, enum_of, values_of

_DATETIME_OR_NULL = {"type": ["string", "null"], "format": "date-time"}

SCHEMAS: dict[str, Any] = {
    "NewRequest": {
        "type": "object",
        "description": "A question (query), or a request from the catalogue (type and fields; "
        "the query is then optional and made from the type's summary). A wrong field is a 400 "
        "whose details.fields names every field with what is wrong.",
        "properties": {
            "query": {
                "type": "string",
                "minLength": 1,
                "description": "The question (at most max_query_chars); needed without type.",
            },
            "type": {
                "type": "string",
                "description": "A request type of GET /api/catalogue, e.g. onboarding; the "
                "request goes to its department, a value stream's tasks are created at once.",
            },
            "fields": {
                "type": "object",
                "additionalProperties": {"type": ["string", "boolean"]},
                "description": "The values of the type's form, by field name.",
                "examples": [{"new_hire": "Jana Fischer", "start_date": "2027-01-04"}],
            },
            "description": {"type": "string", "maxLength": 5000},
            "department": {
                "type": ["string", "null"],
                "description": "Where it should go; the suggestion is used when missing.",
            },
            "suggested_department": {
                "type": ["string", "null"],
                "description": "The department the search suggested. With neither this "
                "nor department, the question is routed as its search would be (the triage "
                "queue when unsure or when no search can run).",
            },
            "department_confidence": {
                "type": ["number", "null"],
                "minimum": 0,
                "maximum": 1,
                "description": "The router's confidence; a kept suggestion below the setting "
                "route_threshold goes to the triage queue.",
            },
            "suggestions_shown": {
                "type": "boolean",
                "default": False,
                "description": "Ignored: the server decides it from suggestions_token.",
            },
            "suggestions_token": {
                "type": "string",
                "maxLength": 500,
                "description": "The suggestions_token of an ask search's answer: the "
                "request records suggestions_shown only with one of the caller's account "
                "made for the search it names (search_id or search_ref).",
            },
            "went_on_anyway": {
                "type": "boolean",
                "default": False,
                "description": "Recorded only when the suggestions were shown.",
            },
            "search_id": {"type": ["integer", "null"], "minimum": 1},
            "search_ref": SEARCH_REF,
            "search_query": SEARCH_QUERY,
            "priority": enum_of(Priority, default=Priority.NORMAL.value),
            "workflow": {
                "type": ["string", "null"],
                "description": "A value-stream template name, e.g. onboarding.",
            },
            "idempotency_key": {
                "type": "string",
                "description": "Alternative to the Idempotency-Key header (must agree with it).",
            },
        },
    },
    "Request": {
        "type": "object",
        "required": ["id", "requester", "query", "department", "status", "url"],
        "properties": {
            "id": {"type": "integer"},
            "requester": {"type": "string"},
            "query": {"type": "string"},
            "description": {"type": "string"},
            "department": {"type": "string"},
            "department_name": {"type": "string"},
            "assignee": STRING_OR_NULL,
            "status": enum_of(RequestStatus),
            "priority": enum_of(Priority),
            "created": {"type": "string", "format": "date-time"},
            "updated": {"type": "string", "format": "date-time"},
            "first_response_due": _DATETIME_OR_NULL,
            "resolution_due": _DATETIME_OR_NULL,
            "first_responded_at": _DATETIME_OR_NULL,
            "resolved_at": _DATETIME_OR_NULL,
            "resolution": STRING_OR_NULL,
            "linked_articles": {"type": "array", "items": {"type": "string"}},
            "search_id": {"type": ["integer", "null"]},
            "search_query": {
                "type": "string",
                "description": "The words searched for, when the search could not be linked "
                "(it was not logged); empty otherwise.",
            },
            "suggestions_shown": {"type": "boolean"},
            "went_on_anyway": {"type": "boolean"},
            "workflow": STRING_OR_NULL,
            "type": {**STRING_OR_NULL, "description": "The catalogue type it was filed as."},
            "fields": {
                "type": "object",
                "description": "The values of its form (dates as YYYY-MM-DD).",
            },
            "rating": {"type": ["integer", "null"], "minimum": 1, "maximum": 5},
            "rating_comment": {"type": "string"},
            "rated_at": _DATETIME_OR_NULL,
            "watchers": {"type": "array", "items": {"type": "string"}},
            "merged_into": {
                "type": ["integer", "null"],
                "description": "The request this duplicate was merged into.",
            },
            "overdue": {"type": "boolean", "description": "In queue listings only."},
            "new_answer": {
                "type": "boolean",
                "description": "In the caller's own list (mine=1) only: an agent replied or "
                "resolved it since the caller last opened it (GET /api/requests/{id} or its "
                "page clears it).",
            },
            "url": {"type": "string", "description": "The request's page in the app."},
            "version": {
                "type": "integer",
                "description": "Its version, as in the ETag of GET /api/requests/{id}: send it "
                "in If-Match, or with the id in a bulk change, to change only this version.",
            },
        },
    },
    "RequestList": {
        "type": "object",
        "required": ["requests"],
        "properties": {
            "department": {"type": "string", "description": "With ?department= only."},
            "requests": {"type": "array", "items": {"$ref": "#/components/schemas/Request"}},
            "total": {"type": "integer", "description": "Requests in the whole list."},
            "limit": {"type": "integer", "description": "The page size used."},
            "offset": {"type": "integer", "description": "Requests skipped before this page."},
            "truncated": {"type": "boolean", "description": "More requests follow this page."},
            "next": {
                "type": ["string", "null"],
                "description": "URL of the next page (by offset, or by cursor when this "
                "page was asked for by cursor); null on the last.",
            },
            "next_cursor": {
                "type": ["string", "null"],
                "description": "Send as cursor for the next page: it never skips or repeats "
                "a request that stays in the list. Null on the last page.",
            },
        },
    },
    "Entry": {
        "type": "object",
        "required": ["kind", "actor", "ts"],
        "properties": {
            "id": {"type": "integer"},
            "request_id": {"type": "integer"},
            "ts": {"type": "string", "format": "date-time"},
            "actor": {"type": "string"},
            "kind": values_of(ENTRY_KINDS),
            "message": {"type": "string"},
            "data": {"type": "object"},
            "visible_to_requester": {
                "type": "boolean",
                "description": "False for internal notes (agents see them only).",
            },
        },
    },
    "Task": {
        "type": "object",
        "required": ["id", "department", "title", "status"],
        "properties": {
            "request_id": {"type": "integer"},
            "id": {"type": "integer"},
            "department": {"type": "string"},
            "title": {"type": "string"},
            "status": enum_of(TaskStatus),
            "depends_on": {"type": "array", "items": {"type": "integer"}},
            "assignee": STRING_OR_NULL,
            "due": _DATETIME_OR_NULL,
            "blocked": {"type": "boolean"},
        },
    },
    "RequestDetail": {
        "type": "object",
        "required": ["request", "history", "tasks", "progress", "overdue", "can_work"],
        "properties": {
            "request": {"$ref": "#/components/schemas/Request"},
            "history": {
                "type": "array",
                "items": {"$ref": "#/components/schemas/Entry"},
                "description": "What the caller may see: internal notes only for agents.",
            },
            "tasks": {"type": "array", "items": {"$ref": "#/components/schemas/Task"}},
            "progress": {
                "type": "object",
                "properties": {"done": {"type": "integer"}, "total": {"type": "integer"}},
            },
            "overdue": {"type": "boolean"},
            "can_work": {"type": "boolean", "description": "The caller works its queue."},
            "permissions": {"$ref": "#/components/schemas/RequestPermissions"},
        },
    },
    "NewComment": {
        "type": "object",
        "required": ["text"],
        "properties": {
            "text": {"type": "string", "minLength": 1, "maxLength": 10000},
            "internal": {
                "type": "boolean",
                "default": False,
                "description": "An internal note, hidden from the requester (agents only).",
            },
        },
    },
    "RequestChange": {
        "type": "object",
        "description": "Applied in this order, each as its own history entry: department "
        "(with reason), assignee, then status (with note) or resolution. All are saved or "
        "none: each step is checked on the request as the steps before it leave it, and a "
        "refused step leaves the request as it was. An empty change is refused; only "
        "assignee may be null.",
        "minProperties": 1,
        "properties": {
            "department": {"type": "string", "description": "Reassign to this queue."},
            "reason": {"type": "string", "description": "Why (needed with department)."},
            "assignee": {
                "type": ["string", "null"],
                "description": "An agent of the queue; null unassigns.",
            },
            "status": enum_of(RequestStatus),
            "note": {"type": "string", "description": "Shown with the status change."},
            "resolution": {
                "type": "string",
                "description": "Resolves the request with this answer (status resolved).",
            },
        },
    },
}
