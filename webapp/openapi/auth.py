"""The sign-in part of the OpenAPI document: /api/me and the security schemes.

The operation is keyed by its endpoint in `webapp.auth.api`; its path comes
from the routes (`webapp.openapi.paths`). Every operation that needs a
signed-in caller names these schemes (`webapp.openapi.schema.SIGNED_IN`).
"""

from __future__ import annotations

from typing import Any

from webapp.openapi.schema import ERROR_REF, SIGNED_IN, json_response

SCHEMAS: dict[str, Any] = {
    "Me": {
        "type": "object",
        "required": ["username", "roles", "csrf_token"],
        "properties": {
            "username": {"type": "string"},
            "display_name": {"type": "string"},
            "roles": {
                "type": "array",
                "items": {"type": "string"},
                "examples": [["agent:it", "analyst"]],
            },
            "groups": {
                "type": "array",
                "items": {"type": "string"},
                "description": "What article audiences may name to let this user read them.",
            },
            "csrf_token": {"type": "string", "description": "Send as X-CSRF-Token."},
        },
    },
}

OPERATIONS: dict[str, Any] = {
    "auth_api.me": {
        "operationId": "me",
        "summary": "The signed-in user, their roles and the session's CSRF token.",
        "security": SIGNED_IN,
        "responses": {"200": json_response("Me", "Who is signed in."), "401": ERROR_REF},
    },
}

SECURITY_SCHEMES: dict[str, Any] = {
    "session": {
        "type": "apiKey",
        "in": "cookie",
        "name": "kb_session",
        "description": "The session cookie of POST /auth/sign-in (auth_mode local). Calls "
        "that change something also send X-CSRF-Token.",
    },
    "sso": {
        "type": "apiKey",
        "in": "header",
        "name": "X-Remote-User",
        "description": "Set by the single-sign-on proxy (auth_mode header), with "
        "X-Remote-Groups such as agent:it,analyst; trusted from trusted_proxies only.",
    },
}
