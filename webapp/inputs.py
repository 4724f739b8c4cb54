"""Reading and checking what callers send: JSON bodies and their fields.

Every check fails with `kb.errors.ValidationError` (400) whose message says
which field was wrong, what was sent and what is accepted, and whose details
carry the field name, so API clients can point at it. Each audience reads its
own parameters and forms (`webapp.search.inputs`, `webapp.articles.inputs`,
`webapp.requests.forms`) with these helpers.

Two checks hold for every call (`init_app`), because schema fuzzing found
each answering 500 somewhere: a number in the URL or a form beyond the
databases' 64-bit integers (no id can be that large; SQLite overflows), and a
NUL character in any parameter, form field, URL part or JSON string
(PostgreSQL refuses to store one). Both are 400s naming the field. A form
whose view checks its own fields (`checks_own_form`: the editor) is left to it,
so that it shows the form again with what was typed. JSON strings may also
hold half a UTF-16 surrogate pair (`"\\ud800"`, or its raw bytes, which
Python's parser lets through), which no database can encode: refused the
same way. A query string whose raw bytes are not UTF-8 (an unencoded
`?q=\\xff` in the request line) is a 400 too (`KbRequest`): its undecodable
parameters are set aside before anything reads the query, so the error page
still follows `hl` and the other parameters.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from flask import Flask, Request, current_app, request
from werkzeug.datastructures import MultiDict

from kb.errors import ValidationError
from kb.validators import MAX_STORED_INT
from webapp.names import composed_json

MAX_ID_CHARS = 500
MAX_INT = MAX_STORED_INT  # the databases' BIGINT: no id, rank or count can be larger
V = TypeVar("V", bound=Callable[..., Any])


def invalid(
    field: str, message: str, *, key: str = "", values: dict[str, Any] | None = None, **details: Any
) -> ValidationError:
    """A 400 naming `field`; `key` and `values` give its text for people (`error_<key>`
    in kb/i18n/locales), where the web layer names the field as the form does."""
    return ValidationError(
        f"{field}: {message}", details={"field": field, **details}, key=key, values=values
    )


def too_long(field: str, chars: int, limit: int, **details: Any) -> ValidationError:
    """A 400: `field` has `chars` characters, more than `limit`."""
    return invalid(
        field,
        f"is {chars} characters long; the limit is {limit}",
        key="too_long",
        values={"length": chars, "limit": limit},
        max=limit,
        **details,
    )


def too_large(field: str, limit: int, sent: str = "") -> ValidationError:
    """A 400: `field` is a number beyond `limit` (`sent`: what was sent, shown in English)."""
    got = f", got {sent}" if sent else ""
    return invalid(
        field, f"must be at most {limit}{got}", key="at_most", values={"limit": limit}, max=limit
    )


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
        _refuse_nul(name.encode("utf-8", "backslashreplace").decode()[:100], name, json=True)
        _refuse_nul(name, value, json=True)
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


def _refuse_nul(field: str, value: Any, *, json: bool = False, at: str = "") -> None:
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
            _refuse_nul(field, key, json=json)  # first: `at` quotes the key
            _refuse_nul(field, item, json=json, at=f"{at or field}.{key[:100]}")
    elif isinstance(value, list):
        for index, item in enumerate(value):  # a list of numbers is named as a whole
            inner = f"{at or field}[{index}]" if isinstance(item, dict) else at
            _refuse_nul(field, item, json=json, at=inner)


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


def digits(raw: str | None, field: str) -> int | None:
    """A form or query value of ASCII digits as an int (None when it is not one);
    400 naming `field` when it is beyond `MAX_INT`."""
    text = (raw or "").strip()
    if not (text.isascii() and text.isdigit()):
        return None
    if len(text) > len(str(MAX_INT)) or int(text) > MAX_INT:
        raise too_large(field, MAX_INT, text[:40])
    return int(text)


def _check_url_values(_endpoint: str | None, values: dict[str, Any] | None) -> None:
    for name, value in (values or {}).items():
        if isinstance(value, int) and value > MAX_INT:
            raise too_large(name, MAX_INT)
        _refuse_nul(name, value)


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
        _refuse_nul(name, value)
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
        _refuse_nul(name, value)


def checks_own_form(view: V) -> V:
    """Mark a form's view that calls `refuse_nul_in` itself, so that it can show
    the form again with what was typed rather than a bare error page."""
    view.checks_own_form = True  # type: ignore[attr-defined]
    return view


def init_app(app: Flask) -> None:
    app.request_class = KbRequest
    app.url_value_preprocessor(_check_url_values)
    app.before_request(_check_parameters)


def known(data: Mapping[str, Any], names: tuple[str, ...]) -> None:
    """Refuse a field the endpoint does not take (a misspelt name is not ignored)."""
    unknown = sorted(set(data) - set(names))
    if unknown:
        raise invalid(
            unknown[0],
            f"is not a field of this call; send any of {', '.join(names)}",
            key="unknown_field",
            values={"known": ", ".join(names)},
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
    if value is not None and not isinstance(value, str):
        # Sent, but not as text: "please fill this in" would tell the caller a
        # field they did send was missing.
        raise invalid(
            name,
            f"must be a string, got {_type_name(value)}",
            key="not_text",
            expected="string",
        )
    if not isinstance(value, str) or (required and not value.strip()):
        raise invalid(
            name,
            f"must be a non-empty string, got {_type_name(value)}",
            key="missing",
            expected="string",
        )
    if len(value) > max_chars:
        raise too_long(name, len(value), max_chars)
    return value.strip()


def bool_field(data: Mapping[str, Any], name: str) -> bool:
    value = data.get(name)
    if not isinstance(value, bool):
        raise invalid(
            name,
            f"must be true or false, got {_type_name(value)}",
            key="not_boolean",
            expected="boolean",
        )
    return value


def form_flag(form: Mapping[str, str], name: str) -> bool:
    """A form field's yes (`1`, `true`) or no (left out, empty, `0`, `false`).
    Anything else is refused, never read as no: `internal=True` or `on` meant
    an internal note, which read as no would go to the requester."""
    value = form.get(name, "")
    if value in ("1", "true", "0", "false", ""):
        return value in ("1", "true")
    raise invalid(
        name,
        f"must be 1 or true, 0 or false, got {value[:40]!r}",
        key="form_flag",
        value=value[:40],
    )


def int_field(
    data: Mapping[str, Any],
    name: str,
    *,
    required: bool = True,
    minimum: int | None = None,
    maximum: int = MAX_INT,
) -> int | None:
    value = data.get(name)
    if value is None and not required:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise invalid(
            name,
            f"must be an integer, got {_type_name(value)}",
            key="not_number",
            expected="integer",
        )
    lowest = max(minimum if minimum is not None else -MAX_INT - 1, -MAX_INT - 1)
    if value < lowest:
        raise invalid(
            name,
            f"must be at least {lowest}, got {value}",
            key="at_least",
            values={"limit": lowest},
            min=lowest,
        )
    if value > maximum:
        raise too_large(name, maximum, str(value))
    return value


def int_arg(args: Mapping[str, str], name: str, default: int, low: int, high: int) -> int:
    """Query parameter `name` as a whole number from `low` to `high` (`default` when
    absent or empty); a 400 naming it otherwise."""
    raw = args.get(name)
    if raw is None or raw == "":
        return default
    text = raw.strip()
    negative = text.startswith("-")
    text = text.removeprefix("-")
    # ASCII digits only: Python's int() would also take "١٠", "１０", "+5" and
    # "1_000", which no page sends and a cache or log would not recognise.
    if not (text.isascii() and text.isdigit()):
        raise invalid(
            name,
            f"must be a whole number written with the digits 0-9, got {raw[:40]!r}",
            key="not_number",
            value=raw[:40],
        )
    significant = text.lstrip("0") or "0"
    # Thousands of digits are never converted: a number longer than 40 digits
    # is beyond any range here, and the error names its text instead.
    number = int(significant) if len(significant) <= 40 else None
    if number is not None and negative:
        number = -number
    if number is None or not low <= number <= high:
        raise invalid(
            name,
            f"must be between {low} and {high}, got {raw.strip()[:40]}",
            key="out_of_range",
            values={"low": low, "high": high},
            value=raw.strip()[:40] if number is None else number,
            min=low,
            max=high,
        )
    return number
