"""The JSON body of an API call: an object of the fields the call takes.

`json_object` refuses, with a 400 naming what was wrong, a body that is not
JSON or not an object, one nested too deeply for the parser, a field the call
does not take (`webapp.inputs.known`), a name given twice in one object, and
values no database can store (`webapp.request_checks.refuse_nul`: NUL,
half a surrogate pair, NaN or Infinity, integers beyond 64 bits).
"""

from __future__ import annotations

import json
from typing import Any

from flask import request

from kb.errors import ValidationError
from webapp.inputs import invalid, known
from webapp.request_checks import refuse_nul


def json_object(*fields: str) -> dict[str, Any]:
    """The request's JSON body, which must be an object (of only `fields`, when given)."""
    if not request.is_json:
        raise ValidationError(
            "send a JSON object with the header Content-Type: application/json",
            details={"content_type": request.content_type or ""},
            key="not_json",
        )
    try:
        data = request.get_json(silent=True)
    except RecursionError:  # the parser's own stack: [[[[...]]]] thousands deep
        raise ValidationError(
            "the JSON body is nested too deeply; send a flat object of fields",
            details={"body": "too deeply nested"},
            key="json_nested",
        ) from None
    if not isinstance(data, dict):
        body = type(data).__name__ if data is not None else "invalid JSON"
        if fields:  # the call's own fields, not another call's example
            raise ValidationError(
                f"the request body must be a JSON object of the fields {', '.join(fields)}",
                details={"body": body, "fields": list(fields)},
                key="json_not_object_fields",
                values={"fields": ", ".join(fields)},
            )
        raise ValidationError(
            'the request body must be a JSON object: {"name": value, ...}',
            details={"body": body},
            key="json_not_object",
        )
    # Checked before a name is quoted back: a quoted half surrogate pair cannot be encoded.
    for name, value in data.items():
        refuse_nul(name.encode("utf-8", "backslashreplace").decode()[:100], name, json=True)
        refuse_nul(name, value, json=True)
    if fields:
        known(data, fields)
    _refuse_duplicate_names(request.get_data(cache=True))
    return data


def _refuse_duplicate_names(body: bytes) -> None:
    """A 400 naming the first name an object of the JSON `body` (at any depth) holds
    twice. Python's parser keeps the last value and others the first, so a proxy
    or log that reads `{"status": "new", "status": "closed"}` would see another
    change than the one made; JSON (RFC 8259) leaves such a body undefined."""

    def pairs(items: list[tuple[str, Any]]) -> dict[str, Any]:
        seen: set[str] = set()
        for name, _ in items:
            if name in seen:
                raise invalid(
                    name[:100],
                    "is named twice in one JSON object; send each field once",
                    key="json_duplicate_name",
                    reason="duplicate",
                )
            seen.add(name)
        return dict(items)

    json.loads(body, object_pairs_hook=pairs)
