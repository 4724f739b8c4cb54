"""An article as its page and the API show it: sanitised HTML, metadata, related.

Shared by the HTML page and the JSON API so that both answer the same. Who
may see an article is decided in `webapp.articles.visible` (kept importable
from here as `visible_article`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path, PurePosixPath
from typing import Any

from flask import url_for

from kb.authoring.owners import owned_departments
from kb.content.markdown_article import MAX_TAGS
from kb.errors import NotFoundError
from kb.events import SearchEvent
from kb.extract import format_for
from kb.records import Article
from webapp import services
from webapp.articles.body_cache import cached_body_html
from webapp.articles.images import shown_images
from webapp.articles.renamed import renamed_to
from webapp.articles.visible import visible_article
from webapp.auth.identity import current_user, search_groups
from webapp.departments import department_name
from webapp.search.presenters import shown_search
from webapp.search.search_refs import MAX_REF_CHARS

# The `related:` entries a page lists, the first of them in order: each is looked
# up on every view (a renamed one followed in the store), and the list is as long
# as a content owner makes it: 5,000 entries took 4 s a view, for any visitor.
MAX_RELATED = 20
# The tags a page links to, the first of them (`MAX_TAGS`, as many as an article
# publishes): each is a link made on every view, and 40,000 of them took 1 s a
# view (and 2.6 MB of page); an article indexed before the limit may hold more.


@dataclass(frozen=True)
class OpenedFrom:
    """The search an article page was opened from, as its vote form and ask link
    carry it: the logged search (`sid`), or, for one answered before it was
    logged, its signed reference (`sref`) and, for any search not logged, the
    words searched for (`q`), as the results page's vote form carries them."""

    search_id: str = ""
    shown: SearchEvent | None = None
    search_ref: str = ""
    query: str = ""


def opened_from(args: Mapping[str, str], max_query_chars: int) -> OpenedFrom:
    """What the article page's link says of its search; a reference or words too
    long are cut (the cut reference's signature then fails: it links nothing)."""
    search_id = args.get("sid", "")
    if search_id.isascii() and search_id.isdigit():
        return OpenedFrom(search_id=search_id, shown=shown_search(search_id))
    return OpenedFrom(
        search_ref=(args.get("sref") or "").strip()[:MAX_REF_CHARS],
        query=(args.get("q") or "").strip()[:max_query_chars],
    )


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

    @property
    def tags(self) -> tuple[str, ...]:
        """The tags the page links to: the first `MAX_TAGS`, each once."""
        return tuple(dict.fromkeys(self.article.tags))[:MAX_TAGS]

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
            "format": a.source_format,
            "author": str(a.extra.get("author") or "") if a.is_document else "",
            "original_url": url_for("articles.original", article_id=a.id)
            if a.is_document
            else None,
        }


def article_view(article_id: str) -> ArticleView:
    """The published article `article_id`; NotFoundError when there is none."""
    engine = services.engine()
    groups = search_groups()
    article = visible_article(article_id)
    related: dict[str, str] = {}
    for rid in list(dict.fromkeys(article.related))[:MAX_RELATED]:
        other = engine.article(rid)
        if other is None or not other.visible_to(groups):
            # An article renamed since is listed by its new id, as its old address leads there.
            target = renamed_to(rid)
            other = visible_article(target) if target is not None else None
        if other is not None:
            related.setdefault(other.id, other.title)

    def link(target: str) -> str:
        return url_for("articles.show", article_id=target)

    html = str(cached_body_html(article, link, shown_images(article)))
    return ArticleView(
        article=article,
        html=html,
        department_name=department_name(article.department),
        related=list(related.items()),
    )


def edit_url(article: Article) -> str | None:
    """Where the reader changes `article`: the editor, or for a document its
    versions (replace, restore); None unless they may edit the department's
    content (its content owners and admins), as the manage pages decide."""
    user = current_user()
    if user is None or user.must_change_password:
        return None
    if not owned_departments(user, [article.department]):
        return None
    if article.is_document:
        return url_for("manage_document_history.history", article_id=article.id)
    return url_for("manage.edit", article_id=article.id)


@dataclass(frozen=True)
class OriginalFile:
    """A document's original file, as the download answers it."""

    path: Path
    name: str
    media_type: str


def original_file(article_id: str) -> OriginalFile:
    """The original of the visible document `article_id`; NotFoundError otherwise."""
    article = visible_article(article_id)
    fmt = format_for(article.id)
    path = services.engine().original(article)
    if path is None or fmt is None:
        raise NotFoundError(
            f"article {article_id!r} has no original document to download",
            details={"id": article_id},
            key="no_original",
            values={"id": article_id},
        )
    return OriginalFile(path, PurePosixPath(article.id).name, fmt.media_type)
