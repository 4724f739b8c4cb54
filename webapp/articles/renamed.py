"""The old address of an article renamed in the browser leads on to the new one.

A rename (`kb.authoring.moving`) records where the article went as the old
id's last version; links in mail, bookmarks and other sites keep working: the
article page of the old id, which search no longer holds, answers with a
redirect to the new id's page (the query string kept, so a click from search
still counts). A chain of renames is followed a few steps; nothing is said
about an article the reader may not read: it answers 404 as any unknown id.
A redirect, not a permanent one: the old name is free for a new article.
A link to the old id in another article (its body's links, which lead to
this address, and its `related:` entries, listed by the new id:
`webapp.articles.presenters`) works the same way for the same readers.
"""

from __future__ import annotations

import logging

from kb.authoring.moving import moved_to
from kb.errors import KbError, NotFoundError
from webapp import services
from webapp.articles.visible import visible_article

logger = logging.getLogger(__name__)

# Renames followed from one old address: beyond that a loop is more likely than a path.
MAX_STEPS = 5


def renamed_ids() -> frozenset[str]:
    """The ids whose newest version is a rename, read in one query: only these
    may be `renamed_to` another, so a text that names 20,000 missing articles
    asks the store once, not once for each."""
    try:
        return frozenset(services.authoring().versions.latest_move_notes())
    except (KbError, TypeError) as exc:  # no store to read renames from: none is known
        logger.warning("articles: renames not available: %s", exc)
        return frozenset()


def renamed_to(article_id: str) -> str | None:
    """The id the article `article_id` was renamed to and the reader may read now;
    None when it was not renamed (or the reader may not read where it went)."""
    try:
        versions = services.authoring().versions
    except (KbError, TypeError) as exc:  # no store to read renames from: none is known
        logger.warning("articles: renames not available: %s", exc)
        return None
    seen = {article_id}
    target = article_id
    for _ in range(MAX_STEPS):
        try:
            target = moved_to(versions, target) or ""
        except KbError as exc:
            logger.warning("articles: rename of %s not read: %s", article_id, exc.message)
            return None
        if not target or target in seen:
            return None
        seen.add(target)
        try:
            visible_article(target)
        except NotFoundError:
            continue  # renamed again since, or not readable: the next step decides
        return target
    return None
