"""An article as its page and the API show it: sanitised HTML, metadata, related.

Shared by the HTML page and the JSON API so that both answer the same.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from flask import url_for

from kb.errors import NotFoundError
from kb.records import Article
from webapp import services
from webapp.articles.sanitize import article_html
from webapp.auth.identity import search_groups
from webapp.departments import department_name


@dataclass(frozen=True)
class ArticleView:
    """An article as pages and the API show it."""

    article: Article
    html: str
    department_name: str
    related: list[tuple[str, str]] = field(default_factory=list)  # (id, title)

    @property
    def url(self) -> str:
        return url_for("articles.show", article_id=self.article.id)

    def as_dict(self) -> dict[str, Any]:
        a = self.article

        def iso(value: date | None) -> str | None:
            return value.isoformat() if value else None

        return {
            "id": a.id,
            "title": a.title,
            "department": a.department,
            "department_name": self.department_name,
            "summary": a.summary,
            "owner": a.owner,
            "updated": iso(a.updated),
            "review_by": iso(a.review_by),
            "tags": list(a.tags),
            "lang": a.lang,
            "related": [{"id": rid, "title": title} for rid, title in self.related],
            "url": self.url,
            "html": self.html,
        }


def article_view(article_id: str) -> ArticleView:
    """The published article `article_id`; NotFoundError when there is none."""
    engine = services.engine()
    groups = search_groups()
    article = engine.article(article_id)
    # Unknown and not visible answer alike, so restricted articles stay unseen.
    if article is None or not article.visible_to(groups):
        raise NotFoundError(
            f"no published article {article_id!r}; article ids look like 'hr/sick-leave.md'",
            details={"id": article_id},
        )
    related = []
    for rid in article.related:
        other = engine.article(rid)
        if other is not None and other.visible_to(groups):
            related.append((other.id, other.title))

    def link(target: str) -> str:
        return url_for("articles.show", article_id=target)

    return ArticleView(
        article=article,
        html=str(article_html(article.body_markdown, article.id, link)),
        department_name=department_name(article.department),
        related=related,
    )
