"""The published snapshot's articles as an earlier reading of the content root.

A process that has not read the content root yet (a web worker's first visit
of the content-health page) would render every article: 511 articles took
about 6 s on a loaded machine. The snapshot already holds each indexed
article as `kb index` read it from its file, with the file's size and
modification time then (`indexer.metadata.read_articles`). Handed to
`scan_content(previous=...)`, a Markdown article whose file still has them is
taken over unread, as a later reading takes over an unchanged file: only the
files changed since the last index, the drafts (not indexed), the documents
and the articles with pictures are read.

The articles taken over are those the reading itself would give: the same
file, read by the same parser (`read_article`), sections included. Documents
are read by this first reading (the indexer reads them with the operator's
document settings, the reading with its own), and articles with pictures
too; later readings take both over from it while unchanged.
"""

from __future__ import annotations

import json
import logging
import sqlite3
from pathlib import Path

from indexer import metadata, snapshot
from kb.content.readers import is_document
from kb.content.scanner import ContentScan
from kb.errors import IndexNotFoundError
from kb.records import Article, Section

logger = logging.getLogger(__name__)


def indexed_scan(index_dir: Path, root: Path) -> ContentScan | None:
    """The Markdown articles of the current snapshot of `index_dir` as a scan of
    `root` to take unchanged files from (None: none published, or unreadable)."""
    try:
        path = snapshot.current_path(index_dir) / "meta.db"
    except IndexNotFoundError:
        return None
    try:
        db = metadata.open_readonly(path)
        try:
            articles = read_articles(db)
        finally:
            db.close()
    except sqlite3.Error as exc:  # the reading goes on without it, reading every file
        logger.warning("the articles of snapshot %s could not be read: %s", path.parent, exc)
        return None
    scan = ContentScan(root=root)
    for aid, (article, stamp) in articles.items():
        if stamp and not is_document(aid) and not article.images:
            scan.articles[aid] = article
            scan.stamps[aid] = stamp
    return scan


def read_articles(db: sqlite3.Connection) -> dict[str, tuple[Article, str]]:
    """Article id → (the article as read from its file, with its own sections,
    and "size:mtime" of the file when it was read) of a snapshot's metadata
    database, for every article stored with its sections (none in a snapshot
    written before they were: `indexer.metadata.add_article`)."""
    present = {row[1] for row in db.execute("PRAGMA table_info(articles)")}
    if not {"images", "sections"} <= present:
        return {}
    rows = db.execute(
        f"SELECT {metadata.ARTICLE_COLUMNS}, sections, stat FROM articles"
        " WHERE sections IS NOT NULL"
    )
    return {
        row[0]: (metadata.article_from_row(row, _sections(row[19])), row[20] or "") for row in rows
    }


def _sections(value: str) -> tuple[Section, ...]:
    return tuple(
        Section(tuple(headings), text, page, tuple(breaks), number)
        for headings, text, page, breaks, number in json.loads(value)
    )
