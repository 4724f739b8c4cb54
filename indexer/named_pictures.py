"""The pictures each indexed Markdown article names, read from the published snapshot.

Under the four-eyes rule a picture upload is refused when a published article
of its folder already names it (`kb.authoring.picture_names`), and learning
what an article names means rendering it (about 20 ms an article on a loaded
machine). The indexer renders every article anyway: each Markdown article's
row records what its HTML names in its folder, shown or not (`pictures`,
`indexer.metadata`), next to the SHA-256 of the bytes it was read from
(`hash`). The upload check takes a row only while the file on disk still has
those bytes, and renders the others itself.

A snapshot written before the rows recorded them has no such column, or rows
that were copied into a newer snapshot without it (NULL); both answer nothing
for those articles, which are then rendered as before (the next `kb index`
reads every file of such a snapshot again: `PICTURES_NAMED`). No index, or a
snapshot removed while it was read, answers nothing as well.
"""

from __future__ import annotations

import json
import logging
import sqlite3
from collections.abc import Sequence
from pathlib import Path

from indexer import metadata, snapshot
from kb.content.article_images import IndexedPictures
from kb.errors import IndexNotFoundError

logger = logging.getLogger(__name__)

# SQLite's default limit of bound parameters is 999 in older builds.
_PER_QUERY = 500


def indexed_pictures(index_dir: Path, ids: Sequence[str]) -> dict[str, IndexedPictures]:
    """Of the articles `ids`, those the current snapshot of `index_dir` records
    the pictures of, each with the hash of the bytes they were read from
    (see the module); {} without an index or a snapshot that records none."""
    if not ids:
        return {}
    try:
        path = snapshot.current_path(index_dir)
    except IndexNotFoundError:
        return {}
    db = metadata.open_readonly(path / "meta.db")
    try:
        return recorded_pictures(db, ids)
    except sqlite3.Error as exc:  # written before the column, or removed meanwhile
        logger.debug("no pictures recorded in snapshot %s: %s", path.name, exc)
        return {}
    finally:
        db.close()


def recorded_pictures(db: sqlite3.Connection, ids: Sequence[str]) -> dict[str, IndexedPictures]:
    """Of the articles `ids`, those whose row of the metadata database `db`
    records their pictures (sqlite3.Error for a database without the column)."""
    found: dict[str, IndexedPictures] = {}
    wanted = list(dict.fromkeys(ids))
    for start in range(0, len(wanted), _PER_QUERY):
        part = wanted[start : start + _PER_QUERY]
        marks = ",".join("?" * len(part))
        rows = db.execute(
            "SELECT id, hash, pictures FROM articles"
            f" WHERE pictures IS NOT NULL AND id IN ({marks})",
            part,
        )
        for article_id, content_hash, pictures in rows:
            names = json.loads(pictures)
            if content_hash and isinstance(names, list):
                found[article_id] = IndexedPictures(content_hash, tuple(map(str, names)))
    return found
