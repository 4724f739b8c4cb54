"""What every call is checked for before any view: values no database can hold.

Two checks hold for every call (`init_app`), because schema fuzzing found
each answering 500 somewhere: a number in the URL or a form beyond the
databases' 64-bit integers (no id can be that large; SQLite overflows), and a
NUL character in any parameter, form field, URL part or JSON string
(PostgreSQL refuses to store one). Both are 400s naming the field. A form
whose view checks its own fields (`checks_own_form`: the editor) is left to it,
so that it shows the form again with what was typed. JSON strings may also
hold half a UTF-16 surrogate pair (`"\\ud800"`, or its raw bytes, which
Python's parser lets through), which no database can encode: refused the
same way (`webapp.json_body`). A query string whose raw bytes are not UTF-8
(an unencoded `?q=\\xff` in the request line) is a 400 too (`KbRequest`): its
undecodable parameters are set aside before anything reads the query, so the
error page still follows `hl` and the other parameters.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any, TypeVar

from flask import Flask, Request, current_app, request
from werkzeug.datastructures import MultiDict

from webapp.inputs import MAX_INT, int_field, invalid, too_large
from webapp.names import composed_json

V = TypeVar("V", bound=Callable[..., Any])


def refuse_nul(field: str, value: Any, *, json: bool = False, at: str = "") -> None:
    """A NUL character anywhere in `value` (strings, nested lists and objects), and
    with `json` a lone surrogate (URLs and forms are decoded without them), NaN or
    Infinity, which Python's parser takes but JSON does not know (an error quoting
    one would answer a body no strict JSON parser reads), or an integer beyond 64
    bits, which no field takes (nor `float`; named by its path `at`, as views do)."""
    if isinstance(value, float) and not math.isfinite(value):
        raise invalid(
            field, "is NaN or Infinity, which JSON does not know; send a number", key="not_finite"
        )
    if isinstance(value, int) and not -MAX_INT - 1 <= value <= MAX_INT:  # `int_field`'s 400
        int_field({at or field: value}, at or field)
    if isinstance(value, str):
        if "\x00" in value:
            raise invalid(
                field, "contains a NUL character (\\u0000); remove it", key="nul", reason="nul"
            )
        if json and not value.isascii():
            _refuse_surrogate(field, value)
    elif isinstance(value, dict):
        for key, item in value.items():
            refuse_nul(field, key, json=json)  # first: `at` quotes the key
            refuse_nul(field, item, json=json, at=f"{at or field}.{key[:100]}")
    elif isinstance(value, list):
        for index, item in enumerate(value):  # a list of numbers is named as a whole
            inner = f"{at or field}[{index}]" if isinstance(item, dict) else at
            refuse_nul(field, item, json=json, at=inner)


def _refuse_surrogate(field: str, value: str) -> None:
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise invalid(
            field,
            "contains half of a UTF-16 surrogate pair (\\ud800 to \\udfff); send whole characters",
            key="surrogate",
            reason="surrogate",
        ) from None


def _check_url_values(_endpoint: str | None, values: dict[str, Any] | None) -> None:
    for name, value in (values or {}).items():
        if isinstance(value, int) and value > MAX_INT:
            raise too_large(name, MAX_INT)
        refuse_nul(name, value)


class KbRequest(Request):
    """A request whose query string is UTF-8: parameters whose raw bytes are not
    are left out (`undecodable` names them), where Werkzeug would fail to decode
    the whole query (and the error page too, choosing its language)."""

    undecodable: list[str]

    def __init__(self, environ: Any, *args: Any, **kwargs: Any) -> None:
        super().__init__(environ, *args, **kwargs)
        self.undecodable = []
        try:
            self.query_string.decode("utf-8")
        except UnicodeDecodeError:
            kept = []
            for part in self.query_string.split(b"&"):
                try:
                    part.decode("utf-8")
                except UnicodeDecodeError:
                    name = part.partition(b"=")[0].decode("utf-8", "replace")
                    self.undecodable.append(name)
                else:
                    kept.append(part)
            self.query_string = b"&".join(kept)

    def get_json(self, force: bool = False, silent: bool = False, cache: bool = True) -> Any:
        """The JSON body, its department fields in composed form (`webapp.names`)."""
        return composed_json(super().get_json(force=force, silent=silent, cache=cache))


def _check_parameters() -> None:
    undecodable = getattr(request, "undecodable", [])
    if undecodable:
        raise invalid(
            undecodable[0],
            "is not UTF-8 text; percent-encode the parameter's UTF-8 bytes (%C3%BC for ü)",
            key="not_utf8",
            reason="not_utf8",
        )
    for name, value in request.args.items(multi=True):
        refuse_nul(name, value)
    view = current_app.view_functions.get(request.endpoint or "")
    if getattr(view, "checks_own_form", False):
        return
    if request.method != "GET" and request.mimetype in (
        "application/x-www-form-urlencoded",
        "multipart/form-data",
    ):
        refuse_nul_in(request.form)


def refuse_nul_in(form: MultiDict[str, str]) -> None:
    """A 400 naming the first form field with a NUL character."""
    for name, value in form.items(multi=True):
        refuse_nul(name, value)


def checks_own_form(view: V) -> V:
    """Mark a form's view that calls `refuse_nul_in` itself, so that it can show
    the form again with what was typed rather than a bare error page."""
    view.checks_own_form = True  # type: ignore[attr-defined]
    return view


def init_app(app: Flask) -> None:
    app.request_class = KbRequest
    app.url_value_preprocessor(_check_url_values)
    app.before_request(_check_parameters)
