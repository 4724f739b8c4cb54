"""Review reminders: articles due for review, and the weekly digest to content owners.

An article's `review_by` date says when its owner should check it again.
Published articles past that date or within `review_due_days` of it are
listed on the content owner's page and, once a week, sent to the
department's content owners through the outbox (e-mail where their username
is an address or `mail_domain` is set, and the department's webhook). Which
worker sends the digest is settled by a lease in the store, so of all web
workers on all nodes exactly one sends it each week.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from kb.accounts.records import Role, User
from kb.notify.outbox import OutboxMessage
from kb.records import Article, Department, Status

DIGEST_TOPIC = "content.review_due"
WEEK_SECONDS = 7 * 24 * 3600.0


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


def _text(department: Department, items: Sequence[ReviewItem], link: str) -> str:
    lines = [
        f"Articles of {department.name} to review (review date passed or within the next days):",
        "",
    ]
    for item in items:
        when = (
            f"overdue since {item.review_by:%Y-%m-%d}"
            if item.overdue
            else f"due {item.review_by:%Y-%m-%d}"
        )
        lines.append(f"- {item.title} ({item.article_id}): {when}")
    lines += ["", f"Open your articles: {link}", ""]
    return "\n".join(lines)


def digest_messages(
    departments: Mapping[str, Department],
    items: Sequence[ReviewItem],
    owners: Sequence[User],
    address_of: Callable[[str], str | None],
    now: datetime,
    base_url: str = "",
) -> list[OutboxMessage]:
    """One message per department with due articles, to each of its content owners
    with an address and to its webhook."""
    by_department: dict[str, list[ReviewItem]] = {}
    for item in items:
        by_department.setdefault(item.department, []).append(item)
    messages = []
    for slug, due in sorted(by_department.items()):
        department = departments.get(slug) or Department(slug=slug, name=slug)
        link = f"{base_url}/manage/?department={slug}&due=1"
        payload = {
            "event": DIGEST_TOPIC,
            "department": slug,
            "articles": [i.as_dict() for i in due],
            "subject": f"[{department.name}] {len(due)} article(s) to review",
            "text": _text(department, due, link),
            "lang": "en",
        }
        targets = [
            f"email:{address}"
            for user in owners
            if user.has_role(Role.CONTENT_OWNER, slug) and (address := address_of(user.username))
        ]
        if department.webhook_url:
            targets.append(department.webhook_url)
        for target in dict.fromkeys(targets):
            messages.append(
                OutboxMessage(
                    topic=DIGEST_TOPIC,
                    target=target,
                    payload=payload,
                    created=now,
                    next_attempt_at=now,
                )
            )
    return messages
