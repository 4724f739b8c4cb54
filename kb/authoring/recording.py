"""What every change of an article ends with: its version stored, and the
article handed to the indexer.

A save or a restore (`AuthoringService`), a discarded draft
(`kb.authoring.discarding`), a document's upload (`kb.authoring.documents`)
and a picture (`kb.authoring.pictures`) each record their change so; sharing
it keeps a version's message trimmed, and a failed hand-over logged, alike.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from kb.authoring.records import Action, ArticleVersion
from kb.records import Status

if TYPE_CHECKING:
    from kb.authoring.service import AuthoringService

logger = logging.getLogger(__name__)

# A version's message is a note for the history, not a second text.
MESSAGE_CHARS = 500


def store_version(
    authoring: AuthoringService,
    article_id: str,
    number: int,
    text: str,
    *,
    author: str,
    action: Action,
    status: Status,
    message: str,
    content_hash: str = "",
) -> ArticleVersion:
    """Version `number` of `article_id`, stored now; a `ConflictError` when the
    number was taken meanwhile (another save won) and nothing is stored."""
    version = ArticleVersion(
        article_id=article_id, number=number, text=text, author=author, action=action,
        status=status, message=message.strip()[:MESSAGE_CHARS], ts=authoring.clock(),
        content_hash=content_hash,
    )  # fmt: skip
    return authoring.versions.add_version(version)


def hand_to_indexer(authoring: AuthoringService, article_id: str) -> None:
    """Tell the index worker that `article_id` changed (`on_change`; a failure is
    logged: the change stands and the next run picks it up)."""
    if authoring.on_change is None:
        return
    try:
        authoring.on_change(article_id)
    except Exception:
        logger.exception("authoring: handing %s to the indexer failed", article_id)
