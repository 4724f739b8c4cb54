"""What an edit can run into: a newer version saved meanwhile, or the
four-eyes rule (both raised by `kb.authoring.service`)."""

from __future__ import annotations

from kb.authoring.records import ArticleVersion
from kb.errors import ConflictError, KbError


class StaleEditError(KbError):
    """An edit based on an older version than the current one; nothing was written.

    Carries the current version and the text that was sent, so the editor can
    show both side by side and the writer loses nothing."""

    status = 412
    code = "stale_edit"

    def __init__(self, article_id: str, base: int | None, current: ArticleVersion, yours: str):
        super().__init__(
            f"{article_id} changed since you opened it: your edit is based on version "
            f"{base}, the current version is {current.number} ({current.author or 'on disk'}, "
            f"{current.ts:%Y-%m-%d %H:%M} UTC). Nothing was saved; compare both texts, "
            "merge your change into the current version and save again",
            details={"id": article_id, "your_version": base, "current_version": current.number},
        )
        self.current = current
        self.yours = yours


class ReviewRequiredError(ConflictError):
    """The department's four-eyes rule refuses this publication."""

    code = "review_required"
