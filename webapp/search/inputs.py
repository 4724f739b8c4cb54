"""Reading and checking search parameters: `q`, `k`, `page`, `department`, `tag`.

Every check fails with `kb.errors.ValidationError` (400) naming the field,
what was sent and what is accepted (see `webapp.inputs`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from werkzeug.datastructures import MultiDict

from kb.results import Query
from kb.settings import Settings
from webapp.inputs import int_arg, invalid, too_long

DEFAULT_K = 10

MAX_TAGS = 10

MAX_TAG_CHARS = 100

MAX_SUGGEST_CHARS = 100


def query_text(args: Mapping[str, str], settings: Settings, *, required: bool) -> str:
    """The `q` parameter, stripped; '' when absent and not required."""
    text = (args.get("q") or "").strip()
    if not text:
        if required:
            raise invalid(
                "q", "the search text is missing; send ?q=your+question", key="search_empty"
            )
        return ""
    limit = settings.max_query_chars
    if len(text) > limit:
        raise too_long("q", len(text), limit, length=len(text))
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
    k = int_arg(args, "k", DEFAULT_K, 1, settings.max_k)
    page = int_arg(args, "page", 1, 1, settings.max_page)
    department = (args.get("department") or "").strip() or None
    if department is not None:
        known = sorted(departments)
        if department not in known:
            raise invalid(
                "department",
                f"unknown department {department!r}; known: {', '.join(known)}",
                key="not_one_of",
                values={"known": ", ".join(known)},
                value=department,
                known=known,
            )
    tags = tuple(dict.fromkeys(t.strip() for t in args.getlist("tag") if t.strip()))
    if len(tags) > MAX_TAGS:
        raise invalid(
            "tag",
            f"at most {MAX_TAGS} tags, got {len(tags)}",
            key="too_many_tags",
            values={"count": len(tags), "limit": MAX_TAGS},
            max=MAX_TAGS,
        )
    for tag in tags:
        if len(tag) > MAX_TAG_CHARS:
            raise too_long("tag", len(tag), MAX_TAG_CHARS)
    query = None
    if text:
        query = Query(text=text, k=k, page=page, department=department, tags=tags)
    return SearchParams(query=query, text=text, department=department, tags=tags, k=k, page=page)


def suggest_prefix(args: Mapping[str, str]) -> str:
    prefix = (args.get("q") or "").strip()
    if len(prefix) > MAX_SUGGEST_CHARS:
        raise too_long("q", len(prefix), MAX_SUGGEST_CHARS, length=len(prefix))
    return prefix
