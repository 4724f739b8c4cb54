"""The accounts part of the OpenAPI document: /api/accounts… (creating an
account and resetting a password with a temporary password included).

Operations keyed by the endpoints of `webapp.accounts.api`; their paths come
from the routes (`webapp.openapi.paths`). Administrators only.
"""

from __future__ import annotations

from typing import Any

from kb.accounts.grant_history import GrantChangeKind
from kb.accounts.records import Role
from kb.accounts.roles import MAX_REASON_CHARS
from webapp.openapi.auth import SCHEMAS as AUTH_SCHEMAS
from webapp.openapi.schema import (
    CSRF_HEADER,
    ERROR_REF,
    SIGNED_IN,
    STRING_OR_NULL,
    enum_of,
    json_body,
    json_response,
    param,
)

_USERNAME = param(
    "username",
    "The account's username, exactly as listed.",
    {"type": "string"},
    required=True,
    where="path",
)
_ME = AUTH_SCHEMAS["Me"]["properties"]
_ERRORS = {"401": ERROR_REF, "403": ERROR_REF}
_CHANGE_ERRORS = {**_ERRORS, "400": ERROR_REF, "404": ERROR_REF}

SCHEMAS: dict[str, Any] = {
    "GivenPassword": {
        "type": "object",
        "required": ["account", "temporary_password"],
        "properties": {
            "account": {"$ref": "#/components/schemas/Account"},
            "temporary_password": {
                "type": "string",
                "description": "Shown only in this answer, never kept: pass it on.",
            },
        },
    },
    "Account": {
        "type": "object",
        "required": ["username", "display_name", "roles", "password", "former_names"],
        "properties": {
            **{name: _ME[name] for name in ("username", "display_name", "roles")},
            "password": {
                "type": "boolean",
                "description": "false: signs in by single sign-on only; the proxy's groups "
                "replace its roles each time it signs in.",
            },
            "former_names": {
                "type": "array",
                "items": {"type": "string"},
                "description": "Former names single sign-on still signs in as.",
            },
        },
    },
    "GrantChange": {
        "type": "object",
        "required": ["username", "change", "role", "by", "reason", "ts"],
        "properties": {
            "username": {"type": "string"},
            "change": enum_of(GrantChangeKind),
            "role": {
                "anyOf": [enum_of(Role), {"type": "null"}],
                "description": "null: a row about a password (the four password changes), about no role.",
            },
            "department": {**STRING_OR_NULL, "description": "null: every department."},
            "from": {**STRING_OR_NULL, "description": "A move's department before."},
            "to": {**STRING_OR_NULL, "description": "A move's department after."},
            "by": {"type": "string"},
            "reason": {"type": "string"},
            "ts": {"type": ["string", "null"], "format": "date-time"},
        },
    },
}

_REASON = {"type": "string", "minLength": 1, "maxLength": MAX_REASON_CHARS}
_GRANT_PROPERTIES: dict[str, Any] = {
    "role": enum_of(Role),
    "department": {
        "type": "string",
        "description": "For agent and content_owner: one department; empty or "
        "left out: every department.",
    },
    "reason": _REASON,
}
_GRANT_BODY = json_body(
    {
        "type": "object",
        "required": ["role", "reason"],
        "additionalProperties": False,
        "properties": _GRANT_PROPERTIES,
    }
)
_NEW_BODY = json_body(
    {
        "type": "object",
        "required": ["username", "role", "reason"],
        "additionalProperties": False,
        "properties": {
            "username": {
                "type": "string",
                "maxLength": 254,
                "description": "Letters, digits or . _ @ + -, starting with a letter or digit; "
                "unique in any letter case.",
            },
            "display_name": {"type": "string", "maxLength": 254},
            **_GRANT_PROPERTIES,
        },
    }
)

OPERATIONS: dict[str, Any] = {
    "accounts_api.accounts": {
        "operationId": "listAccounts",
        "summary": "Accounts and their roles, found by name, role and department (admins).",
        "security": SIGNED_IN,
        "parameters": [
            param("name", "In the username or display name, any letter case.", {"type": "string"}),
            param("role", "Holding this role.", enum_of(Role)),
            param(
                "department",
                "Holding a role for this department (agents and content owners of every "
                "department too).",
                {"type": "string"},
            ),
        ],
        "responses": {
            "200": {
                "description": "The accounts found, by username.",
                "content": {
                    "application/json": {
                        "schema": {
                            "type": "object",
                            "required": ["accounts"],
                            "properties": {
                                "accounts": {
                                    "type": "array",
                                    "items": {"$ref": "#/components/schemas/Account"},
                                }
                            },
                        }
                    }
                },
            },
            "400": ERROR_REF,
            **_ERRORS,
        },
    },
    "accounts_api.history": {
        "operationId": "allGrantHistory",
        "summary": "The grant history of every account, oldest first, filtered (admins).",
        "security": SIGNED_IN,
        "parameters": [
            param(
                "account", "Of this account (its username, any letter case).", {"type": "string"}
            ),
            param("role", "About this role.", enum_of(Role)),
            param(
                "department", "Naming this department (a move: either side).", {"type": "string"}
            ),
        ],
        "responses": {
            "200": {
                "description": "The rows found, the newest 1,000 of them.",
                "content": {
                    "application/json": {
                        "schema": {
                            "type": "object",
                            "required": ["changes", "truncated"],
                            "properties": {
                                "changes": {
                                    "type": "array",
                                    "items": {"$ref": "#/components/schemas/GrantChange"},
                                },
                                "truncated": {
                                    "type": "boolean",
                                    "description": "More rows were found than are given.",
                                },
                            },
                        }
                    }
                },
            },
            "400": ERROR_REF,
            **_ERRORS,
        },
    },
    "accounts_api.grant_history": {
        "operationId": "accountGrantHistory",
        "summary": "Every role the account was granted, revoked or moved, oldest first (admins).",
        "security": SIGNED_IN,
        "parameters": [_USERNAME],
        "responses": {
            "200": {
                "description": "The account's grant history.",
                "content": {
                    "application/json": {
                        "schema": {
                            "type": "object",
                            "required": ["username", "changes"],
                            "properties": {
                                "username": {"type": "string"},
                                "changes": {
                                    "type": "array",
                                    "items": {"$ref": "#/components/schemas/GrantChange"},
                                },
                            },
                        }
                    }
                },
            },
            **_ERRORS,
            "404": ERROR_REF,
        },
    },
    "accounts_api.grant": {
        "operationId": "grantRole",
        "summary": "Give an account a role, with a reason kept in its grant history (admins); "
        "its sessions end.",
        "security": SIGNED_IN,
        "parameters": [_USERNAME, CSRF_HEADER],
        "requestBody": _GRANT_BODY,
        "responses": {
            "200": json_response("Account", "The account with its roles now."),
            **_CHANGE_ERRORS,
            "409": ERROR_REF,
        },
    },
    "accounts_api.revoke": {
        "operationId": "revokeRole",
        "summary": "Take a role from an account, with a reason kept in its grant history "
        "(admins); its sessions end.",
        "security": SIGNED_IN,
        "parameters": [_USERNAME, CSRF_HEADER],
        "requestBody": _GRANT_BODY,
        "responses": {
            "200": json_response("Account", "The account with its roles now."),
            **_CHANGE_ERRORS,
        },
    },
    "accounts_api.create": {
        "operationId": "createAccount",
        "summary": "A new account with one role and a one-time temporary password, told "
        "only in this answer; it must be changed at the first sign-in (admins).",
        "security": SIGNED_IN,
        "parameters": [CSRF_HEADER],
        "requestBody": _NEW_BODY,
        "responses": {
            "201": json_response("GivenPassword", "The account and its temporary password."),
            **_ERRORS,
            "400": ERROR_REF,
            "409": ERROR_REF,
        },
    },
    "accounts_api.reset": {
        "operationId": "resetPassword",
        "summary": "A new temporary password for a password account; its sessions end and it "
        "must choose its own at the next sign-in (admins).",
        "security": SIGNED_IN,
        "parameters": [_USERNAME, CSRF_HEADER],
        "requestBody": json_body(
            {
                "type": "object",
                "required": ["reason"],
                "additionalProperties": False,
                "properties": {"reason": _REASON},
            }
        ),
        "responses": {
            "200": json_response("GivenPassword", "The account and its temporary password."),
            **_CHANGE_ERRORS,
            "409": ERROR_REF,
        },
    },
}
