"""The vectors of the snapshot's section heading paths, for answer selection.

A passage's heading path ("Access card > Lost or stolen card") names what its
section is about. The answer score (`search.answering`) compares the query's
vector with it, so that a question about a detail prefers the section whose
heading names that detail to the article's overview. Each distinct path is
embedded once, in the model's *query* role: a heading is a short phrase, as
a question is, and on the tune halves of the labelled set and the 18F
development set the query role picked the answering passage for 0.761 of the
English questions against 0.750 for the passage role (docs/search.md).

Heading paths are few and short (the 18F handbook: 798 paths for about
3,000 passages), so they add little to a build. They live in the snapshot's
metadata database (`heading_vectors`, keyed by the path's text), are copied
with it to the next snapshot, filled in for paths that have none (new
sections, or a snapshot written before them) and dropped when no passage
uses them any more. Their vectors are cached by text like the passages'
(`indexer.embedding.cached`, `CachedEmbedding.embed_queries`).
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Iterable, Sequence

import numpy as np

from kb.passage_words import model_heading

SCHEMA = "CREATE TABLE IF NOT EXISTS heading_vectors (path TEXT PRIMARY KEY, vector BLOB NOT NULL)"

# Given heading paths, their query-role vectors (n, dim), unit length.
EmbedQueries = Callable[[list[str]], np.ndarray]


def heading_path(title: str, headings: Sequence[str]) -> str:
    """The text a passage's section is embedded as: "Title > Heading > Subheading",
    as much of it as the models read of a passage (`kb.passage_words.model_heading`)."""
    return model_heading(title, headings)


def _used_paths(db: sqlite3.Connection) -> set[str]:
    rows = db.execute("SELECT DISTINCT title, headings FROM passages")
    return {heading_path(title or "", json.loads(headings or "[]")) for title, headings in rows}


def update(db: sqlite3.Connection, embed: EmbedQueries) -> int:
    """Give every heading path of the snapshot's passages a vector and drop the
    vectors no passage uses; returns how many paths were embedded (or read
    from the cache)."""
    db.execute(SCHEMA)
    used = _used_paths(db)
    stored = {r[0] for r in db.execute("SELECT path FROM heading_vectors")}
    gone = sorted(stored - used)
    db.executemany("DELETE FROM heading_vectors WHERE path = ?", [(p,) for p in gone])
    missing = sorted(used - stored)
    if missing:
        vectors = embed(missing)
        db.executemany(
            "INSERT OR REPLACE INTO heading_vectors (path, vector) VALUES (?, ?)",
            [(p, v.astype(np.float32).tobytes()) for p, v in zip(missing, vectors, strict=True)],
        )
    return len(missing)


def load(db: sqlite3.Connection, paths: Iterable[str]) -> dict[str, np.ndarray]:
    """Heading path → its vector, for those of `paths` that have one (none for a
    snapshot written before them). Read per search rather than held in memory:
    an index of 100,000 passages has about as many paths (1.5 KB each)."""
    wanted = list(dict.fromkeys(paths))
    out: dict[str, np.ndarray] = {}
    try:
        for start in range(0, len(wanted), 500):
            part = wanted[start : start + 500]
            marks = ",".join("?" * len(part))
            rows = db.execute(
                f"SELECT path, vector FROM heading_vectors WHERE path IN ({marks})", part
            )
            out.update((path, np.frombuffer(blob, dtype=np.float32)) for path, blob in rows)
    except sqlite3.OperationalError:
        return {}
    return out
