"""The vector retriever: FAISS nearest passages, filtered during and after the search.

The passages a searcher may read are selected inside FAISS (`readable`, a
`search.readable.ReadableSelector`): the search returns the nearest readable
passages, whatever the others hold. Departments and tags are filtered after
the search: a filtered search asks for more neighbours than it needs and drops
those the filters refuse, widening the search (×4 each round) until enough
remain or every readable passage has been seen or `MAX_FETCH` neighbours
were looked at (a very selective filter then returns fewer vector
candidates; the keyword side, which filters inside the index, still finds
the rest). Those neighbours are all readable ones, so what a department
filter leaves a searcher does not depend on passages they may not read
either. Unfiltered searches take exactly `limit` neighbours.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

from indexer.vector_index import VectorIndex
from search.readable import ReadableSelector

OVERFETCH = 4
MAX_FETCH = 4096
# Neighbours at or below this cosine share nothing with the query; FAISS
# returns them anyway (it always fills k), so they are dropped here.
MIN_SIMILARITY = 0.0

# Given candidate passage ids, returns those the search may keep (in order).
PassageGate = Callable[[Sequence[int]], list[int]]


# Neighbours fetched beyond `limit`, so that passages tied with the last one
# kept are chosen by `order`, not by where FAISS stored them.
TIE_MARGIN = 8


class VectorRetriever:
    """Cosine search over one snapshot's vector index.

    `order` gives each passage id its place among equal cosines (by default
    the id itself); the search engine orders by article and passage, which
    does not depend on the order in which an index was built up."""

    def __init__(
        self, index: VectorIndex, order: Callable[[int], tuple[str, int]] | None = None
    ) -> None:
        self.index = index
        self.order = order or (lambda pid: ("", pid))

    def search(
        self,
        query_vector: np.ndarray,
        limit: int,
        gate: PassageGate | None = None,
        readable: ReadableSelector | None = None,
    ) -> list[tuple[int, float]]:
        """(passage id, cosine) of the nearest allowed passages, best first:
        among the `readable` ones (None: all), those the `gate` keeps."""
        size = self.index.size if readable is None else min(readable.size, self.index.size)
        if size == 0 or limit < 1:
            return []
        selector = None if readable is None else readable.selector
        fetch = limit + TIE_MARGIN if gate is None else limit * OVERFETCH
        while True:
            scores, ids = self.index.search(query_vector, min(fetch, size), selector)
            found = sorted(
                (
                    (int(p), float(s))
                    for s, p in zip(scores, ids, strict=True)
                    if p >= 0 and s > MIN_SIMILARITY
                ),
                key=lambda hit: (-hit[1], self.order(hit[0])),
            )
            if gate is None:
                return found[:limit]
            allowed = set(gate([p for p, _ in found]))
            kept = [(p, s) for p, s in found if p in allowed]
            if len(kept) >= limit or fetch >= min(size, MAX_FETCH):
                return kept[:limit]
            fetch = min(fetch * OVERFETCH, MAX_FETCH)

    def cosines(
        self, query_vector: np.ndarray, pids: Sequence[int], known: dict[int, float]
    ) -> dict[int, float]:
        """Cosine of each passage to the query: from `known` (the search's own
        neighbours) or from the stored vectors."""
        out = {p: known[p] for p in pids if p in known}
        missing = [p for p in pids if p not in out]
        if missing:
            for pid, vector in self.index.vectors(missing).items():
                out[pid] = float(np.dot(vector, query_vector))
        return out

    def rank(self, query_vector: np.ndarray, pids: Sequence[int]) -> list[tuple[int, float]]:
        """(passage id, cosine) of the given passages by their stored vectors, best
        first, as `search` orders its neighbours (unknown ids and cosines at or
        below `MIN_SIMILARITY` left out)."""
        scored = self.cosines(query_vector, pids, {})
        return sorted(
            ((p, s) for p, s in scored.items() if s > MIN_SIMILARITY),
            key=lambda hit: (-hit[1], self.order(hit[0])),
        )
