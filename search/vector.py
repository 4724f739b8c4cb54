"""The vector retriever: FAISS nearest passages, filtered inside the search.

The passages a search may return are selected inside FAISS (`readable`, a
`search.readable.ReadableSelector`): the passages its searcher may read, of
the department and with the tags it asks for. The search returns the
nearest selected passages, whatever the others hold; an IVF search probes
more lists the narrower the department and tag filters are
(`ReadableSelector.widen`). Department and tag filters used to run after
the search, over at most 4,096 neighbours, and a search filtered to a small
department far from the query found few or none of its passages.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

from indexer.vector_index import VectorIndex
from search.readable import ReadableSelector

# Neighbours at or below this cosine share nothing with the query; FAISS
# returns them anyway (it always fills k), so they are dropped here.
MIN_SIMILARITY = 0.0

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
        readable: ReadableSelector | None = None,
    ) -> list[tuple[int, float]]:
        """(passage id, cosine) of the nearest passages `readable` selects (None:
        all), best first."""
        size = self.index.size if readable is None else min(readable.size, self.index.size)
        if size == 0 or limit < 1:
            return []
        selector, widen = (None, 1.0) if readable is None else (readable.selector, readable.widen)
        scores, ids = self.index.search(
            query_vector, min(limit + TIE_MARGIN, size), selector, widen
        )
        found = sorted(
            (
                (int(p), float(s))
                for s, p in zip(scores, ids, strict=True)
                if p >= 0 and s > MIN_SIMILARITY
            ),
            key=lambda hit: (-hit[1], self.order(hit[0])),
        )
        return found[:limit]

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
