"""The sign-in part of the OpenAPI document: /api/me, /api/me/password and the
security schemes.

The operation is keyed by its endpoint in `webapp.auth.api`; its path comes
from the routes (`webapp.openapi.paths`). Every operation that needs a
signed-in caller names these schemes (`webapp.openapi.schema.SIGNED_IN`).
"""

from __future__ import annotations

from typing import Any

from kb.accounts.records import MAX_PASSWORD_CHARS, MIN_PASSWORD_CHARS
from webapp.openapi.schema import CSRF_HEADER, ERROR_REF, SIGNED_IN, json_body, json_response

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
            "must_change_password": {
                "type": "boolean",
                "description": "true: signed in with a temporary password; every other call "
                "is refused (403 must_change_password) until POST /api/me/password.",
            },
        },
    },
    "PasswordChanged": {
        "type": "object",
        "required": ["username", "must_change_password", "csrf_token"],
        "properties": {
            "username": {"type": "string"},
            "must_change_password": {"type": "boolean", "const": False},
            "csrf_token": {
                "type": "string",
                "description": "The session's new CSRF token: send it as X-CSRF-Token "
                "from now on (the one before is refused).",
            },
        },
    },
}

_PASSWORD = {"type": "string", "maxLength": MAX_PASSWORD_CHARS}

OPERATIONS: dict[str, Any] = {
    "auth_api.me": {
        "operationId": "me",
        "summary": "The signed-in user, their roles and the session's CSRF token.",
        "security": SIGNED_IN,
        "responses": {"200": json_response("Me", "Who is signed in."), "401": ERROR_REF},
    },
    "auth_api.change_password": {
        "operationId": "changeOwnPassword",
        "summary": "The signed-in password account's new password; its other sessions end, "
        "this one goes on with a new CSRF token. Counted against the sign-in limits.",
        "security": SIGNED_IN,
        "parameters": [CSRF_HEADER],
        "requestBody": json_body(
            {
                "type": "object",
                "required": ["current_password", "new_password"],
                "additionalProperties": False,
                "properties": {
                    "current_password": _PASSWORD,
                    "new_password": {**_PASSWORD, "minLength": MIN_PASSWORD_CHARS},
                },
            }
        ),
        "responses": {
            "200": json_response("PasswordChanged", "The password is changed."),
            "400": ERROR_REF,
            "401": ERROR_REF,
            "403": ERROR_REF,
            "409": ERROR_REF,
            "429": ERROR_REF,
        },
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
