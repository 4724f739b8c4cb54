"""A persistent cache of passage embeddings, keyed by model and text hash.

It lives beside the snapshots, outlives them, and is shared by incremental runs
and full rebuilds, so an unchanged passage is never embedded twice.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from pathlib import Path

import numpy as np

from kb.sqlite_wal import enable_wal

_WAIT_SECONDS = 30.0  # for another process writing the file


class EmbeddingCache:
    """`model`: the key the vectors are stored under; `dtype`: how they are
    stored (the sentence windows' in float16, `indexer.sentence_vectors`)."""

    def __init__(self, path: Path, model: str, dim: int, dtype: type = np.float32) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.model = model
        self.dim = dim
        self.dtype = dtype
        self._db = sqlite3.connect(path, timeout=_WAIT_SECONDS, check_same_thread=False)
        enable_wal(self._db, _WAIT_SECONDS)
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.execute(
            "CREATE TABLE IF NOT EXISTS embeddings ("
            " model TEXT NOT NULL, hash TEXT NOT NULL, vector BLOB NOT NULL,"
            " PRIMARY KEY (model, hash)) WITHOUT ROWID"
        )
        self._db.commit()

    @staticmethod
    def stored_dim(path: Path, model: str) -> int | None:
        """The length of the vectors `path` holds for `model`, without creating it.

        Lets a build that has no snapshot yet (a cold build stopped half-way)
        reuse what it embedded before loading the model."""
        if not path.is_file():
            return None
        db = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=30)
        try:
            row = db.execute(
                "SELECT length(vector) FROM embeddings WHERE model = ? LIMIT 1", [model]
            ).fetchone()
        except sqlite3.OperationalError:  # an empty file: no table yet
            return None
        finally:
            db.close()
        return int(row[0]) // 4 if row else None

    def get_many(self, hashes: Iterable[str]) -> dict[str, np.ndarray]:
        wanted = list(dict.fromkeys(hashes))
        found: dict[str, np.ndarray] = {}
        for start in range(0, len(wanted), 500):
            part = wanted[start : start + 500]
            marks = ",".join("?" * len(part))
            rows = self._db.execute(
                f"SELECT hash, vector FROM embeddings WHERE model = ? AND hash IN ({marks})",
                [self.model, *part],
            )
            for h, blob in rows:
                vec: np.ndarray = np.frombuffer(blob, dtype=self.dtype)
                if vec.shape[0] == self.dim:
                    found[h] = vec
        return found

    def put_many(self, items: dict[str, np.ndarray]) -> None:
        with self._db:
            self._db.executemany(
                "INSERT OR REPLACE INTO embeddings (model, hash, vector) VALUES (?, ?, ?)",
                [
                    (self.model, h, np.asarray(v, dtype=self.dtype).tobytes())
                    for h, v in items.items()
                ],
            )

    def __len__(self) -> int:
        row = self._db.execute(
            "SELECT COUNT(*) FROM embeddings WHERE model = ?", [self.model]
        ).fetchone()
        return int(row[0])

    def close(self) -> None:
        self._db.close()
