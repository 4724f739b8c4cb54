"""What pages and the API show, assembled from the engine's records.

Views stay thin: they parse input, call one function here or in
`webapp.event_log`, and render. Everything shared by the HTML pages and the JSON
API (an article with its sanitised HTML and related articles, suggestions,
department names) lives here so both answer the same.
"""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from flask import url_for

from kb.content.departments import default_name
from kb.errors import NotFoundError
from kb.records import Article, Department
from kb.results import SearchResponse
from webapp import services
from webapp.i18n import gettext
from webapp.identity import search_groups
from webapp.sanitize import article_html

logger = logging.getLogger(__name__)

TONES = 8  # department badge colour classes in kb.css: tone-0 … tone-7
SUGGEST_LIMIT = 8


def department_name(slug: str) -> str:
    """The display name of a department (also for folders without a file)."""
    if not slug:
        return ""
    department = services.departments().get(slug)
    if department is not None:
        return department.name
    if slug == services.services().settings.triage_department:
        return gettext("triage_name")
    return default_name(slug)


def department_tone(slug: str) -> int:
    """A stable badge colour per department: its place in the sorted list."""
    slugs = sorted(services.departments())
    return slugs.index(slug) % TONES if slug in slugs else TONES - 1


def department_of(slug: str) -> Department:
    """The department `slug`, or a stand-in with its default name."""
    department = services.departments().get(slug)
    return department or Department(slug=slug, name=department_name(slug))


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


def suggestions(prefix: str, limit: int = SUGGEST_LIMIT) -> list[dict[str, str]]:
    """Article titles and popular earlier searches that start like `prefix`."""
    if not prefix:
        return []
    titles = services.engine().suggest(prefix, limit, groups=search_groups())
    try:
        queries = services.store().popular_queries(prefix, limit)
    except Exception:
        logger.exception("popular queries unavailable; suggesting titles only")
        queries = []
    # Half each when both have enough, the rest filled from whichever has more.
    share = max(limit // 2, limit - len(queries))
    picked = [("title", t) for t in titles[:share]]
    picked += [("query", q) for q in queries[: limit - len(picked)]]
    seen: set[str] = set()
    out = []
    for kind, text in picked:
        key = text.casefold()
        if key not in seen:
            seen.add(key)
            out.append({"text": text, "kind": kind})
    return out


@dataclass(frozen=True)
class Pager:
    """Page links of a result list."""

    page: int
    pages: int

    @classmethod
    def of(cls, response: SearchResponse, k: int, max_page: int) -> Pager:
        pages = min(max_page, max(1, math.ceil(response.total / k))) if response.total else 1
        return cls(page=response.page, pages=pages)

    @property
    def window(self) -> list[int]:
        low = max(1, self.page - 2)
        high = min(self.pages, low + 4)
        low = max(1, high - 4)
        return list(range(low, high + 1))


def tag_facets(response: SearchResponse, selected: tuple[str, ...], limit: int = 12) -> list[str]:
    """Tags to filter by: those chosen, then the most common among the results."""
    counts: dict[str, int] = {}
    for hit in response.results:
        for tag in hit.tags:
            counts[tag] = counts.get(tag, 0) + 1
    common = sorted(counts, key=lambda t: (-counts[t], t.casefold()))
    return list(dict.fromkeys([*selected, *common]))[: max(limit, len(selected))]


def answer_rank(response: SearchResponse, k: int) -> int:
    """The 1-based rank of the answer's article in the results (1 when absent)."""
    if response.answer is None:
        return 1
    offset = (response.page - 1) * k
    for i, hit in enumerate(response.results, start=1):
        if hit.id == response.answer.id:
            return offset + i
    return 1
