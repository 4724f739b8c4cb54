"""A persistent cache of extracted documents, keyed by the file's content hash
and the version of the extractor that read it (`extractor_version`).

Like the embedding cache it outlives snapshots: a full rebuild, a renamed
file, a changed sidecar or a copy in another department extracts nothing that
was extracted before. Problems that belong to the file (encrypted, no text,
malformed, zip bomb) are remembered too, so a broken PDF costs one attempt,
not one per run; time-outs and memory failures are retried. What an older
extractor kept, a fixed one does not take: it reads the file again.

A file written before the version was text holds it as an integer (28); the
shared version alone ("28") still finds those rows, as SQLite compares a
number-like text with an integer column as a number.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from kb.extract.base import ExtractionError
from kb.extract.document import ExtractedDocument
from kb.sqlite_wal import enable_wal

_WAIT_SECONDS = 30.0  # for another process writing the file


class ExtractionCache:
    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(path, timeout=_WAIT_SECONDS, check_same_thread=False)
        enable_wal(self._db, _WAIT_SECONDS)
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.execute(
            "CREATE TABLE IF NOT EXISTS extractions ("
            " key TEXT PRIMARY KEY, version TEXT NOT NULL, result TEXT NOT NULL"
            ") WITHOUT ROWID"
        )
        self._db.commit()

    def get(self, key: str, version: str) -> ExtractedDocument | ExtractionError | None:
        """What the extractor of `version` kept for `key`; None: read it (again)."""
        row = self._db.execute(
            "SELECT result FROM extractions WHERE key = ? AND version = ?",
            [key, version],
        ).fetchone()
        if row is None:
            return None
        data = json.loads(row[0])
        if "error" in data:
            return ExtractionError.from_dict(data["error"])
        return ExtractedDocument.from_dict(data["document"])

    def put(self, key: str, version: str, result: ExtractedDocument | ExtractionError) -> None:
        if isinstance(result, ExtractionError):
            if not result.permanent:
                return
            payload = {"error": result.to_dict()}
        else:
            payload = {"document": result.to_dict()}
        with self._db:
            self._db.execute(
                "INSERT OR REPLACE INTO extractions (key, version, result) VALUES (?, ?, ?)",
                [key, version, json.dumps(payload, ensure_ascii=False)],
            )

    def __len__(self) -> int:
        return int(self._db.execute("SELECT COUNT(*) FROM extractions").fetchone()[0])

    def close(self) -> None:
        self._db.close()
