"""The passages a searcher may read, as the keyword scorer counts them.

BM25F's statistics are sums over passages: how many there are (N), how many
hold a word (n, in its IDF) and each field's average length. Counted over
every passage of the index, they carried what restricted articles hold to
searchers outside their audience: an HR-only article rich in a query's words
lowered those words' IDF and raised the average lengths, so the keyword
scores a visitor saw, the order of their results and the confidence derived
from the scores all moved with words the visitor may not read. So a search
scores over its `Corpus`, the passages its searcher may read (the public ones
and those of the restricted audiences its groups name), and two indexes that
differ only in articles a searcher may not read answer that searcher alike.
The query's IDF weights come from the same passages
(`search.spelling.AudienceVocabularies`).

Where no passage is restricted, and for a searcher who may read them all (or
an unrestricted caller), the corpus is the whole index: scores there are
exactly what they were. A corpus is made once per snapshot and set of
restricted audiences the groups name (every employee whose groups name none
shares the visitors' corpus); the scorer keeps each word's scores per
corpus, within its one budget of postings.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Hashable
from dataclasses import dataclass

import numpy as np

from kb.records import EVERYONE

Pair = tuple[str, str]  # (field, indexed term)


@dataclass(frozen=True, eq=False)
class Corpus:
    """The documents a search's statistics count (live ones only), under a
    key that names them in the scorer's caches."""

    key: Hashable
    documents: np.ndarray  # boolean, one per document of the index
    size: int = 0

    def __post_init__(self) -> None:
        object.__setattr__(self, "size", int(self.documents.sum()))


class ReadableCorpora:
    """Each searcher's corpus over one index: built from the `audience` field's
    postings (`mask`, `holds`) and the live documents, once per set of
    restricted audiences, and kept."""

    MAX_CACHED = 256

    def __init__(
        self, live: np.ndarray, mask: Callable[[Pair], np.ndarray], holds: Callable[[Pair], bool]
    ) -> None:
        self._live = live
        self._mask = mask
        self._holds = holds
        self._public: np.ndarray | None = None
        self._cache: dict[frozenset[str], Corpus | None] = {}
        self._lock = threading.Lock()

    @property
    def restricted(self) -> bool:
        """Whether some live document is closed to someone."""
        return bool((~self._public_documents() & self._live).any())

    def _public_documents(self) -> np.ndarray:
        if self._public is None:
            self._public = self._mask(("audience", EVERYONE))
        return self._public

    def for_groups(self, groups: frozenset[str] | None) -> Corpus | None:
        """The corpus of a searcher with (lower-case) `groups`; None when they
        may read every document (None: an unrestricted caller)."""
        if groups is None:
            return None
        key = frozenset(g for g in groups if g != EVERYONE and self._holds(("audience", g)))
        if key in self._cache:
            return self._cache[key]
        visible = self._public_documents().copy()
        for group in key:
            visible |= self._mask(("audience", group))
        documents = visible & self._live
        found = None if documents.sum() == self._live.sum() else Corpus(key, documents)
        with self._lock:
            if len(self._cache) >= self.MAX_CACHED:
                self._cache.clear()
            self._cache[key] = found
        return found
