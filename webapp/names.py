"""Department names and article ids as callers type them, in composed form.

Department ids and article ids are kept in Unicode's composed form (NFC,
`kb.validators.normal_name`), whatever form their folders were named in.
An address typed by hand, pasted from a macOS file name, or sent by a script
may hold the decomposed form (NFD: "Bu\\u0308ro" for "Büro"): it named no
queue, no department filter and no article, or was refused as another
department's. Every call therefore reads these names composed (`init_app`):
the URL parts `department` and `article_id`, and the query parameters, form
fields and top-level JSON fields listed in `DEPARTMENT_FIELDS`. Other text
(questions, replies, notes) is left as it was sent.
"""

from __future__ import annotations

import unicodedata
from typing import Any

from flask import Flask, request
from werkzeug.datastructures import ImmutableMultiDict, MultiDict

from kb.validators import normal_name

# Parameters, form fields and JSON fields whose values name a department.
DEPARTMENT_FIELDS = frozenset({"department", "preselected", "suggested"})
# URL parts that name a department or an article (whose id starts with one).
URL_NAMES = frozenset({"department", "article_id"})
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


def _composed(value: Any) -> Any:
    if isinstance(value, str) and not unicodedata.is_normalized("NFC", value):
        return normal_name(value)
    return value


def composed_fields(values: MultiDict[str, str]) -> ImmutableMultiDict[str, str] | None:
    """`values` with its department fields composed; None when none needed it."""
    items = list(values.items(multi=True))
    changed = [(k, _composed(v) if k in DEPARTMENT_FIELDS else v) for k, v in items]
    return None if changed == items else ImmutableMultiDict(changed)


def composed_json(data: Any) -> Any:
    """A JSON body with its top-level department fields composed."""
    if not isinstance(data, dict):
        return data
    return {k: _composed(v) if k in DEPARTMENT_FIELDS else v for k, v in data.items()}


def _compose_url_values(_endpoint: str | None, values: dict[str, Any] | None) -> None:
    if not values:
        return
    for name in URL_NAMES & values.keys():
        values[name] = _composed(values[name])


def _compose_parameters() -> None:
    args = composed_fields(request.args)
    if args is not None:
        request.args = args  # Werkzeug's cached property takes the composed copy
    if request.method != "GET" and request.mimetype in FORM_TYPES:
        form = composed_fields(request.form)
        if form is not None:
            request.form = form


def init_app(app: Flask) -> None:
    app.url_value_preprocessor(_compose_url_values)
    app.before_request(_compose_parameters)
