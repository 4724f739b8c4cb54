"""Reading the feedback form of an article page (and the API's comment limit)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from webapp.inputs import digits, invalid, too_long

MAX_COMMENT_CHARS = 2000


@dataclass(frozen=True)
class FeedbackForm:
    helpful: bool
    comment: str
    search_id: int | None


def feedback_form(form: Mapping[str, str]) -> FeedbackForm:
    """The article page's feedback form: helpful=yes|no, comment, search_id."""
    vote = form.get("helpful", "")
    if vote not in {"yes", "no"}:
        raise invalid("helpful", f"must be yes or no, got {vote!r}", key="yes_or_no", value=vote)
    comment = (form.get("comment") or "").strip()
    if len(comment) > MAX_COMMENT_CHARS:
        raise too_long("comment", len(comment), MAX_COMMENT_CHARS)
    raw_id = (form.get("search_id") or "").strip()
    search_id = digits(raw_id, "search_id")
    return FeedbackForm(helpful=vote == "yes", comment=comment, search_id=search_id)
