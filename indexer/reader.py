"""Reading the published snapshot, and following it as the indexer publishes.

`SnapshotReader.get()` costs one `stat` of the CURRENT pointer per call; when
the indexer has switched it, the new snapshot is opened and swapped in under a
lock, while searches already running finish on the old one. Processes that
serve searches therefore pick up new content without restarting.
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from whoosh.index import Index

from indexer import heading_vectors, keyword_index, metadata, sentence_vectors, snapshot
from indexer.german_spelling import KEYWORD_ANALYSIS, analysed_by_older
from indexer.metadata import Owner, Passage
from indexer.secondary import KIND_KEY, MODEL_KEY, SECONDARY_VECTORS
from indexer.vector_index import VectorIndex, load_vector_index
from kb.errors import ModelMismatchError
from kb.records import Article, Department

logger = logging.getLogger(__name__)

# How often a snapshot that the garbage collector removed while it was being
# opened (or prepared for search) gives way to the one published after it.
VANISHED_TRIES = 3


@dataclass
class Snapshot:
    """One opened, immutable snapshot."""

    path: Path
    manifest: dict[str, Any]
    keyword: Index
    vectors: VectorIndex
    _db: Any = field(repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    _departments: dict[str, Department] | None = None
    _titles: dict[str, tuple[str, str]] | None = None
    _owners: dict[int, Owner] | None = None
    _langs: dict[str, str] | None = None
    _title_vectors: dict[str, np.ndarray] | None = None
    # The second model's vectors (indexer.secondary), None when not stored.
    secondary: VectorIndex | None = None

    @classmethod
    def open(cls, path: Path) -> Snapshot:
        manifest = snapshot.read_manifest(path)
        kind = manifest.get(KIND_KEY)
        older = analysed_by_older(manifest)
        if older is not None:
            # Served as built (its schema analyses queries as it indexed);
            # the next `kb index` builds it again in full (`indexer.build`).
            logger.warning(
                "snapshot %s was indexed by an older keyword analysis (version %d, now %d): "
                "German words spelled without umlauts ('Ueberweisung') do not find those "
                "with them until `kb index` has built it again",
                path.name,
                older,
                KEYWORD_ANALYSIS,
            )
        return cls(
            path=path,
            manifest=manifest,
            keyword=keyword_index.open_index(path / "keyword"),
            vectors=load_vector_index(path / "vectors.faiss", manifest["vector_kind"]),
            _db=metadata.open_readonly(path / "meta.db"),
            secondary=load_vector_index(path / SECONDARY_VECTORS, kind) if kind else None,
        )

    @property
    def name(self) -> str:
        return self.path.name

    @property
    def model(self) -> str:
        return str(self.manifest["model"])

    @property
    def secondary_model(self) -> str | None:
        """The second model whose vectors the snapshot holds (None: none)."""
        return self.manifest.get(MODEL_KEY) if self.secondary is not None else None

    @property
    def languages(self) -> list[str]:
        return list(self.manifest.get("languages", ["en"]))

    def passages(self, pids: list[int]) -> dict[int, Passage]:
        with self._lock:
            return metadata.load_passages(self._db, pids)

    def article(self, article_id: str) -> Article | None:
        with self._lock:
            return metadata.load_article(self._db, article_id)

    def article_passages(self, article_id: str) -> list[Passage]:
        with self._lock:
            return metadata.article_passages(self._db, article_id)

    def lead_passage(self, article_id: str) -> Passage | None:
        """An article's first passage (its introduction); None when it has none."""
        return next(iter(self.article_passages(article_id)), None)

    @property
    def departments(self) -> dict[str, Department]:
        if self._departments is None:
            with self._lock:
                self._departments = metadata.load_departments(self._db)
        return self._departments

    @property
    def titles(self) -> dict[str, tuple[str, str]]:
        """Article id → (title, department) of every indexed article."""
        if self._titles is None:
            with self._lock:
                self._titles = metadata.article_titles(self._db)
        return self._titles

    @property
    def owners(self) -> dict[int, Owner]:
        """Passage id → its article, department, audience and tags, read once."""
        if self._owners is None:
            with self._lock:
                self._owners = metadata.passage_owners(self._db)
        return self._owners

    @property
    def article_langs(self) -> dict[str, str]:
        """Article id → its language, read once."""
        if self._langs is None:
            with self._lock:
                self._langs = metadata.article_languages(self._db)
        return self._langs

    @property
    def title_vectors(self) -> dict[str, np.ndarray]:
        """Article id → its title's vector, read once (empty for an older snapshot)."""
        if self._title_vectors is None:
            with self._lock:
                self._title_vectors = metadata.title_vectors(self._db)
        return self._title_vectors

    def heading_vectors(self, paths: Iterable[str]) -> dict[str, np.ndarray]:
        """Section heading path → its vector, for those of `paths` that have one."""
        with self._lock:
            return heading_vectors.load(self._db, paths)

    def sentence_vectors(self, pid: int, windows: Sequence[str]) -> np.ndarray | None:
        """The stored vectors of a passage's sentence windows (None: none stored
        for these windows; `indexer.sentence_vectors`), read per search."""
        with self._lock:
            return sentence_vectors.load(self._db, pid, windows)

    def close(self) -> None:
        self.keyword.close()
        self._db.close()


class SnapshotReader:
    """Hands out the current snapshot of an index folder, reloading on change."""

    def __init__(self, index_dir: Path, expect_model: str | None = None) -> None:
        self.index_dir = index_dir
        self.expect_model = expect_model
        self._lock = threading.Lock()
        self._current: Snapshot | None = None
        self._stamp: tuple[int, int] | None = None
        self.generation = 0

    def _pointer_stamp(self) -> tuple[int, int] | None:
        try:
            st = os.stat(self.index_dir / "CURRENT")
        except FileNotFoundError:
            return None
        return (st.st_ino, st.st_mtime_ns)

    def get(self) -> Snapshot:
        stamp = self._pointer_stamp()
        current = self._current
        if current is not None and stamp == self._stamp:
            return current
        with self._lock:
            if self._current is not None and stamp == self._stamp:
                return self._current
            for tries_left in reversed(range(VANISHED_TRIES)):
                path = snapshot.current_path(self.index_dir)
                if self._current is not None and self._current.path == path:
                    self._stamp = stamp
                    return self._current
                try:
                    opened = Snapshot.open(path)
                    break
                except Exception:
                    # Published and removed again (index runs in a row) between
                    # reading CURRENT and opening it: CURRENT names a newer one.
                    if path.exists() or not tries_left:
                        raise
                    logger.info("snapshot %s was removed while it was opened", path.name)
                    stamp = self._pointer_stamp()
            if self.expect_model and opened.model != self.expect_model:
                opened.close()
                raise ModelMismatchError(
                    f"the index in {self.index_dir} was built with embedding model "
                    f"{opened.model!r}, but the configured model is {self.expect_model!r}; "
                    "run `kb index --full` or change the embedding_model setting"
                )
            logger.info("serving snapshot %s", opened.name)
            # The old snapshot is left to the garbage collector: searches that
            # still hold it finish undisturbed.
            self._current, self._stamp = opened, stamp
            self.generation += 1
            return opened
