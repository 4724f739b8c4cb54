"""The published article a reader may see, by id: the one rule of every page,
the JSON API and the links between articles.

Unknown and not visible answer alike (`NotFoundError`), so that restricted
articles stay unseen. An article published in the browser moments ago, which
the index does not hold yet, is read from its stored version.
"""

from __future__ import annotations

import logging

from kb.authoring.published_text import published_version
from kb.errors import KbError, NotFoundError
from kb.records import Article
from webapp import services
from webapp.auth.identity import search_groups

logger = logging.getLogger(__name__)


def visible_article(article_id: str) -> Article:
    """The published article `article_id` if the caller may see it (else NotFoundError).

    Unknown and not visible answer alike, so restricted articles stay unseen."""
    article = services.engine().article(article_id) or _stored(article_id)
    if article is None or not article.visible_to(search_groups()):
        raise NotFoundError(
            f"no published article {article_id!r}; article ids look like 'hr/sick-leave.md'",
            details={"id": article_id},
            key="no_article",
            values={"id": article_id},
        )
    return article


def _stored(article_id: str) -> Article | None:
    """An article published in the browser moments ago, which the index does not
    have yet: its stored text, so its page never answers 404 in between."""
    if not article_id.endswith(".md"):
        return None
    try:
        return published_version(services.authoring(), article_id)
    except KbError as exc:
        logger.warning("articles: stored version of %s not available: %s", article_id, exc.message)
        return None
