"""Building blocks of the OpenAPI document: references, parameters, responses."""

from __future__ import annotations

from enum import Enum
from typing import Any

ERROR_REF = {"$ref": "#/components/responses/Error"}


def json_response(schema_ref: str, description: str) -> dict[str, Any]:
    return {
        "description": description,
        "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{schema_ref}"}}},
    }


def json_body(schema: dict[str, Any]) -> dict[str, Any]:
    """A required JSON request body of `schema`."""
    return {"required": True, "content": {"application/json": {"schema": schema}}}


def multipart_body(properties: dict[str, Any], required: list[str]) -> dict[str, Any]:
    """A required `multipart/form-data` request body of the parts `properties`."""
    schema = {"type": "object", "required": required, "properties": properties}
    return {"required": True, "content": {"multipart/form-data": {"schema": schema}}}


def param(
    name: str,
    description: str,
    schema: dict[str, Any],
    *,
    required: bool = False,
    where: str = "query",
    **extra: Any,
) -> dict[str, Any]:
    return {
        "name": name,
        "in": where,
        "required": required,
        "description": description,
        "schema": schema,
        **extra,
    }


STRING_OR_NULL = {"type": ["string", "null"]}
# Where a vote or a request came from when its search had no id yet (not logged).
SEARCH_REF = {
    "type": "string",
    "maxLength": 20000,
    "description": "The search's search_ref, while it had no search_id: linked once stored.",
}
SEARCH_QUERY = {
    "type": "string",
    "description": "The words searched for (at most max_query_chars), kept when no search "
    "can be linked (it was not logged).",
}

REQUEST_ID = param(
    "request_id", "The request's number.", {"type": "integer"}, required=True, where="path"
)
CSRF_HEADER = param(
    "X-CSRF-Token",
    "The session's CSRF token (GET /api/me); needed when the call carries the session cookie.",
    {"type": "string"},
    where="header",
)
RETRY_KEY_HEADER = param(
    "Idempotency-Key",
    "A unique key per reply, note or upload (a UUID): sent again with the same call, "
    "the first answer's status, its body read again as the caller may read it now "
    "(marked Idempotent-Replayed: true), and nothing posted twice; "
    "with another call, a 409. Kept per account for a day.",
    {"type": "string", "maxLength": 100},
    where="header",
)
ASK_FORM_HEADER = param(
    "X-KB-Ask-Form",
    "The token the ask page (GET /ask/) carries for the signed-in account, valid for "
    "setting session_hours: a search with source=ask counts for deflection only with it.",
    {"type": "string"},
    where="header",
)


# Calls that need a signed-in user: the session cookie, or the single-sign-on headers.
SIGNED_IN: list[dict[str, list[str]]] = [{"session": []}, {"sso": []}]


def enum_of(enum: type[Enum], **extra: Any) -> dict[str, Any]:
    """The schema of a field holding a member of `enum`: its values, from the enum
    itself, so the document cannot fall behind the code."""
    return {"type": "string", "enum": [member.value for member in enum], **extra}


def values_of(names: tuple[str, ...], **extra: Any) -> dict[str, Any]:
    """The schema of a field holding one of `names` (a `Literal` of the code)."""
    return {"type": "string", "enum": list(names), **extra}


ETAG_HEADER = {
    "ETag": {
        "description": 'The stored version, quoted ("3"); send it back in If-Match.',
        "schema": {"type": "string"},
    }
}


# If-Match of a change that, without it, applies to whatever version is current.
IF_MATCH_OR_CURRENT = (
    'The ETag of GET (e.g. "3"); 412 when the request changed since. Without the header '
    "(or with *) the change applies to whatever version is current; an empty one is a 400."
)


# What every If-Match of the API shares (`webapp.preconditions`): the strong comparison.
WEAK_TAG = ' A weak tag (W/"3") never matches: 412 weak_etag, nothing changed.'


def body_version(description: str) -> dict[str, Any]:
    """A `version` in a JSON body: the number, or the ETag read (`"3"`), compared
    strongly as If-Match is (`webapp.preconditions.version_of`)."""
    return {
        "type": ["integer", "string"],
        "minimum": 1,
        "description": description + ' The number (3) or the ETag read ("3").' + WEAK_TAG,
    }


def if_match(description: str) -> dict[str, Any]:
    """The `If-Match` header: the version (the ETag) a change is based on."""
    return param("If-Match", description + WEAK_TAG, {"type": "string"}, where="header")
