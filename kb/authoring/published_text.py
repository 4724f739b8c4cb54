"""An article published in the browser moments ago, read from its stored
version while the index does not hold it yet, so its page never answers 404
in between."""

from __future__ import annotations

from kb.authoring import files
from kb.authoring.markdown_file import check_text
from kb.authoring.service import AuthoringService
from kb.errors import KbError
from kb.records import Article, Status


def published_version(authoring: AuthoringService, article_id: str) -> Article | None:
    """The newest stored version of a published article, as an `Article`, for
    the article page while the index lags, and only while the file holds it."""
    latest = authoring.versions.latest(article_id)
    if latest is None or latest.status is not Status.PUBLISHED:
        return None
    if not files.holds(authoring.root, article_id, latest.content_hash, authoring.max_bytes):
        return None  # deleted, retired or restricted on disk since: the file decides
    try:
        article, _ = check_text(
            latest.text, article_id, authoring.max_bytes, authoring.render_seconds
        )
    except KbError:
        return None
    return article
