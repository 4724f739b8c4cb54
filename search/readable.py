"""The passages a searcher may read, as the vector side selects them inside FAISS.

The vector side used to search every vector and drop the passages a searcher
may not read afterwards, widening the search up to `search.vector.MAX_FETCH`
neighbours. Where restricted passages crowded a query's neighbourhood, a
visitor got fewer (or other) vector candidates than an index without them
would have given: what they saw moved with passages they may not read. Now
FAISS itself skips those passages (a search-time `IDSelectorBitmap`), so the
k nearest *readable* passages come back whatever the restricted ones hold.

A selector is one bit per passage id (12.5 kB at 100,000 passages), made
once per snapshot and set of restricted audiences a searcher's groups name,
as the keyword side's corpora are (`search.corpus`); every employee whose
groups name none shares the visitors' selector. A searcher who may read
every passage (or an unrestricted caller) gets None and the unfiltered
search, exactly as before. Both vector indexes (the second model's too)
number passages alike, so one selector serves both.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import faiss
import numpy as np

from indexer.metadata import Owner
from kb.records import EVERYONE


@dataclass(frozen=True, eq=False)
class ReadableSelector:
    """The passage ids one searcher may read, as a FAISS selector."""

    key: frozenset[str]
    bitmap: np.ndarray  # uint8, bit (pid & 7) of byte pid >> 3 set when readable
    size: int  # readable passages
    selector: Any  # faiss.IDSelectorBitmap over `bitmap` (kept alive with it)

    @classmethod
    def of(cls, key: frozenset[str], pids: np.ndarray, bound: int) -> ReadableSelector:
        """The selector of `pids`, each below `bound`."""
        bits = np.zeros(max(bound, 1), dtype=bool)
        bits[pids] = True
        bitmap = np.packbits(bits, bitorder="little")
        selector = faiss.IDSelectorBitmap(len(bitmap), faiss.swig_ptr(bitmap))
        return cls(key, bitmap, int(len(pids)), selector)

    def __contains__(self, pid: int) -> bool:
        return 0 <= pid < 8 * len(self.bitmap) and bool(self.bitmap[pid >> 3] >> (pid & 7) & 1)


class ReadablePassages:
    """Each searcher's `ReadableSelector` over one snapshot's passages, built
    from the passages' audiences once per set of restricted audiences, and kept."""

    MAX_CACHED = 256

    def __init__(self, owners: Mapping[int, Owner]) -> None:
        by_audience: dict[frozenset[str], list[int]] = {}
        for pid, owner in owners.items():
            audience = frozenset(a.lower() for a in owner.audience)
            by_audience.setdefault(audience, []).append(pid)
        self._pids = {a: np.array(p, dtype=np.int64) for a, p in by_audience.items()}
        self._bound = max(owners, default=-1) + 1
        self._total = len(owners)
        self._audiences = frozenset().union(*by_audience) - {EVERYONE}
        self._cache: dict[frozenset[str], ReadableSelector | None] = {}
        self._lock = threading.Lock()

    def for_groups(self, groups: frozenset[str] | None) -> ReadableSelector | None:
        """The selector of a searcher with (lower-case) `groups`; None when they
        may read every passage (None: an unrestricted caller)."""
        if groups is None:
            return None
        key = frozenset(groups) & self._audiences
        if key in self._cache:
            return self._cache[key]
        parts = [p for a, p in self._pids.items() if EVERYONE in a or a & key]
        pids = np.concatenate(parts) if parts else np.zeros(0, dtype=np.int64)
        found = None if len(pids) == self._total else ReadableSelector.of(key, pids, self._bound)
        with self._lock:
            if len(self._cache) >= self.MAX_CACHED:
                self._cache.clear()
            self._cache[key] = found
        return found
