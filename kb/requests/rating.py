"""Rating an answer: after resolution the requester gives 1 to 5 stars and a comment.

Rating again replaces the stars and the comment; every rating stays in the
history. Insights show the ratings per department (`kb.insights.requests`).
The department hears about it (`request.rated`: its webhook and queue mail).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from kb.accounts.records import User
from kb.errors import PermissionDenied, ValidationError
from kb.notify.topics import Topic
from kb.requests.ledger import Ledger, Step, new_entry
from kb.requests.records import Request

MAX_COMMENT_CHARS = 2000


def checked_rating(score: object, comment: str | None) -> tuple[int, str]:
    """The stars (1-5) and the comment, or a ValidationError naming the field."""
    if isinstance(score, bool) or not isinstance(score, int) or not 1 <= score <= 5:
        raise ValidationError(
            f"rating: give 1 to 5 stars, got {score!r}",
            details={"field": "rating", "value": score},
            key="rating_range",
        )
    text = (comment or "").strip()
    if len(text) > MAX_COMMENT_CHARS:
        raise ValidationError(
            f"comment: is {len(text)} characters long; the limit is {MAX_COMMENT_CHARS}",
            details={"field": "comment", "max": MAX_COMMENT_CHARS},
            key="too_long",
            values={"field": "comment", "length": len(text), "limit": MAX_COMMENT_CHARS},
        )
    return score, text


class RatingWork:
    """Ratings of answered requests."""

    def __init__(self, ledger: Ledger) -> None:
        self.ledger = ledger

    def rate(self, actor: User, request_id: int, score: int, comment: str = "") -> Request:
        """Rate the answer of one's own resolved (or closed) request."""
        stars, text = checked_rating(score, comment)

        def change(request: Request, now: datetime) -> Step:
            if not self.ledger.permissions(actor, request).rate:
                raise PermissionDenied(
                    f"{actor.username} may not rate request {request.id}: only its requester "
                    "may, once it has been answered",
                    details={"request": request.id, "action": "rate"},
                    key="rate_who",
                )
            entry = new_entry(actor, request, now, "rating", text, {"rating": stars})
            rated = replace(request, rating=stars, rating_comment=text, rated_at=now, updated=now)
            return Step(rated, entry, Topic.RATED)

        return self.ledger.save(actor, request_id, change).after
