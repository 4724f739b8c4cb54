"""Reading and checking what callers send: search parameters, JSON bodies, forms.

Every check fails with `kb.errors.ValidationError` (400) whose message says
which field was wrong, what was sent and what is accepted, and whose details
carry the field name, so API clients can point at it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from flask import request
from werkzeug.datastructures import MultiDict

from kb.errors import ValidationError
from kb.results import Query
from kb.settings import Settings

DEFAULT_K = 10
MAX_TAGS = 10
MAX_TAG_CHARS = 100
MAX_COMMENT_CHARS = 2000
MAX_ID_CHARS = 500
MAX_SUGGEST_CHARS = 100


def _invalid(field: str, message: str, **details: Any) -> ValidationError:
    return ValidationError(f"{field}: {message}", details={"field": field, **details})


def _int_arg(args: Mapping[str, str], name: str, default: int, low: int, high: int) -> int:
    raw = args.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise _invalid(name, f"must be a whole number, got {raw!r}", value=raw) from None
    if not low <= value <= high:
        raise _invalid(
            name, f"must be between {low} and {high}, got {value}", value=value, min=low, max=high
        )
    return value


def query_text(args: Mapping[str, str], settings: Settings, *, required: bool) -> str:
    """The `q` parameter, stripped; '' when absent and not required."""
    text = (args.get("q") or "").strip()
    if not text:
        if required:
            raise _invalid("q", "the search text is missing; send ?q=your+question")
        return ""
    limit = settings.max_query_chars
    if len(text) > limit:
        raise _invalid(
            "q",
            f"is {len(text)} characters long; the limit is {limit}",
            length=len(text),
            max=limit,
        )
    return text


@dataclass(frozen=True)
class SearchParams:
    """A checked search request: the query, or None when no text was given."""

    query: Query | None
    text: str
    department: str | None
    tags: tuple[str, ...]
    k: int
    page: int


def search_params(
    args: MultiDict[str, str],
    settings: Settings,
    departments: Iterable[str],
    *,
    required: bool,
) -> SearchParams:
    """Check `q`, `k`, `page`, `department` and the repeatable `tag`."""
    text = query_text(args, settings, required=required)
    k = _int_arg(args, "k", DEFAULT_K, 1, settings.max_k)
    page = _int_arg(args, "page", 1, 1, settings.max_page)
    department = (args.get("department") or "").strip() or None
    if department is not None:
        known = sorted(departments)
        if department not in known:
            raise _invalid(
                "department",
                f"unknown department {department!r}; known: {', '.join(known)}",
                value=department,
                known=known,
            )
    tags = tuple(dict.fromkeys(t.strip() for t in args.getlist("tag") if t.strip()))
    if len(tags) > MAX_TAGS:
        raise _invalid("tag", f"at most {MAX_TAGS} tags, got {len(tags)}", max=MAX_TAGS)
    for tag in tags:
        if len(tag) > MAX_TAG_CHARS:
            raise _invalid(
                "tag",
                f"tags are at most {MAX_TAG_CHARS} characters, got {len(tag)}",
                max=MAX_TAG_CHARS,
            )
    query = None
    if text:
        query = Query(text=text, k=k, page=page, department=department, tags=tags)
    return SearchParams(query=query, text=text, department=department, tags=tags, k=k, page=page)


def suggest_prefix(args: Mapping[str, str]) -> str:
    prefix = (args.get("q") or "").strip()
    if len(prefix) > MAX_SUGGEST_CHARS:
        raise _invalid(
            "q",
            f"is {len(prefix)} characters long; suggestions take at most {MAX_SUGGEST_CHARS}",
            length=len(prefix),
            max=MAX_SUGGEST_CHARS,
        )
    return prefix


# -- JSON bodies ---------------------------------------------------------------


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


def _type_name(value: Any) -> str:
    return "null" if value is None else type(value).__name__


def text_field(
    data: Mapping[str, Any], name: str, *, required: bool = True, max_chars: int = MAX_ID_CHARS
) -> str:
    value = data.get(name)
    if value is None and not required:
        return ""
    if not isinstance(value, str) or (required and not value.strip()):
        raise _invalid(
            name, f"must be a non-empty string, got {_type_name(value)}", expected="string"
        )
    if len(value) > max_chars:
        raise _invalid(
            name, f"is {len(value)} characters long; the limit is {max_chars}", max=max_chars
        )
    return value.strip()


def bool_field(data: Mapping[str, Any], name: str) -> bool:
    value = data.get(name)
    if not isinstance(value, bool):
        raise _invalid(name, f"must be true or false, got {_type_name(value)}", expected="boolean")
    return value


def int_field(
    data: Mapping[str, Any], name: str, *, required: bool = True, minimum: int | None = None
) -> int | None:
    value = data.get(name)
    if value is None and not required:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise _invalid(name, f"must be an integer, got {_type_name(value)}", expected="integer")
    if minimum is not None and value < minimum:
        raise _invalid(name, f"must be at least {minimum}, got {value}", min=minimum)
    return value


# -- HTML forms ----------------------------------------------------------------


@dataclass(frozen=True)
class FeedbackForm:
    helpful: bool
    comment: str
    search_id: int | None


def feedback_form(form: Mapping[str, str]) -> FeedbackForm:
    """The article page's feedback form: helpful=yes|no, comment, search_id."""
    vote = form.get("helpful", "")
    if vote not in {"yes", "no"}:
        raise _invalid("helpful", f"must be yes or no, got {vote!r}", value=vote)
    comment = (form.get("comment") or "").strip()
    if len(comment) > MAX_COMMENT_CHARS:
        raise _invalid(
            "comment",
            f"is {len(comment)} characters long; the limit is {MAX_COMMENT_CHARS}",
            max=MAX_COMMENT_CHARS,
        )
    raw_id = (form.get("search_id") or "").strip()
    search_id = int(raw_id) if raw_id.isdigit() else None
    return FeedbackForm(helpful=vote == "yes", comment=comment, search_id=search_id)
