"""The attachments part of the OpenAPI document: files on requests and replies.

Operations keyed by the endpoints of `webapp.requests.api`; their paths come
from the routes (`webapp.openapi.paths`).
"""

from __future__ import annotations

from typing import Any

from webapp.openapi.schema import (
    CSRF_HEADER,
    ERROR_REF,
    REQUEST_ID,
    RETRY_KEY_HEADER,
    SIGNED_IN,
    json_response,
    multipart_body,
    param,
)

_ID = REQUEST_ID
_FILE = param(
    "attachment_id", "The attachment's id.", {"type": "integer"}, required=True, where="path"
)
_CSRF = CSRF_HEADER
_ERRORS = {"400": ERROR_REF, "401": ERROR_REF, "403": ERROR_REF, "404": ERROR_REF}

SCHEMAS: dict[str, Any] = {
    "Attachment": {
        "type": "object",
        "required": ["id", "request_id", "name", "kind", "size", "sha256", "url"],
        "properties": {
            "id": {"type": "integer"},
            "request_id": {"type": "integer"},
            "entry_id": {
                "type": ["integer", "null"],
                "description": "The history entry (reply or 'attached') it came with.",
            },
            "name": {"type": "string", "description": "The download's file name."},
            "kind": {
                "enum": ["pdf", "docx", "odt", "xlsx", "txt", "html", "png", "jpeg", "gif", "webp"],
                "description": "What the bytes are (told from the content, not the name).",
            },
            "media_type": {"type": "string"},
            "size": {"type": "integer"},
            "sha256": {"type": "string", "description": "Checked on every download."},
            "uploaded_by": {"type": "string"},
            "created": {"type": "string", "format": "date-time"},
            "visible_to_requester": {"type": "boolean"},
            "has_text": {
                "type": "boolean",
                "description": "Its text was read (searchable by the department's agents).",
            },
            "text_problem": {
                "type": ["string", "null"],
                "description": "Why no text could be read: encrypted, no_text, malformed…",
            },
            "url": {"type": "string", "description": "Where to download it."},
        },
    },
    "AttachmentList": {
        "type": "object",
        "required": ["attachments"],
        "properties": {
            "attachments": {"type": "array", "items": {"$ref": "#/components/schemas/Attachment"}}
        },
    },
}

OPERATIONS: dict[str, Any] = {
    "requests_api.attach": {
        "operationId": "attachFiles",
        "summary": "Attach files (multipart/form-data), alone or with a reply; the "
        "requester and the agents of its queues may. Size and count are limited by the "
        "settings attachment_max_bytes and attachment_max_count; the type is told from "
        "the content.",
        "security": SIGNED_IN,
        "parameters": [_ID, _CSRF, RETRY_KEY_HEADER],
        "requestBody": multipart_body(
            {
                "file": {
                    "type": "array",
                    "items": {"type": "string", "format": "binary"},
                    "description": "One or more files (repeat the part).",
                },
                "text": {"type": "string", "maxLength": 10000},
                "internal": {
                    "enum": ["1", "true", "0", "false"],
                    "description": (
                        "1 or true: with an internal note (agents only); 0, false or "
                        "left out: a reply. Any other value is a 400."
                    ),
                },
            },
            ["file"],
        ),
        "responses": {
            "201": json_response("AttachmentList", "The files as stored."),
            **_ERRORS,
            "409": ERROR_REF,
            "413": ERROR_REF,
        },
    },
    "requests_api.attachments": {
        "operationId": "listAttachments",
        "summary": "The request's attachments the caller may see.",
        "security": SIGNED_IN,
        "parameters": [_ID],
        "responses": {"200": json_response("AttachmentList", "Oldest first."), **_ERRORS},
    },
    "requests_api.download": {
        "operationId": "downloadAttachment",
        "summary": "One file, always as a download (Content-Disposition: attachment, "
        "X-Content-Type-Options: nosniff, Content-Security-Policy: sandbox); HTML comes "
        "as application/octet-stream.",
        "security": SIGNED_IN,
        "parameters": [_ID, _FILE],
        "responses": {
            "200": {
                "description": "The file's bytes.",
                "content": {
                    "application/octet-stream": {"schema": {"type": "string", "format": "binary"}}
                },
            },
            **_ERRORS,
        },
    },
}
