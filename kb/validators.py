"""Checks shared by the domain records and the services.

Records validate their fields in `__post_init__` with the `ensure_*`
helpers, which raise `ValueError` quoting the bad value (a programming or
storage error). Services check what people send with `parse_choice` and
`required_text`, which raise `ValidationError` (HTTP 400) naming the field.
All timestamps are timezone-aware UTC: `utc_now` makes them, `ensure_utc`
refuses naive ones.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import UTC, datetime
from enum import Enum
from typing import Any

from kb.errors import ValidationError

# The largest integer either database stores (SQLite's INTEGER, PostgreSQL's
# BIGINT): no id, page, rank or number of a record may be larger.
MAX_STORED_INT = 2**63 - 1


def normal_name(name: str) -> str:
    """`name` in Unicode's composed form (NFC). A folder named "Büro" on macOS
    holds a decomposed ü (u and a combining diaeresis, NFD), typed on Linux or
    Windows a composed one: both are one department, one article id, one role."""
    return unicodedata.normalize("NFC", name)


def utc_now() -> datetime:
    """The current time as an aware UTC datetime."""
    return datetime.now(UTC)


def ensure_utc(name: str, value: datetime) -> datetime:
    """Return `value` converted to UTC; refuse naive datetimes (their zone is a guess)."""
    if not isinstance(value, datetime):
        raise ValueError(f"{name} must be a datetime, got {value!r}")
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{name} must be timezone-aware (UTC), got naive {value!r}")
    return value.astimezone(UTC)


def ensure_optional_utc(name: str, value: datetime | None) -> datetime | None:
    """Like `ensure_utc`, letting None through."""
    return None if value is None else ensure_utc(name, value)


def ensure_text(name: str, value: str, *, allow_empty: bool = False) -> str:
    """Refuse non-strings and (unless allowed) blank strings."""
    if not isinstance(value, str):
        raise ValueError(f"{name} must be a string, got {value!r}")
    if not allow_empty and not value.strip():
        raise ValueError(f"{name} must not be empty, got {value!r}")
    return value


# Controls that reorder the text after them: "Printer \u202etnegru si siht :ETON"
# shows as "Printer NOTE: this is urgent" in a queue. Embeddings, overrides and
# isolates; the plain marks (LRM, RLM) stay, they only nudge neutral characters.
BIDI_CONTROLS = dict.fromkeys(map(ord, "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"))
# The same characters, found without a lookup per character: most texts (an
# article's sections, read at every snapshot load) hold none and pass unchanged.
BIDI_CONTROL = re.compile("[\u202a-\u202e\u2066-\u2069]")


def without_bidi_controls(text: str) -> str:
    """`text` without the controls that reorder what follows (`BIDI_CONTROLS`)."""
    return text.translate(BIDI_CONTROLS) if BIDI_CONTROL.search(text) else text


def without_bidi_controls_or_names(text: str) -> str:
    """`without_bidi_controls(text)`; a text of those controls alone (and white
    space) as their code points ("U+202E"), so that it stays a text."""
    kept = without_bidi_controls(text)
    return kept if kept.strip() or kept == text else bidi_control_names(text)


def bidi_controls_named(text: str) -> str:
    """`text` with each control that reorders what follows written as its code
    point ("[U+202E]"): for a page that shows a file's text line by line (a
    version's diff), where the control is the change a reviewer must see."""
    if not BIDI_CONTROL.search(text):
        return text
    return BIDI_CONTROL.sub(lambda char: f"[U+{ord(char[0]):04X}]", text)


def bidi_control_names(text: str) -> str:
    """The code points of the controls `text` holds ("U+202E, U+2066"), in the
    order they first appear; "" when none."""
    found = dict.fromkeys(BIDI_CONTROL.findall(text))
    return ", ".join(f"U+{ord(char):04X}" for char in found)


def refuse_reordering_name(value: str, field: str) -> None:
    """A ValidationError naming `field` when `value`, a file's name or id typed
    for one, holds a control that reorders the text after it: the scanner
    refuses such a name (the file would never be published). The value is
    quoted with each control as its code point: echoed as it is,
    "pay\u202efdp.md" would turn the rest of the message around."""
    chars = bidi_control_names(value)
    if chars:
        shown = bidi_controls_named(value)
        raise ValidationError(
            f"{shown!r} holds a control that reorders the text after it ({chars}); "
            "type the name without it",
            details={"field": field, "value": shown},
            key="name_reorders_text",
            values={"value": shown, "chars": chars},
        )


def ensure_unit(name: str, value: float) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0.0 <= value <= 1.0:
        raise ValueError(f"{name} must be a number between 0 and 1, got {value!r}")
    return float(value)


def ensure_positive_int(name: str, value: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= MAX_STORED_INT:
        raise ValueError(f"{name} must be an integer from 1 to {MAX_STORED_INT}, got {value!r}")
    return value


def set_normalised(record: object, name: str, value: object) -> None:
    """Store a normalised value on a frozen record from its `__post_init__`."""
    object.__setattr__(record, name, value)


def ensure_choice(enum: type[Enum], name: str, value: Any) -> Any:
    """`enum(value)`, or ValueError listing the allowed values."""
    try:
        return enum(value)
    except ValueError:
        known = ", ".join(str(m.value) for m in enum)
        raise ValueError(f"{name} must be one of {known}, got {value!r}") from None


def ensure_id(name: str, value: Any, *, optional: bool) -> None:
    if value is None and optional:
        return
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= MAX_STORED_INT:
        raise ValueError(f"{name} must be a positive integer up to {MAX_STORED_INT}, got {value!r}")


def ensure_str_list(name: str, value: Any) -> None:
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        raise ValueError(f"{name} must be a list of non-empty strings, got {value!r}")


def ensure_version(value: Any) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ValueError(f"version must be an integer >= 0, got {value!r}")


# -- input from people -------------------------------------------------------
def parse_choice(enum: Any, name: str, value: Any) -> Any:
    """`enum(value)`, or ValidationError listing the allowed values."""
    try:
        return enum(value)
    except ValueError:
        known = ", ".join(m.value for m in enum)
        raise ValidationError(
            f"{name} must be one of {known}, got {value!r}",
            details={"field": name, "value": value},
            key="not_one_of",
            values={"known": known},
        ) from None


def required_text(name: str, value: str | None) -> str:
    text = (value or "").strip()
    if not text:
        raise ValidationError(f"{name} must not be empty", details={"field": name}, key="missing")
    return text
