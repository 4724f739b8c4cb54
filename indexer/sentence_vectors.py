"""The vectors of each passage's sentence windows, for the answer's quote.

With the setting `answer_quote_by_meaning` the answer's quoted sentence is
chosen by its words and by the search model's reading of each sentence with
its neighbours (`search.quote_choice`). Embedding those windows per search
cost about half a second of CPU per answered search; so the indexer embeds
them once, when a passage enters the index: the same split and windows as
the search (`kb.passage_sentences`), the same model, the passage role.

They live in the snapshot's metadata database (`sentence_vectors`, one row
per passage id), as float16 (a cosine's ranking among one passage's
sentences does not need more; 768 bytes a window with the default model),
and a search reads the one row of its answer passage. Each row carries a
digest of the windows it was embedded from: a search that cuts the passage
otherwise (a later sentence split) embeds them itself instead. The table is
copied with the snapshot; rows of removed passages are dropped and new
passages (an added or changed article, or a snapshot written before the
table) get theirs, each window through the embedding cache
(`CachedEmbedding.embed_windows`), so an unchanged sentence is never
embedded twice. Without the setting the table is dropped.
"""

from __future__ import annotations

import hashlib
import sqlite3
from collections.abc import Callable, Sequence

import numpy as np

from kb.passage_sentences import sentence_windows

SCHEMA = (
    "CREATE TABLE IF NOT EXISTS sentence_vectors"
    " (pid INTEGER PRIMARY KEY, digest BLOB NOT NULL, vectors BLOB NOT NULL)"
)
STORED = np.float16
PASS = 500  # passages embedded per pass (their windows held in memory together)

# Given window texts, their passage-role vectors (n, dim) and how many were embedded.
EmbedWindows = Callable[[list[str]], tuple[np.ndarray, int]]
# Given how many passages need vectors, the tick of a progress bar (or None).
Stage = Callable[[int], Callable[[int], None] | None]


def digest(windows: Sequence[str]) -> bytes:
    """What identifies the windows a row was embedded from."""
    return hashlib.sha256("\0".join(windows).encode("utf-8")).digest()[:8]


def update(db: sqlite3.Connection, embed: EmbedWindows, stage: Stage | None = None) -> int:
    """Give every passage of the snapshot its sentence windows' vectors and drop
    the rows of passages gone; returns how many windows were embedded (those
    the cache lacked). A passage of one sentence gets an empty row: its quote
    has nothing to choose between."""
    db.execute(SCHEMA)
    pids = {r[0] for r in db.execute("SELECT pid FROM passages")}
    stored = {r[0] for r in db.execute("SELECT pid FROM sentence_vectors")}
    db.executemany("DELETE FROM sentence_vectors WHERE pid = ?", [(p,) for p in stored - pids])
    missing = sorted(pids - stored)
    tick = stage(len(missing)) if stage is not None and missing else None
    embedded = 0
    for start in range(0, len(missing), PASS):
        part = missing[start : start + PASS]
        marks = ",".join("?" * len(part))
        rows = db.execute(f"SELECT pid, text FROM passages WHERE pid IN ({marks})", part)
        texts = {pid: sentence_windows(text or "") for pid, text in rows}
        many = {pid: w for pid, w in texts.items() if len(w) > 1}
        flat = [window for w in many.values() for window in w]
        vectors, count = embed(flat) if flat else (np.zeros((0, 0), dtype=STORED), 0)
        embedded += count
        rows_out, at = [], 0
        for pid, windows in texts.items():
            block = b""
            if pid in many:
                block = np.asarray(vectors[at : at + len(windows)], dtype=STORED).tobytes()
                at += len(windows)
            rows_out.append((pid, digest(windows), block))
        db.executemany("INSERT OR REPLACE INTO sentence_vectors VALUES (?, ?, ?)", rows_out)
        if tick is not None:
            tick(len(part))
    return embedded


def drop(db: sqlite3.Connection) -> None:
    """Remove the table (the setting is off: no search reads it)."""
    db.execute("DROP TABLE IF EXISTS sentence_vectors")


def load(db: sqlite3.Connection, pid: int, windows: Sequence[str]) -> np.ndarray | None:
    """The stored vectors of passage `pid`'s `windows` (n, dim), float16; None
    where the snapshot has none for it (written without them) or they were
    embedded from other windows."""
    try:
        row = db.execute(
            "SELECT digest, vectors FROM sentence_vectors WHERE pid = ?", (pid,)
        ).fetchone()
    except sqlite3.OperationalError:  # a snapshot written without the table
        return None
    if row is None or row[0] != digest(windows) or not windows:
        return None
    vectors = np.frombuffer(row[1], dtype=STORED)
    if not vectors.size or vectors.size % len(windows):
        return None
    return vectors.reshape(len(windows), -1)
