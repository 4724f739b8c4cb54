"""The weekly review digest as a job: `kb reviews --send` and the web workers of `kb serve`.

`review_items` reads the content root through the scanner `kb validate` uses
(documents from the extraction cache), `send_digest` queues the digest in the
outbox, and `ReviewDigestJob` runs it from a daemon thread in every web
worker, where the store's lease (`InsightsStore.try_lease`) lets one worker
of all nodes send it once a week.
"""

from __future__ import annotations

import logging
import threading
from datetime import UTC, datetime

from kb.authoring.reviews import WEEK_SECONDS, ReviewItem, digest_messages, reviews_due
from kb.settings import Settings

logger = logging.getLogger(__name__)

CHECK_SECONDS = 3600.0


def review_items(settings: Settings, today: datetime | None = None) -> list[ReviewItem]:
    from kb.content.scanner import scan_content

    scan = scan_content(
        settings.content_path,
        max_bytes=settings.max_file_bytes,
        documents=settings.document_options,
    )
    day = (today or datetime.now(UTC)).date()
    return reviews_due(scan.articles.values(), day, settings.review_due_days)


def send_digest(settings: Settings, store: object, now: datetime | None = None) -> int:
    """Queue this week's digest for every department with due articles; returns
    the number of messages queued."""
    from kb.content.scanner import load_departments
    from kb.notify.config import NotifyConfig

    now = now or datetime.now(UTC)
    departments = load_departments(settings.content_path)
    items = review_items(settings, now)
    config = NotifyConfig.from_settings(settings, departments)
    messages = digest_messages(
        departments,
        items,
        store.list_users(),  # type: ignore[attr-defined]
        lambda name: config.requester_address(name) if config.mail_enabled else None,
        now,
    )
    for message in messages:
        store.enqueue(message)  # type: ignore[attr-defined]
    logger.info("review digest: %d due article(s), %d message(s)", len(items), len(messages))
    return len(messages)


class ReviewDigestJob:
    """Checks hourly whether this week's digest is due here (one worker sends it)."""

    def __init__(self, settings: Settings, store: object) -> None:
        self.settings = settings
        self.store = store

    def run_once(self, now: datetime | None = None) -> bool:
        from kb.insights.store import insights_store

        now = now or datetime.now(UTC)
        if not insights_store(self.store).try_lease("review-digest", now, WEEK_SECONDS):
            return False
        send_digest(self.settings, self.store, now)
        return True

    def start(self) -> threading.Event:
        stop = threading.Event()

        def loop() -> None:
            while not stop.is_set():
                try:
                    self.run_once()
                except Exception:
                    logger.exception("review digest: the weekly job failed")
                stop.wait(CHECK_SECONDS)

        threading.Thread(target=loop, name="kb-review-digest", daemon=True).start()
        return stop
