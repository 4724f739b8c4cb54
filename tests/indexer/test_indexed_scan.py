"""A reading of the content root that starts from the published snapshot's
articles gives the content-health page what reading every file gives, and
reads only what the snapshot cannot stand for (`indexer/indexed_scan.py`)."""

from __future__ import annotations

import os
import sqlite3
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from benchmarks.insights_content import build_content
from indexer import metadata, snapshot
from indexer.build import IndexBuilder
from indexer.indexed_scan import indexed_scan, read_articles
from kb.content import scanner
from kb.content.readers import is_document
from kb.content.scanner import ContentScan, scan_content
from kb.insights.content import ArticleFigures, content_health, published_days
from kb.settings import Settings
from tests.conftest import FIXTURES, SAMPLE_CONTENT
from tests.support import HashingEmbedder

TODAY = datetime.now(UTC).date()


def _indexed(tmp_path: Path, extra: int, source: Path = FIXTURES / "content") -> tuple[Path, Path]:
    """The content of `source` and `extra` synthetic articles, files changed on
    many days, indexed (the hashing embedder alone)."""
    root, index = tmp_path / "content", tmp_path / "index"
    build_content(root, extra, days=120, source=source)
    settings = Settings.load(
        {"content_dir": str(root), "index_dir": str(index), "secondary_model": ""}, environ={}
    )
    IndexBuilder(settings, embedder=HashingEmbedder()).run()
    return root, index


def _reading(monkeypatch: pytest.MonkeyPatch, scan: Any) -> tuple[ContentScan, list[str]]:
    """The scan `scan()` returns, and the ids of the files it read."""
    read: list[str] = []
    real = scanner.read_entries

    def recording(root: Path, entries: Any, *args: Any, **kwargs: Any) -> Any:
        entries = list(entries)
        read.extend(e.id for e in entries)
        return real(root, entries, *args, **kwargs)

    monkeypatch.setattr(scanner, "read_entries", recording)
    return scan(), read


def _page_data(scan: ContentScan) -> list[dict[str, Any]]:
    """The page's findings, for every reader and for one who may read only open articles."""
    figures = {
        aid: ArticleFigures(
            shown=3, top_answers=6, answers_then_request=2, helpful=1, not_helpful=5
        )
        for aid in sorted(scan.articles)[::3]
    }
    shown = set(sorted(scan.articles)[::2])
    published_on = published_days(scan.modified)
    return [
        f.as_dict()
        for reader in (None, (frozenset(), frozenset()))
        for f in content_health(
            scan.articles,
            figures,
            shown,
            TODAY,
            review_due_days=14,
            published_on=published_on,
            reader=reader,
        )
    ]


@pytest.mark.parametrize(
    ("source", "extra"),
    [(SAMPLE_CONTENT, 0), (FIXTURES / "content", 120)],
    ids=["sample", "generated"],
)
def test_the_snapshot_s_articles_give_the_page_what_reading_every_file_gives(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, source: Path, extra: int
) -> None:
    root, index = _indexed(tmp_path, extra, source)
    full = scan_content(root)
    seeded, read = _reading(
        monkeypatch, lambda: scan_content(root, previous=indexed_scan(index, root))
    )
    assert list(seeded.articles) == list(full.articles)
    assert seeded.modified == full.modified
    for aid, article in full.articles.items():
        other = seeded.articles[aid]
        assert (other.status, other.department, other.audience, other.review_by) == (
            article.status,
            article.department,
            article.audience,
            article.review_by,
        ), aid
        assert (other.related, other.body_markdown, other.sections) == (
            article.related,
            article.body_markdown,
            article.sections,
        ), aid
    page = _page_data(full)
    assert page == _page_data(seeded)
    assert {"low_helpful", "review_overdue", "not_shown"} <= {f["kind"] for f in page}
    if extra:
        assert {"broken_link", "near_duplicate", "restricted_link"} <= {f["kind"] for f in page}
    # Only what the snapshot does not hold was read: drafts, documents, pictures.
    indexed_markdown = [
        aid
        for aid, a in full.articles.items()
        if a.is_searchable and not is_document(aid) and not a.images
    ]
    assert len(indexed_markdown) > extra
    assert not set(read) & set(indexed_markdown)


def test_a_file_changed_since_the_index_is_read_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root, index = _indexed(tmp_path, 6)
    changed = root / "hr" / "synthetic-0.md"
    changed.write_text(changed.read_text("utf-8") + "\nOne more line.\n", "utf-8")
    later = changed.stat().st_mtime + 5
    os.utime(changed, (later, later))
    seeded, read = _reading(
        monkeypatch, lambda: scan_content(root, previous=indexed_scan(index, root))
    )
    assert "hr/synthetic-0.md" in read
    assert "One more line." in seeded.articles["hr/synthetic-0.md"].body_markdown


def test_without_a_snapshot_or_its_sections_every_file_is_read(tmp_path: Path) -> None:
    root, index = _indexed(tmp_path, 0)
    assert indexed_scan(tmp_path / "no-index", root) is None
    meta = snapshot.current_path(index) / "meta.db"
    os.chmod(meta, 0o644)
    with sqlite3.connect(meta) as db:  # as a snapshot written before sections were kept
        db.execute("UPDATE articles SET sections = NULL")
    seed = indexed_scan(index, root)
    assert seed is not None and seed.articles == {}
    assert read_articles(metadata.open_readonly(meta)) == {}


def test_the_sections_kept_are_the_article_s_own(tmp_path: Path) -> None:
    root, index = _indexed(tmp_path, 0, SAMPLE_CONTENT)
    db = metadata.open_readonly(snapshot.current_path(index) / "meta.db")
    try:
        stored = read_articles(db)
    finally:
        db.close()
    full = scan_content(root)
    documents = [aid for aid in stored if is_document(aid)]
    assert documents  # documents keep theirs too (pages, numbers)
    for aid, (article, stamp) in stored.items():
        assert article.sections == full.articles[aid].sections, aid
        assert stamp
