"""Reading and checking what callers send: the fields of JSON bodies, forms
and query strings.

Every check fails with `kb.errors.ValidationError` (400) whose message says
which field was wrong, what was sent and what is accepted, and whose details
carry the field name, so API clients can point at it (`invalid`). Each
audience reads its own parameters and forms (`webapp.search.inputs`,
`webapp.articles.inputs`, `webapp.requests.forms`) with these helpers; the
body itself is read by `webapp.json_body`, and what every call is checked
for before any view by `webapp.request_checks`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from kb.errors import ValidationError
from kb.validators import MAX_STORED_INT

MAX_ID_CHARS = 500
MAX_INT = MAX_STORED_INT  # the databases' BIGINT: no id, rank or count can be larger


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


def digits(raw: str | None, field: str) -> int | None:
    """A form or query value of ASCII digits as an int (None when it is not one);
    400 naming `field` when it is beyond `MAX_INT`."""
    text = (raw or "").strip()
    if not (text.isascii() and text.isdigit()):
        return None
    if len(text) > len(str(MAX_INT)) or int(text) > MAX_INT:
        raise too_large(field, MAX_INT, text[:40])
    return int(text)


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
