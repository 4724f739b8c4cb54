"""The OpenAPI schema of an article's warnings (`webapp.manage.editor_warnings`):
what `kb validate` warns of in the text that `PUT /api/articles/{id}`, a
restore and `POST /api/preview` answer, and the fields the preview takes to
judge them."""

from __future__ import annotations

from typing import Any

from webapp.manage.editor_warnings import PREVIEW_FIELDS
from webapp.openapi.schema import STRING_OR_NULL

_STRINGS = {"type": "array", "items": {"type": "string"}}
_WARNING: dict[str, Any] = {
    "type": "object",
    "description": "One warning, as kb validate --json gives it for the article's file, "
    "with the field it is about and the line the editor shows.",
    "required": ["path", "line", "severity", "kind", "message", "hint", "field", "said"],
    "properties": {
        "path": {"type": "string", "description": "The article's id."},
        "line": {
            "type": ["integer", "null"],
            "description": "The file's line, where the warning names one.",
        },
        "severity": {"type": "string", "enum": ["warning"]},
        "kind": {"type": "string", "description": "audience, field, field_name, image…"},
        "message": {"type": "string", "description": "What is wrong, in English."},
        "hint": {"type": "string", "description": "What to do, in English (may be empty)."},
        "field": {
            **STRING_OR_NULL,
            "description": "The front-matter field it is about (body: the text; a field "
            "the editor does not show by its name in the file); null: the whole file.",
        },
        "said": {
            "type": "string",
            "description": "Where, what and what to do, in the reader's language.",
        },
    },
}
WARNINGS = {"type": "array", "items": _WARNING}
_STRINGS_OR_TEXT = {"oneOf": [_STRINGS, {"type": "string"}]}
_PREVIEW_FIELDS: dict[str, Any] = {
    "summary": {"type": "string", "maxLength": 500},
    "tags": _STRINGS_OR_TEXT,
    "lang": {"type": "string"},
    "audience": _STRINGS_OR_TEXT,
    "review_by": {**STRING_OR_NULL, "format": "date"},
    "related": _STRINGS_OR_TEXT,
    "owner": {"type": "string"},
}

PREVIEW_INPUT: dict[str, Any] = {
    name: {
        **_PREVIEW_FIELDS[name],
        "description": "As ArticleInput's (a comma-separated string for a list, as the "
        "editor's form sends it), for `warnings`.",
    }
    for name in PREVIEW_FIELDS
}
