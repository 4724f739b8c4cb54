"""The passages a search may return, as the vector side selects them inside FAISS.

The vector side used to search every vector and drop the passages a searcher
may not read afterwards, widening the search up to 4,096 neighbours. Where
restricted passages crowded a query's neighbourhood, a visitor got fewer (or
other) vector candidates than an index without them would have given: what
they saw moved with passages they may not read. Now FAISS itself skips those
passages (a search-time `IDSelectorBitmap`), so the k nearest *readable*
passages come back whatever the restricted ones hold.

Department and tag filters are selected the same way: they ran after the
search too, so a search filtered to a small department whose passages lie
far from the query found few or none of them among the 4,096 neighbours
looked at (`benchmarks.readable_vectors --department`). Their bits are the
readable bits and'ed with the department's and each tag's, and `widen` tells
an IVF search how much more of its lists to probe: as many times more as the
filter is narrower than the searcher's readable passages, so that the probed
lists hold about as many selected passages as an unfiltered search's
(`indexer.vector_index.VectorIndex.search`).

A selector is one bit per passage id (12.5 kB at 100,000 passages), made
once per snapshot and set of restricted audiences a searcher's groups name,
as the keyword side's corpora are (`search.corpus`), and once per such set,
department and tags; the `MAX_CACHED` most recently used are kept. Every
employee whose groups name no restricted audience shares the visitors'
selectors. A search that may return every passage gets None and the
unfiltered search, exactly as before. Both vector indexes (the second
model's too) number passages alike, so one selector serves both.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import faiss
import numpy as np

from indexer.metadata import Owner
from kb.records import EVERYONE
from search.filters import Filters


@dataclass(frozen=True, eq=False)
class ReadableSelector:
    """The passage ids one search may return, as a FAISS selector."""

    key: Hashable
    bitmap: np.ndarray  # uint8, bit (pid & 7) of byte pid >> 3 set when selected
    size: int  # selected passages
    selector: Any  # faiss.IDSelectorBitmap over `bitmap` (kept alive with it)
    # Passages the searcher may read, of which these were selected by
    # department and tags (`size` itself without such filters).
    within: int = 0

    @classmethod
    def of(
        cls, key: Hashable, pids: np.ndarray, bound: int, within: int | None = None
    ) -> ReadableSelector:
        """The selector of `pids`, each below `bound`."""
        bits = np.zeros(max(bound, 1), dtype=bool)
        bits[pids] = True
        return cls.of_bits(key, bits, within)

    @classmethod
    def of_bits(
        cls, key: Hashable, bits: np.ndarray, within: int | None = None
    ) -> ReadableSelector:
        """The selector of the passage ids whose entry in `bits` is set."""
        bitmap = np.packbits(bits, bitorder="little")
        selector = faiss.IDSelectorBitmap(len(bitmap), faiss.swig_ptr(bitmap))
        size = int(np.count_nonzero(bits))
        return cls(key, bitmap, size, selector, size if within is None else within)

    def __contains__(self, pid: int) -> bool:
        return 0 <= pid < 8 * len(self.bitmap) and bool(self.bitmap[pid >> 3] >> (pid & 7) & 1)

    def bits(self, bound: int) -> np.ndarray:
        """One bool per passage id below `bound`, set when selected."""
        return np.unpackbits(self.bitmap, count=bound, bitorder="little").astype(bool)

    @property
    def widen(self) -> float:
        """How many times fewer passages than the searcher may read this selects
        (1.0 without department or tag filters)."""
        return self.within / self.size if self.size else 1.0


def _grouped(pairs: Iterable[tuple[str, int]]) -> dict[str, np.ndarray]:
    grouped: dict[str, list[int]] = {}
    for name, pid in pairs:
        grouped.setdefault(name, []).append(pid)
    return {name: np.array(pids, dtype=np.int64) for name, pids in grouped.items()}


class ReadablePassages:
    """Each search's `ReadableSelector` over one snapshot's passages, built from
    the passages' audiences, departments and tags once per set of restricted
    audiences (and department and tags), and kept (the most recently used)."""

    MAX_CACHED = 256

    def __init__(self, owners: Mapping[int, Owner]) -> None:
        by_audience: dict[frozenset[str], list[int]] = {}
        for pid, owner in owners.items():
            audience = frozenset(a.lower() for a in owner.audience)
            by_audience.setdefault(audience, []).append(pid)
        self._pids = {a: np.array(p, dtype=np.int64) for a, p in by_audience.items()}
        self._departments = _grouped((o.department, p) for p, o in owners.items())
        self._tags = _grouped((t.lower(), p) for p, o in owners.items() for t in set(o.tags))
        self._bound = max(owners, default=-1) + 1
        self._total = len(owners)
        self._audiences = frozenset().union(*self._pids) - {EVERYONE}
        self._cache: OrderedDict[Hashable, ReadableSelector | None] = OrderedDict()
        self._lock = threading.Lock()

    def for_groups(self, groups: frozenset[str] | None) -> ReadableSelector | None:
        """The selector of a searcher with (lower-case) `groups`; None when they
        may read every passage (None: an unrestricted caller)."""
        if groups is None:
            return None
        key = frozenset(groups) & self._audiences
        return self._kept(key, lambda: self._readable(key))

    def for_filters(self, filters: Filters) -> ReadableSelector | None:
        """The selector of a search with `filters`: the passages its searcher may
        read, of the department and with every tag it asks for; None when that
        is every passage."""
        readable = self.for_groups(filters.groups)
        if not filters.department and not filters.tags:
            return readable
        key = (None if readable is None else readable.key, filters.department, filters.tags)
        return self._kept(key, lambda: self._filtered(key, readable, filters))

    def _kept(
        self, key: Hashable, build: Callable[[], ReadableSelector | None]
    ) -> ReadableSelector | None:
        with self._lock:
            if key in self._cache:
                self._cache.move_to_end(key)
                return self._cache[key]
        found = build()
        with self._lock:
            self._cache[key] = found
            while len(self._cache) > self.MAX_CACHED:
                self._cache.popitem(last=False)
        return found

    def _readable(self, key: frozenset[str]) -> ReadableSelector | None:
        parts = [p for a, p in self._pids.items() if EVERYONE in a or a & key]
        pids = np.concatenate(parts) if parts else np.zeros(0, dtype=np.int64)
        return None if len(pids) == self._total else ReadableSelector.of(key, pids, self._bound)

    def _filtered(
        self, key: Hashable, readable: ReadableSelector | None, filters: Filters
    ) -> ReadableSelector | None:
        if readable is None:
            bits = np.zeros(max(self._bound, 1), dtype=bool)
            for pids in self._pids.values():
                bits[pids] = True
        else:
            bits = readable.bits(max(self._bound, 1))
        within = int(np.count_nonzero(bits))
        empty = np.zeros(0, dtype=np.int64)
        wanted = [self._tags.get(t, empty) for t in filters.tags]
        if filters.department:
            wanted.append(self._departments.get(filters.department, empty))
        for pids in wanted:
            mask = np.zeros_like(bits)
            mask[pids] = True
            bits &= mask
        if int(np.count_nonzero(bits)) == within:  # the filters narrow nothing
            return readable
        return ReadableSelector.of_bits(key, bits, within)
