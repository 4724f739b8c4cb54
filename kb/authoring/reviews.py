"""Review reminders: published articles whose review date has passed or is near.

An article's `review_by` date says when its owner should check it again.
Those past it or within `review_due_days` of it are listed on the content
owner's page and by `kb reviews`; the weekly digest of `kb.insights` (sent
through the outbox to each department's content owners) lists them too, as
its `review_overdue` and `review_due` findings.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from kb.records import Article, Status


@dataclass(frozen=True)
class ReviewItem:
    """A published article whose review date has passed or is near."""

    article_id: str
    title: str
    department: str
    review_by: date
    days_left: int  # negative: overdue by that many days

    @property
    def overdue(self) -> bool:
        return self.days_left < 0

    def as_dict(self) -> dict[str, object]:
        return {
            "id": self.article_id,
            "title": self.title,
            "department": self.department,
            "review_by": self.review_by.isoformat(),
            "days_left": self.days_left,
            "overdue": self.overdue,
        }


def is_overdue(article: Article, today: date) -> bool:
    return article.review_by is not None and article.review_by < today


def reviews_due(articles: Iterable[Article], today: date, within_days: int) -> list[ReviewItem]:
    """Published articles due within `within_days` (or overdue), earliest first."""
    horizon = today + timedelta(days=within_days)
    items = [
        ReviewItem(a.id, a.title, a.department, a.review_by, (a.review_by - today).days)
        for a in articles
        if a.status is Status.PUBLISHED and a.review_by is not None and a.review_by <= horizon
    ]
    return sorted(items, key=lambda i: (i.review_by, i.article_id))
