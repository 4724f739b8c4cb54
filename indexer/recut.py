"""Passages cut by an older passage cutter, cut again by an incremental run.

The manifest records the version of the cutter that cut a snapshot's passages
(`CUTTER_KEY`; `indexer.chunking.CUTTER_VERSION`, raised whenever the same
article would be cut into other passages). A snapshot that records an older
one, or none (snapshots from before the table-aware cutting: the rows of a
table cut out of a long section ran together on one line), is cut again by
the next plain `kb index`, not only by `kb index --full`: every file is read
again (documents from the extraction cache) and cut, and only the articles
whose passages come out different are written again; their passages that
kept their text keep their vectors too (the embedding cache is keyed by
content hash). The snapshot it publishes records the current version, so the
run after it reads only what changed, as before.
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from indexer import metadata
from indexer.chunking import CUTTER_VERSION, chunk_article
from indexer.plan import Plan
from kb.records import Article, Chunk
from kb.settings import Settings

logger = logging.getLogger(__name__)

CUTTER_KEY = "passage_cutter"
UNRECORDED = 1  # the version of the cutters before the version was recorded


def cut_by(manifest: Mapping[str, Any]) -> int:
    """The version of the cutter that cut a snapshot's passages."""
    return int(manifest.get(CUTTER_KEY, UNRECORDED))


def cut_by_older(manifest: Mapping[str, Any]) -> int | None:
    """The older cutter's version when a snapshot's passages were cut by one, else None."""
    version = cut_by(manifest)
    return version if version != CUTTER_VERSION else None


def _fields(chunk: Chunk | metadata.Passage) -> tuple[object, ...]:
    return (
        chunk.ordinal, chunk.department, chunk.title, chunk.headings, chunk.text, chunk.lang,
        chunk.tags, chunk.audience, chunk.locator,
    )  # fmt: skip


def _cut_alike(db: sqlite3.Connection, article: Article, settings: Settings) -> bool:
    """Whether the current cutter cuts `article` into the passages the snapshot holds."""
    chunks = chunk_article(article, words=settings.chunk_words, overlap=settings.chunk_overlap)
    stored = metadata.article_passages(db, article.id)
    return [_fields(c) for c in chunks] == [_fields(p) for p in stored]


def keep_alike(
    plan: Plan,
    known: Mapping[str, tuple[str, str]],
    previous: Path,
    settings: Settings,
    tick: Callable[[int], None] | None = None,
) -> int:
    """Of a plan that read every file again to cut it again, keep out the
    articles whose file is as indexed (hash and stamp) and whose passages come
    out as the snapshot holds them: they stay as they are. The others stay in
    the plan as updates; returns how many articles are cut anew."""
    db = metadata.open_readonly(previous / "meta.db")
    recut = 0
    try:
        for aid, (article, stat) in sorted(plan.upserts.items()):
            if tick is not None:
                tick(1)
            indexed = known.get(aid)
            if indexed is None or indexed[0] != article.content_hash:
                continue  # new or changed since: added or updated as ever
            alike = _cut_alike(db, article, settings)
            if alike and indexed[1] == stat:
                del plan.upserts[aid]
                plan.removals.discard(aid)
                plan.updated -= 1
                plan.unchanged += 1
            elif not alike:
                recut += 1
    finally:
        db.close()
    return recut
