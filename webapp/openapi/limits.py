"""What the API enforces on every call, written into the document once.

The parts describe each operation's fields; the checks below hold for all of
them (`webapp.json_body`, `webapp.request_checks`), so they are added here
rather than repeated in every schema, where one would be forgotten:

* a JSON body is an object of the fields its schema lists: anything else is a
  400 naming the field (`additionalProperties: false`);
* an integer, in the path, a parameter or a body, is within -2**63 and
  2**63 - 1 (the databases' 64-bit integers);
* strings carry no NUL character (PostgreSQL stores none), stated as a
  pattern on every string without one;
* the operations a rate limit guards (`webapp.throttle`) may answer 429 with
  `Retry-After`;
* every operation may answer 400: a query parameter it does not list, or a
  value outside a listed `enum` (`webapp.query_params`).
"""

from __future__ import annotations

from typing import Any

from kb.settings import Settings
from webapp.inputs import MAX_INT
from webapp.openapi.schema import ERROR_REF

NO_NUL = "^[^\\u0000]*$"

# The operations a rate limit guards, with the setting that sets it.
RATE_LIMITED = {
    "search": "search_limit",
    "postFeedback": "feedback_limit",
    "createRequest": "ask_limit",
    "commentRequest": "reply_limit",
    "attachFiles": "reply_limit",
    # A requester's own status changes and ratings (`webapp.requests.requester_limit`).
    "changeRequest": "reply_limit",
    "rateRequest": "reply_limit",
}

RATE_LIMITED_RESPONSE: dict[str, Any] = {
    "description": "Too many calls: `details.limit` names the setting that limits them.",
    "headers": {
        "Retry-After": {
            "description": "Seconds to wait before calling again.",
            "schema": {"type": "integer", "minimum": 1},
        }
    },
    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
}


def _bound(schema: Any) -> None:
    """Add the integer bound and the NUL rule to `schema` and everything inside it."""
    if isinstance(schema, list):
        for item in schema:
            _bound(item)
        return
    if not isinstance(schema, dict):
        return
    kinds = schema.get("type")
    kinds = kinds if isinstance(kinds, list) else [kinds]
    if "integer" in kinds:
        schema.setdefault("maximum", MAX_INT)
        schema.setdefault("minimum", -MAX_INT - 1)
    if "string" in kinds and "enum" not in schema and "format" not in schema:
        schema.setdefault("pattern", NO_NUL)
    for key in ("properties", "patternProperties"):
        for inner in (schema.get(key) or {}).values():
            _bound(inner)
    for key in ("items", "additionalProperties", "oneOf", "anyOf", "allOf"):
        if key in schema:
            _bound(schema[key])


def _body_schemas(document: dict[str, Any]) -> list[dict[str, Any]]:
    """The schemas of every operation's JSON request body (references resolved)."""
    schemas = document["components"]["schemas"]
    found = []
    for methods in document["paths"].values():
        for operation in methods.values():
            if not isinstance(operation, dict):
                continue
            body = operation.get("requestBody", {}).get("content", {}).get("application/json")
            if body is None:
                continue
            schema = body["schema"]
            ref = schema.get("$ref", "")
            found.append(schemas[ref.rsplit("/", 1)[-1]] if ref else schema)
    return found


def _settings_limits(document: dict[str, Any], settings: Settings) -> None:
    """The limits that are settings: the search's page size, pages and length."""
    search = document["paths"].get("/api/search", {}).get("get")
    if search is None:
        return
    bounds = {
        "k": {"maximum": settings.max_k},
        "page": {"maximum": settings.max_page},
        "q": {"maxLength": settings.max_query_chars},
    }
    for parameter in search.get("parameters", []):
        parameter["schema"].update(bounds.get(parameter["name"], {}))


def _rate_limits(document: dict[str, Any]) -> None:
    """A 429 answer on every operation a rate limit guards."""
    document["components"].setdefault("responses", {})["RateLimited"] = RATE_LIMITED_RESPONSE
    for methods in document["paths"].values():
        for operation in methods.values():
            if isinstance(operation, dict) and operation.get("operationId") in RATE_LIMITED:
                operation["responses"]["429"] = {"$ref": "#/components/responses/RateLimited"}


def add_limits(document: dict[str, Any], settings: Settings | None = None) -> dict[str, Any]:
    """`document` with the limits every call enforces (changed in place); with
    `settings`, the limits they set too."""
    if settings is not None:
        _settings_limits(document, settings)
    _rate_limits(document)
    for schema in _body_schemas(document):
        if schema.get("type") == "object":
            schema.setdefault("additionalProperties", False)
        _bound(schema)
    for methods in document["paths"].values():
        for operation in methods.values():
            if isinstance(operation, dict):
                operation["responses"].setdefault("400", ERROR_REF)
                for parameter in operation.get("parameters", []):
                    _bound(parameter.get("schema"))
    return document
