"""The vectors of each passage's sentence windows, for the answer's quote.

With the setting `answer_quote_by_meaning` the answer's quoted sentence is
chosen by its words and by the search model's reading of each sentence with
its neighbours (`search.quote_choice`). Embedding those windows per search
cost about half a second of CPU per answered search; so the indexer embeds
them once, when a passage enters the index: the same split and windows as
the search (`kb.passage_sentences`), the same model, the passage role.

They live in the snapshot's metadata database (`sentence_vectors`, one row
per passage id), as int8 with a float32 scale per window (each vector's
largest component maps to 127: a window costs the model's dimension plus 4
bytes, 388 with the default model, where float16 took 768; the rounding
moves a cosine by about a thousandth, and the chosen quote on the sample
content's labelled set only at a near tie), and a search reads the one row of its
answer passage. Each row carries a digest of the windows it was embedded
from: a search that cuts the passage otherwise (a later sentence split)
embeds them itself instead. The table is copied with the snapshot; rows of
removed passages are dropped and new passages (an added or changed article,
or a snapshot written before the table) get theirs, each window through the
embedding cache (`CachedEmbedding.embed_windows`, which keeps them in
float16), so an unchanged sentence is never embedded twice. Without the
setting the table is dropped.

A snapshot written before int8 holds float16 rows (no `scales` column): a
search still reads them, and the next index run converts
them in place (`convert`: the same int8 a fresh row from the cache gets; no
window is embedded again).
"""

from __future__ import annotations

import hashlib
import sqlite3
from collections.abc import Callable, Sequence

import numpy as np

from kb.passage_sentences import sentence_windows

SCHEMA = (
    "CREATE TABLE IF NOT EXISTS sentence_vectors"
    " (pid INTEGER PRIMARY KEY, digest BLOB NOT NULL, vectors BLOB NOT NULL, scales BLOB)"
)
# A row's `vectors` are int8 with one float32 scale per window in `scales`;
# rows written before (`scales` NULL) hold float16.
STORED = np.int8
SCALE = np.float32
OLD = np.float16
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
    convert(db)
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
        vectors, count = embed(flat) if flat else (np.zeros((0, 0), dtype=OLD), 0)
        embedded += count
        rows_out, at = [], 0
        for pid, windows in texts.items():
            block, scales = b"", b""
            if pid in many:
                block, scales = encode(vectors[at : at + len(windows)])
                at += len(windows)
            rows_out.append((pid, digest(windows), block, scales))
        db.executemany("INSERT OR REPLACE INTO sentence_vectors VALUES (?, ?, ?, ?)", rows_out)
        if tick is not None:
            tick(len(part))
    return embedded


def drop(db: sqlite3.Connection) -> None:
    """Remove the table (the setting is off: no search reads it)."""
    db.execute("DROP TABLE IF EXISTS sentence_vectors")


def encode(vectors: np.ndarray) -> tuple[bytes, bytes]:
    """Windows' vectors (n, dim) as int8 bytes and their n float32 scales: each
    vector divided by its largest magnitude over 127, rounded."""
    floats = np.asarray(vectors, dtype=np.float32)
    if not floats.size:
        return b"", b""
    scales = np.abs(floats).max(axis=1) / 127.0
    scales[scales == 0] = 1.0  # an all-zero vector stays zero
    quantised = np.clip(np.rint(floats / scales[:, None]), -127, 127).astype(STORED)
    return quantised.tobytes(), scales.astype(SCALE).tobytes()


def decode(block: bytes, scales: bytes | None, n: int) -> np.ndarray | None:
    """The (n, dim) float32 vectors of a row (`scales` None: a float16 row of
    a snapshot written before int8); None where the bytes do not fit n windows."""
    if scales is None:
        old = np.frombuffer(block, dtype=OLD)
        if not old.size or old.size % n:
            return None
        return old.reshape(n, -1).astype(np.float32)
    quantised = np.frombuffer(block, dtype=STORED)
    factors = np.frombuffer(scales, dtype=SCALE)
    if not quantised.size or quantised.size % n or factors.size != n:
        return None
    return quantised.reshape(n, -1).astype(np.float32) * factors[:, None]


def convert(db: sqlite3.Connection) -> int:
    """Turn the float16 rows of a table written before int8 (no `scales`
    column) into int8 ones in place; returns how many rows were converted.
    Nothing is embedded: the int8 of a float16 row is what a fresh row from
    the (float16) embedding cache gets. A row that does not fit its passage's
    windows is dropped (`update` gives the passage a new one)."""
    columns = {r[1] for r in db.execute("PRAGMA table_info(sentence_vectors)")}
    if "scales" in columns:
        return 0  # every row written with the column has its scales
    db.execute("ALTER TABLE sentence_vectors ADD COLUMN scales BLOB")
    old = db.execute(
        "SELECT s.pid, s.vectors, p.text FROM sentence_vectors s JOIN passages p USING (pid)"
    ).fetchall()
    rows, unfit = [], []
    for pid, block, text in old:
        n = len(sentence_windows(text or ""))
        vectors = decode(block, None, n) if block and n else np.zeros((0, 0), np.float32)
        if vectors is None:
            unfit.append((pid,))
            continue
        rows.append((*encode(vectors), pid))
    db.executemany("UPDATE sentence_vectors SET vectors = ?, scales = ? WHERE pid = ?", rows)
    db.executemany("DELETE FROM sentence_vectors WHERE pid = ?", unfit)
    return len(rows)


def load(db: sqlite3.Connection, pid: int, windows: Sequence[str]) -> np.ndarray | None:
    """The stored vectors of passage `pid`'s `windows` (n, dim), float32; None
    where the snapshot has none for it (written without them) or they were
    embedded from other windows. Reads int8 rows and float16 ones alike."""
    try:
        row = db.execute(
            "SELECT digest, vectors, scales FROM sentence_vectors WHERE pid = ?", (pid,)
        ).fetchone()
    except sqlite3.OperationalError:  # no table, or one written before int8
        try:
            old = db.execute(
                "SELECT digest, vectors FROM sentence_vectors WHERE pid = ?", (pid,)
            ).fetchone()
        except sqlite3.OperationalError:  # a snapshot written without the table
            return None
        row = None if old is None else (*old, None)
    if row is None or row[0] != digest(windows) or not windows:
        return None
    return decode(row[1], row[2], len(windows))
