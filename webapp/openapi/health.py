"""The health part of the OpenAPI document: GET /api/health, what a load
balancer and an operator read (the index snapshot served, whether the store
answers, whether the notification settings in the file are in use)."""

from __future__ import annotations

from typing import Any

from webapp.openapi.schema import ERROR_REF, STRING_OR_NULL, json_response

SCHEMAS: dict[str, Any] = {
    "Health": {
        "type": "object",
        "required": ["status", "index", "store", "settings", "search_log"],
        "properties": {
            "status": {"enum": ["ok", "degraded"]},
            "index": {
                "type": "object",
                "properties": {
                    "snapshot": {"type": "string"},
                    "articles": {"type": "integer"},
                    "passages": {"type": "integer"},
                    "built": STRING_OR_NULL,
                },
            },
            "store": {
                "type": "object",
                "properties": {"ok": {"type": "boolean"}, "error": {"type": "string"}},
            },
            "settings": {
                "type": "object",
                "description": "Whether the settings file's notification settings are in "
                "use; each problem names its setting and line (admins: file and message, "
                "without quoted values).",
                "properties": {
                    "ok": {"type": "boolean"},
                    "problems": {
                        "type": "array",
                        "items": {
                            "type": "object",
                            "required": ["setting", "line"],
                            "properties": {
                                "setting": STRING_OR_NULL,
                                "line": {"type": ["integer", "null"]},
                                "file": {"type": "string", "description": "Admins only."},
                                "message": {
                                    "type": "string",
                                    "description": "Admins only; quoted values as '…'.",
                                },
                            },
                        },
                    },
                },
            },
            "search_log": {
                "type": "object",
                "description": "This worker's search events waiting to be written (the "
                "database busy or down) and those dropped since it started (queue full).",
                "required": ["waiting", "dropped"],
                "properties": {
                    "waiting": {"type": "integer", "minimum": 0},
                    "dropped": {"type": "integer", "minimum": 0},
                },
            },
        },
    },
}

OPERATIONS: dict[str, Any] = {
    "api.health": {
        "operationId": "health",
        "summary": "The published index snapshot and whether the store answers.",
        "responses": {
            "200": json_response(
                "Health",
                "Serving; 'degraded' when the store fails or a notification-settings "
                "edit is not in use; this worker's searches waiting to be logged and dropped.",
            ),
            "503": ERROR_REF,
        },
    },
}
