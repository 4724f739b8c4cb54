"""BM25F over a Whoosh index, scored with numpy.

Whoosh's own searcher scores one posting at a time in Python: on a
100,000-passage index a single common word ("day", in 18,000 passages) took
about 150 ms, and a short question several seconds. This scorer reads the same
index and applies the same formula as Whoosh's `BM25F` weighting,

    idf · tf · (K1 + 1) / (tf + K1 · (1 − B + B · length / average length))
    idf = ln(documents / (document frequency + 1)) + 1

with tf the indexed weight (field boosts included) and the field lengths Whoosh
stores, but a term's contributions for all its passages are computed at once
and kept: a snapshot never changes, so neither do they. A query then costs a
few vector additions per term. `tests/search/test_bm25.py` checks the scores
against Whoosh's searcher.

A query is a list of `Clause`s (one per concept and alternative term); their
scores add up, like the clauses of a Whoosh `Or`. Whoosh's file objects are not
thread-safe, so everything that reads the index happens under one lock;
cached terms are scored without it.
"""

from __future__ import annotations

import logging
import math
import threading
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from whoosh.index import Index
from whoosh.util.numeric import byte_to_length

logger = logging.getLogger(__name__)

Pair = tuple[str, str]  # (field, indexed term)

DEFAULT_B = 0.75
DEFAULT_K1 = 1.2
CACHE_POSTINGS = 4_000_000  # postings kept scored in memory (8 bytes each)
_BYTE_LENGTHS = np.array([byte_to_length(b) for b in range(256)], dtype=np.float64)


@dataclass(frozen=True)
class Clause:
    """One term of one concept: every group must match (a group matches when any
    of its (field, term) pairs does), or the whole-term `tag` does."""

    concept: int
    boost: float
    groups: tuple[tuple[Pair, ...], ...]
    tag: Pair | None = None


@dataclass(frozen=True)
class ScoredDoc:
    """A document of the index with its score and the clauses' concepts it matched."""

    docnum: int
    score: float
    concepts: frozenset[int]


class BM25Scorer:
    """Scores clauses against one (immutable) Whoosh index."""

    def __init__(
        self,
        index: Index,
        B: float = DEFAULT_B,
        K1: float = DEFAULT_K1,
        cache_postings: int = CACHE_POSTINGS,
    ) -> None:
        self.B = B
        self.K1 = K1
        self._reader = index.reader()
        self._leaves = list(self._reader.leaf_readers())
        self.size = int(self._reader.doc_count_all())
        self._lock = threading.Lock()
        self._live = np.zeros(self.size, dtype=bool)
        self._live[np.fromiter(self._reader.all_doc_ids(), dtype=np.int64)] = True
        self._lengths: dict[str, np.ndarray] = {}
        self._scored: OrderedDict[Pair, tuple[np.ndarray, np.ndarray]] = OrderedDict()
        self._cached = 0
        self._budget = cache_postings
        self._masks: dict[Pair, np.ndarray] = {}
        self._present: dict[Pair, bool] = {}
        self._pids: dict[int, int] = {}

    # -- reading the index (under the lock) ------------------------------------
    def __contains__(self, pair: object) -> bool:
        found = self._present.get(pair)  # type: ignore[call-overload]
        if found is None:
            with self._lock:
                found = pair in self._reader
            if len(self._present) > 200_000:
                self._present.clear()
            self._present[pair] = found  # type: ignore[index]
        return bool(found)

    def _postings(self, pair: Pair) -> tuple[np.ndarray, np.ndarray]:
        """Document numbers and weights of a term, across segments."""
        ids: list[np.ndarray] = []
        weights: list[np.ndarray] = []
        for leaf, offset in self._leaves:
            if pair not in leaf:
                continue
            leaf_ids, leaf_weights = _decode(leaf.postings(*pair))
            ids.append(leaf_ids + offset)
            weights.append(leaf_weights)
        if not ids:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float64)
        return np.concatenate(ids), np.concatenate(weights)

    def _field_lengths(self, field: str) -> np.ndarray:
        found = self._lengths.get(field)
        if found is None:
            parts = [_leaf_lengths(leaf, field) for leaf, _ in self._leaves]
            found = np.concatenate(parts) if parts else np.zeros(0)
            self._lengths[field] = found
        return found

    def contributions(self, pair: Pair) -> tuple[np.ndarray, np.ndarray]:
        """(document numbers, BM25F scores) of one term; computed once, then cached."""
        found = self._scored.get(pair)
        if found is not None:
            return found
        with self._lock:
            found = self._scored.get(pair)
            if found is None:
                found = self._score_term(pair)
                self._remember(pair, found)
        return found

    def _score_term(self, pair: Pair) -> tuple[np.ndarray, np.ndarray]:
        ids, tf = self._postings(pair)
        if not len(ids):
            return ids.astype(np.int32), tf.astype(np.float32)
        field, text = pair
        if not self._reader.schema[field].scorable:
            return ids.astype(np.int32), tf.astype(np.float32)
        df = self._reader.doc_frequency(field, text)
        idf = math.log(self.size / (df + 1)) + 1
        average = (self._reader.field_length(field) / (self.size or 1)) or 1
        lengths = self._field_lengths(field)[ids]
        norm = self.K1 * ((1 - self.B) + self.B * lengths / average)
        scores = idf * (tf * (self.K1 + 1)) / (tf + norm)
        return ids.astype(np.int32), scores.astype(np.float32)

    def _remember(self, pair: Pair, value: tuple[np.ndarray, np.ndarray]) -> None:
        self._scored[pair] = value
        self._cached += len(value[0])
        while self._cached > self._budget and len(self._scored) > 1:
            _, (old, _) = self._scored.popitem(last=False)
            self._cached -= len(old)

    def mask(self, pair: Pair) -> np.ndarray:
        """Documents holding a term, as a boolean array (cached; for filters)."""
        found = self._masks.get(pair)
        if found is None:
            with self._lock:
                ids, _ = self._postings(pair)
            found = np.zeros(self.size, dtype=bool)
            found[ids] = True
            if len(self._masks) > 256:
                self._masks.clear()
            self._masks[pair] = found
        return found

    def pid(self, docnum: int) -> int:
        """The passage id stored with a document."""
        found = self._pids.get(docnum)
        if found is None:
            with self._lock:
                found = int(self._reader.stored_fields(docnum)["pid"])
            self._pids[docnum] = found
        return found

    @property
    def live(self) -> np.ndarray:
        return self._live

    # -- scoring ---------------------------------------------------------------
    def search(
        self, clauses: Sequence[Clause], limit: int, allowed: np.ndarray | None = None
    ) -> list[ScoredDoc]:
        """The `limit` best documents, best first (ties: lower document number first)."""
        if not clauses or limit < 1 or not self.size:
            return []
        scores = np.zeros(self.size, dtype=np.float64)
        matched: dict[int, np.ndarray] = {}
        for clause in clauses:
            hit = self._add_clause(clause, scores)
            if hit is not None:
                previous = matched.get(clause.concept)
                matched[clause.concept] = hit if previous is None else previous | hit
        valid = (scores > 0) & self._live
        if allowed is not None:
            valid &= allowed
        candidates = np.flatnonzero(valid)
        if len(candidates) > limit:
            part = np.argpartition(-scores[candidates], limit - 1)[:limit]
            candidates = candidates[part]
        order = np.lexsort((candidates, -scores[candidates]))
        best = candidates[order]
        return [
            ScoredDoc(
                int(d), float(scores[d]), frozenset(c for c, hit in matched.items() if hit[d])
            )
            for d in best
        ]

    def _add_clause(self, clause: Clause, scores: np.ndarray) -> np.ndarray | None:
        """Add a clause's scores; returns which documents it matched."""
        if len(clause.groups) == 1 and clause.tag is None:
            hit = np.zeros(self.size, dtype=bool)
            for pair in clause.groups[0]:
                ids, values = self.contributions(pair)
                scores[ids] += clause.boost * values
                hit[ids] = True
            return hit
        total = np.zeros(self.size, dtype=np.float64)
        every: np.ndarray | None = None
        for group in clause.groups:
            group_hit = np.zeros(self.size, dtype=bool)
            for pair in group:
                ids, values = self.contributions(pair)
                total[ids] += values
                group_hit[ids] = True
            every = group_hit if every is None else every & group_hit
        hit = every if every is not None else np.zeros(self.size, dtype=bool)
        clause_scores = np.where(hit, total, 0.0)
        if clause.tag is not None:
            ids, values = self.contributions(clause.tag)
            clause_scores[ids] += values
            hit = hit.copy()
            hit[ids] = True
        scores += clause.boost * clause_scores
        return hit

    def close(self) -> None:
        with self._lock:
            self._reader.close()


def _decode(matcher: Any) -> tuple[np.ndarray, np.ndarray]:
    """All (document number, weight) postings of a Whoosh leaf matcher.

    Whole blocks are read through the matcher's block attributes (Whoosh 2.7's
    on-disk format); any other matcher is walked posting by posting."""
    if not all(hasattr(matcher, a) for a in ("_read_ids", "_read_weights", "_next_block")):
        ids, weights = [], []
        while matcher.is_active():
            ids.append(matcher.id())
            weights.append(matcher.weight())
            matcher.next()
        return np.asarray(ids, dtype=np.int64), np.asarray(weights, dtype=np.float64)
    id_blocks: list[np.ndarray] = []
    weight_blocks: list[np.ndarray] = []
    while not matcher._atend:
        if matcher._ids is None:
            matcher._read_ids()
        if matcher._weights is None:
            matcher._read_weights()
        id_blocks.append(np.asarray(matcher._ids, dtype=np.int64))
        weight_blocks.append(np.asarray(matcher._weights, dtype=np.float64))
        matcher._next_block()
    return np.concatenate(id_blocks), np.concatenate(weight_blocks)


def _leaf_lengths(leaf: Any, field: str) -> np.ndarray:
    """Field lengths of one segment's documents, as Whoosh stores them (one byte each)."""
    count = int(leaf.doc_count_all())
    perdoc = getattr(leaf, "_perdoc", None)
    column = None
    if perdoc is not None and hasattr(perdoc, "_cached_reader"):
        from whoosh.codec.whoosh3 import LENGTHS_COLUMN, _lenfield

        column = perdoc._cached_reader(_lenfield(field), LENGTHS_COLUMN)
    if column is not None:
        codes = np.fromiter(column, dtype=np.uint8, count=count)
        return _BYTE_LENGTHS[codes]
    return np.array(
        [leaf.doc_field_length(d, field, 0) or 0 for d in range(count)], dtype=np.float64
    )
