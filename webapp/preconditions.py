"""The `If-Match` header of the APIs that change a stored version (requests,
articles, documents): `*`, or the strong entity tag of the version read (`"3"`,
as our `ETag` headers send it). Empty is a 400 naming the header (never taken
as absent); a weak tag (`W/"3"`) a 412, since RFC 9110 §13.1.1 compares
If-Match strongly and a weak tag never matches.
"""

from __future__ import annotations

from typing import Any

from kb.errors import KbError
from webapp.inputs import MAX_INT, invalid, too_large


class WeakEntityTagError(KbError):
    """A weak entity tag (`W/"3"`) where a version is compared: RFC 9110 §13.1.1
    compares If-Match strongly, so a weak tag never matches (412), and a
    `version` in a body, which stands in for If-Match, is compared the same way."""

    status = 412
    code = "weak_etag"

    @classmethod
    def of(cls, field: str, tag: str) -> WeakEntityTagError:
        shown, header = tag[:40], field == "If-Match"
        compared = "" if header else " as If-Match is"
        return cls(
            f"{field}: {shown} is a weak entity tag, which never matches (RFC 9110 compares "
            f'it strongly{compared}): send the strong ETag you read, such as "3"',
            details={"field": field, "value": shown},
            key="if_match_weak" if header else "version_weak",
            values={"value": shown},
        )


def version_of(value: Any, name: str = "version") -> int | None:
    """A version number from a form field, JSON or an `If-Match` header ("3", "\\"3\\"")."""
    if value is None or value == "":
        return None
    if isinstance(value, int) and not isinstance(value, bool):
        number = value
    else:
        weak = str(value).strip().startswith("W/")
        text = str(value).strip().removeprefix("W/").strip('"')
        if not (text.isascii() and text.isdigit()) or len(text) > len(str(MAX_INT)):
            raise invalid(
                name,
                f"{str(value)[:40]!r} is not a version number; send the version "
                '(or the ETag) you read, such as "3"',
                key="not_version",
                values={"value": str(value)[:40]},
            )
        number = int(text)
        if weak:
            raise WeakEntityTagError.of(name, str(value).strip())
    if number < 1:
        raise invalid(name, "must be at least 1", key="at_least", values={"limit": 1})
    if number > MAX_INT:
        raise too_large(name, MAX_INT)
    return number


def if_match_tag_version(header: str) -> int | None:
    """The version a sent, non-blank `If-Match` names: None for `*`, 412 for a
    weak tag (the ETags we send are strong, `"3"`), else the version of the tag."""
    refuse_weak_if_match(header)
    return None if header.strip() == "*" else version_of(header, "If-Match")


def refuse_weak_if_match(header: str | None) -> None:
    """A 412 for an `If-Match` with a weak entity tag, which never matches."""
    tag = (header or "").strip()
    if tag.startswith("W/"):
        # A malformed tag is a 400, as a strong one; a weak version a 412.
        version_of(tag, "If-Match")


def if_match_version(header: str | None) -> int | None:
    """The version an `If-Match` header names; None without the header or with `*`
    (whichever version is current). A blank header is refused (400): RFC 9110
    allows `*` or entity tags there, and treating it as absent would drop the
    precondition a client meant to send (an unset `If-Match: $ETAG`); a weak tag
    is a 412 (`if_match_tag_version`)."""
    if header is None:
        return None
    refuse_blank_if_match(header)
    return if_match_tag_version(header)


def refuse_blank_if_match(
    header: str | None,
    key: str = "if_match_blank",
    advice: str = 'send the ETag you read (If-Match: "3"), or * for whichever version '
    "is current, or leave the header out",
) -> None:
    """A 400 naming `If-Match` when the header is sent empty (an unset `$ETAG`): never
    taken as absent, which would drop the check the client meant to make."""
    if header is not None and not header.strip():
        raise invalid("If-Match", f"is empty; {advice}", key=key)
