"""Reading the feedback form of an article page (and the API's comment limit)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from webapp.inputs import digits, invalid, too_long
from webapp.search.search_refs import MAX_REF_CHARS

MAX_COMMENT_CHARS = 2000


@dataclass(frozen=True)
class FeedbackForm:
    helpful: bool
    comment: str
    search_id: int | None
    search_ref: str = ""  # a search answered before it was logged
    query: str = ""  # the words searched for, kept when no search is linked


def feedback_form(form: Mapping[str, str], max_query_chars: int) -> FeedbackForm:
    """A vote's form (the answer card, an article page): helpful=yes|no, comment,
    search_id, or search_ref and query for a search answered before it was logged."""
    vote = form.get("helpful", "")
    if vote not in {"yes", "no"}:
        raise invalid("helpful", f"must be yes or no, got {vote!r}", key="yes_or_no", value=vote)
    comment = (form.get("comment") or "").strip()
    if len(comment) > MAX_COMMENT_CHARS:
        raise too_long("comment", len(comment), MAX_COMMENT_CHARS)
    raw_id = (form.get("search_id") or "").strip()
    search_id = digits(raw_id, "search_id")
    query = (form.get("query") or "").strip()
    if len(query) > max_query_chars:
        raise too_long("query", len(query), max_query_chars)
    return FeedbackForm(
        helpful=vote == "yes",
        comment=comment,
        search_id=search_id,
        # A reference that is cut is one whose signature fails: it links nothing.
        search_ref=(form.get("search_ref") or "").strip()[:MAX_REF_CHARS],
        query=query,
    )
