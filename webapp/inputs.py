"""Reading and checking what callers send: JSON bodies and their fields.

Every check fails with `kb.errors.ValidationError` (400) whose message says
which field was wrong, what was sent and what is accepted, and whose details
carry the field name, so API clients can point at it. Each audience reads its
own parameters and forms (`webapp.search.inputs`, `webapp.articles.inputs`,
`webapp.requests.forms`) with these helpers.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import request

from kb.errors import ValidationError

MAX_ID_CHARS = 500


def invalid(field: str, message: str, **details: Any) -> ValidationError:
    return ValidationError(f"{field}: {message}", details={"field": field, **details})


def json_object() -> dict[str, Any]:
    """The request's JSON body, which must be an object."""
    if not request.is_json:
        raise ValidationError(
            "send a JSON object with the header Content-Type: application/json",
            details={"content_type": request.content_type or ""},
        )
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        raise ValidationError(
            'the request body must be a JSON object, e.g. {"rank": 1}',
            details={"body": type(data).__name__ if data is not None else "invalid JSON"},
        )
    return data


def known(data: Mapping[str, Any], names: tuple[str, ...]) -> None:
    """Refuse a field the endpoint does not take (a misspelt name is not ignored)."""
    unknown = sorted(set(data) - set(names))
    if unknown:
        raise invalid(
            unknown[0],
            f"is not a field of this call; send any of {', '.join(names)}",
            known=list(names),
        )


def _type_name(value: Any) -> str:
    return "null" if value is None else type(value).__name__


def text_field(
    data: Mapping[str, Any], name: str, *, required: bool = True, max_chars: int = MAX_ID_CHARS
) -> str:
    value = data.get(name)
    if value is None and not required:
        return ""
    if not isinstance(value, str) or (required and not value.strip()):
        raise invalid(
            name, f"must be a non-empty string, got {_type_name(value)}", expected="string"
        )
    if len(value) > max_chars:
        raise invalid(
            name, f"is {len(value)} characters long; the limit is {max_chars}", max=max_chars
        )
    return value.strip()


def bool_field(data: Mapping[str, Any], name: str) -> bool:
    value = data.get(name)
    if not isinstance(value, bool):
        raise invalid(name, f"must be true or false, got {_type_name(value)}", expected="boolean")
    return value


def int_field(
    data: Mapping[str, Any], name: str, *, required: bool = True, minimum: int | None = None
) -> int | None:
    value = data.get(name)
    if value is None and not required:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise invalid(name, f"must be an integer, got {_type_name(value)}", expected="integer")
    if minimum is not None and value < minimum:
        raise invalid(name, f"must be at least {minimum}, got {value}", min=minimum)
    return value
