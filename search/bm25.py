"""BM25F over a Whoosh index, scored with numpy.

Whoosh stays the on-disk index; scoring happens here, because Whoosh's own
searcher scores one posting at a time in Python (on a 100,000-passage index a
single common word took about 150 ms, a short question several seconds) and
because its "BM25F" saturates every field on its own and adds the results, so
a word in the title and the body counts twice, each time with its own IDF.

This scorer follows BM25F as Robertson and Zaragoza describe it. A query word
is a group of (field, term) pairs: the word's stem in the title, headings and
body of each language, and the tag. Per passage, each pair's term frequency
(field boost included, as Whoosh indexes it) is normalised by that field's
length, the group's normalised frequencies are added, and the sum is
saturated once:

    tf~   = sum over fields of  tf_f / (1 − B + B · length_f / average length_f)
    score = idf · tf~ · (K1 + 1) / (tf~ + K1)
    idf   = ln(1 + (N − n + 0.5) / (n + 0.5))

with N the passages and n those the group matches in any field (Lucene's IDF,
never negative). Field lengths are the ones Whoosh stores (one byte each,
slightly rounded), and so is the average: the mean of the stored lengths. On BEIR SciFact this keyword side alone reaches nDCG@10
0.690 (docs/benchmarks.md), on par with published BM25 baselines, where
Whoosh's per-field sum reached 0.643.

Deleted documents: an incremental update deletes the old passages of a
changed article, and Whoosh keeps them in their segment (marked deleted)
until a merge rewrites it. N, n and the average field lengths count live
documents only, and equal scores are ordered by article and passage, so an
index kept up to date incrementally scores and orders exactly like a fresh
full build of the same content (tests/search/test_index_history.py). Before,
deleted passages still counted: on the tiny test content a grown index gave
scores a third higher than a fresh build, and ties followed the order in
which articles had been added.

A term's normalised frequencies and a group's scores are computed once and
kept: a snapshot never changes, so neither do they. A query then costs a few
vector additions per word. Whoosh's file objects are not thread-safe, so
everything that reads the index happens under one lock; cached terms are
scored without it.

A search may name a `Corpus`, the passages its searcher may read: N, n and
the average field lengths then count those alone (why: `search.corpus`).

A query is a list of `Clause`s (one per concept and alternative term); their
scores add up. A clause of several words (a phrase from the glossary) needs
all of them, or the whole phrase as a tag.
"""

from __future__ import annotations

import contextlib
import logging
import math
import threading
from collections import OrderedDict
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass

import numpy as np
from whoosh.index import Index

from search.corpus import Corpus
from search.postings import leaf_lengths, leaf_postings, most_frequent

logger = logging.getLogger(__name__)

Pair = tuple[str, str]  # (field, indexed term)
GroupKey = tuple[Hashable, tuple[Pair, ...]]

DEFAULT_B = 0.75
DEFAULT_K1 = 1.2
CACHE_POSTINGS = 8_000_000  # postings of scored words kept in memory (8 bytes each)


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
        # Statistics count live documents only (see "Deleted documents" above).
        self.documents = int(self._live.sum())
        self._deletions = self.documents < self.size
        self._lengths: dict[str, np.ndarray] = {}
        self._averages: dict[tuple[Hashable, str], float] = {}
        self._keys: dict[int, tuple[str, int]] = {}
        self._groups: OrderedDict[GroupKey, tuple[np.ndarray, np.ndarray]] = OrderedDict()
        self._cached = 0
        self._budget = self.cache_postings = cache_postings
        self._masks: dict[Pair, np.ndarray] = {}
        self._present: dict[Pair, bool] = {}

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
            leaf_ids, leaf_weights = leaf_postings(leaf, pair)
            ids.append(leaf_ids + offset)
            weights.append(leaf_weights)
        if not ids:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float64)
        found, found_weights = np.concatenate(ids), np.concatenate(weights)
        if self._deletions:
            live = self._live[found]
            found, found_weights = found[live], found_weights[live]
        return found, found_weights

    def _field_lengths(self, field: str) -> np.ndarray:
        found = self._lengths.get(field)
        if found is None:
            parts = [leaf_lengths(leaf, field) for leaf, _ in self._leaves]
            found = np.concatenate(parts) if parts else np.zeros(0)
            self._lengths[field] = found
        return found

    def _average_length(self, field: str, corpus: Corpus | None = None) -> float:
        """Mean stored length of a field over the live documents (of `corpus`).

        Whoosh's own total counts deleted documents until their segment is
        merged, and a merge adds up the stored (rounded) lengths, not the
        exact ones; the stored lengths of the live documents are the same
        however the index was built."""
        key = (None if corpus is None else corpus.key, field)
        found = self._averages.get(key)
        if found is None:
            lengths = self._field_lengths(field)
            counted = self._live if corpus is None else corpus.documents
            total = float(lengths[counted].sum()) if len(lengths) else 0.0
            found = self._averages[key] = (total / (self._size(corpus) or 1)) or 1.0
        return found

    def _size(self, corpus: Corpus | None) -> int:
        return self.documents if corpus is None else corpus.size

    def normalised(self, pair: Pair, corpus: Corpus | None = None) -> tuple[np.ndarray, np.ndarray]:
        """(document numbers, length-normalised term frequencies) of one term
        (in `corpus`'s documents, by their average lengths)."""
        with self._lock:
            return self._normalise(pair, corpus)

    def _normalise(self, pair: Pair, corpus: Corpus | None) -> tuple[np.ndarray, np.ndarray]:
        ids, tf = self._postings(pair)
        if corpus is not None:
            inside = corpus.documents[ids]
            ids, tf = ids[inside], tf[inside]
        field = pair[0]
        if len(ids) and self._reader.schema[field].scorable:
            average = self._average_length(field, corpus)
            lengths = self._field_lengths(field)[ids]
            tf = tf / ((1 - self.B) + self.B * lengths / average)
        return ids.astype(np.int32), tf.astype(np.float32)

    def group_scores(
        self, group: Sequence[Pair], corpus: Corpus | None = None
    ) -> tuple[np.ndarray, np.ndarray]:
        """(document numbers, BM25F scores) of one word: its pairs' normalised
        frequencies added per document, then saturated once (cached); with
        `corpus`, of its documents by its statistics."""
        key: GroupKey = (None if corpus is None else corpus.key, tuple(group))
        found = self._groups.get(key)
        if found is not None:
            # Least recently used goes first; another thread may have dropped
            # it meanwhile (the arrays in hand stay valid).
            with contextlib.suppress(KeyError):
                self._groups.move_to_end(key)
            return found
        parts = [self.normalised(pair, corpus) for pair in key[1]]
        parts = [part for part in parts if len(part[0])]
        if not parts:
            found = (np.zeros(0, dtype=np.int32), np.zeros(0, dtype=np.float32))
        else:
            if len(parts) == 1:
                ids, tf = parts[0][0], parts[0][1].astype(np.float64)
            else:
                # Dense accumulation: a term has one posting per document, so
                # fancy-indexed += is exact, and far cheaper than sorting.
                summed = np.zeros(self.size, dtype=np.float64)
                hit = np.zeros(self.size, dtype=bool)
                for part_ids, part_tf in parts:
                    summed[part_ids] += part_tf
                    hit[part_ids] = True
                ids = np.flatnonzero(hit)
                tf = summed[ids]
            matched = len(ids)
            size = self._size(corpus)
            idf = math.log(1 + (size - matched + 0.5) / (matched + 0.5))
            scores = idf * tf * (self.K1 + 1) / (tf + self.K1)
            found = (ids.astype(np.int32), scores.astype(np.float32))
        with self._lock:
            self._remember(key, found)
        return found

    def _remember(self, key: GroupKey, value: tuple[np.ndarray, np.ndarray]) -> None:
        """Keep `value`, dropping the least recently added words until the
        postings kept fit the budget again."""
        if key in self._groups:
            return
        self._groups[key] = value
        self._cached += len(value[0])
        while self._cached > self._budget and len(self._groups) > 1:
            _, (old, _) = self._groups.popitem(last=False)
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
        return self.key(docnum)[1]

    def key(self, docnum: int) -> tuple[str, int]:
        """(article id, passage id) of a document: the order of equal scores.

        An article's passages are numbered in their order whenever it is
        (re)indexed, so this is the article's order, then the passages', in
        any index of the same content; document numbers depend on the order
        in which articles were added."""
        found = self._keys.get(docnum)
        if found is None:
            with self._lock:
                stored = self._reader.stored_fields(docnum)
            found = (str(stored["article_id"]), int(stored["pid"]))
            self._keys[docnum] = found
        return found

    @property
    def cached_postings(self) -> int:
        """Postings of the scored words kept in memory."""
        return self._cached

    @property
    def live(self) -> np.ndarray:
        return self._live

    def frequent_pairs(self, fields: Sequence[str], budget: int) -> list[Pair]:
        """The (field, term) pairs of `fields` with the most postings, most first,
        as many as fit in `budget` postings."""
        with self._lock:
            return most_frequent(self._reader, fields, budget)

    def warm(
        self,
        groups: Iterable[Sequence[Pair]],
        stop: threading.Event | None = None,
        corpus: Corpus | None = None,
    ) -> int:
        """Score words (groups) before any query asks for them: a common word's
        postings take milliseconds to tens of milliseconds to read. Returns
        how many were scored; the lock is taken per term, so searches run in
        between."""
        done = 0
        for group in groups:
            if stop is not None and stop.is_set():
                break
            self.group_scores(group, corpus)
            done += 1
        return done

    # -- scoring ---------------------------------------------------------------
    def search(
        self,
        clauses: Sequence[Clause],
        limit: int,
        allowed: np.ndarray | None = None,
        corpus: Corpus | None = None,
    ) -> list[ScoredDoc]:
        """The `limit` best documents, best first (ties: in `key` order),
        scored by the statistics of `corpus` (None: of every live document)."""
        if not clauses or limit < 1 or not self.size:
            return []
        scores = np.zeros(self.size, dtype=np.float64)
        matched: dict[int, np.ndarray] = {}
        for clause in clauses:
            hit = self._add_clause(clause, scores, corpus)
            if hit is not None:
                previous = matched.get(clause.concept)
                matched[clause.concept] = hit if previous is None else previous | hit
        valid = (scores > 0) & self._live
        if allowed is not None:
            valid &= allowed
        candidates = np.flatnonzero(valid)
        if len(candidates) > limit:
            # Everything that scores at least the limit-th best: documents
            # tied at the cut are chosen by `key`, not by document number.
            cut = np.partition(scores[candidates], len(candidates) - limit)[-limit]
            candidates = candidates[scores[candidates] >= cut]
        best = self._by_score(candidates, scores)[:limit]
        return [
            ScoredDoc(
                int(d), float(scores[d]), frozenset(c for c, hit in matched.items() if hit[d])
            )
            for d in best
        ]

    def _by_score(self, docs: np.ndarray, scores: np.ndarray) -> list[int]:
        """`docs` best first; equal scores in `key` order (read only for ties)."""
        ordered = docs[np.argsort(-scores[docs], kind="stable")]
        values = scores[ordered]
        out: list[int] = []
        start = 0
        while start < len(ordered):
            end = start + 1
            while end < len(ordered) and values[end] == values[start]:
                end += 1
            run = [int(d) for d in ordered[start:end]]
            out.extend(sorted(run, key=self.key) if len(run) > 1 else run)
            start = end
        return out

    def _add_clause(
        self, clause: Clause, scores: np.ndarray, corpus: Corpus | None
    ) -> np.ndarray | None:
        """Add a clause's scores; returns which documents it matched."""
        if len(clause.groups) == 1 and clause.tag is None:
            ids, values = self.group_scores(clause.groups[0], corpus)
            scores[ids] += clause.boost * values
            hit = np.zeros(self.size, dtype=bool)
            hit[ids] = True
            return hit
        total = np.zeros(self.size, dtype=np.float64)
        every: np.ndarray | None = None
        for group in clause.groups:
            ids, values = self.group_scores(group, corpus)
            total[ids] += values
            group_hit = np.zeros(self.size, dtype=bool)
            group_hit[ids] = True
            every = group_hit if every is None else every & group_hit
        hit = every if every is not None else np.zeros(self.size, dtype=bool)
        clause_scores = np.where(hit, total, 0.0)
        if clause.tag is not None:
            ids, values = self.group_scores((clause.tag,), corpus)
            clause_scores[ids] += values
            hit = hit.copy()
            hit[ids] = True
        scores += clause.boost * clause_scores
        return hit

    def close(self) -> None:
        with self._lock:
            self._reader.close()
