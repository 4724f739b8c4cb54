"""What `kb reviews` reads: the articles due for review under the content root."""

from __future__ import annotations

from datetime import UTC, datetime

from kb.authoring.reviews import ReviewItem, reviews_due
from kb.settings import Settings


def review_items(settings: Settings, today: datetime | None = None) -> list[ReviewItem]:
    """Published articles due for review, read through the scanner `kb validate`
    uses (documents from the extraction cache)."""
    from kb.content.scanner import scan_content

    scan = scan_content(
        settings.content_path,
        max_bytes=settings.max_file_bytes,
        render_seconds=settings.render_seconds,
        documents=settings.document_options,
    )
    day = (today or datetime.now(UTC)).date()
    return reviews_due(scan.articles.values(), day, settings.review_due_days)
