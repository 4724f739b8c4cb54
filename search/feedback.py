"""Vector pseudo-relevance feedback: the vector side searched once more, nearer its own first hits.

The query vector is moved towards the mean vector of the vector side's first
`vector_feedback_passages` passages (Rocchio: query + β · mean, back to unit
length, β = `vector_feedback_weight`) and the index searched again with it;
the stored passage vectors are reused, so this costs one more
nearest-neighbour search and no embedding. The second list replaces the first
in fusion only: the confidence, the answer's cosines and the cross-language
vote keep reading the typed query's own cosines (moving those cost the 18F
set its caught unanswerable questions when the first fused passage was fed
back, docs/search.md).

Measured (`benchmarks.feedback_levers`, English nDCG@10 on the tune halves,
docs/search.md "Fusion levers for the multilingual model"): β = 0.15 over
the first 5 vector passages lifts SciFact 0.745 → 0.754, the 18F set 0.840 →
0.846 and the labelled set 0.930 → 0.933, with top 3 unchanged on all
three; larger β or more passages lose on at least one, and feeding back the
fused passages instead gains less. It is off by default
(`vector_feedback_weight = 0`): on the labelled set's report half one more
English question leaves the top 3 (0.974 → 0.949) and English nDCG@10 falls
0.906 → 0.895 (18F report half 0.873 → 0.866), while SciFact's all-300
figure rises 0.724 → 0.732. At 100,000 passages it costs about 1.7 ms of
CPU per search (one more IVF search).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from indexer.vector_index import VectorIndex
from search.readable import ReadableSelector
from search.vector import VectorRetriever


def moved_towards(query: np.ndarray, vectors: Sequence[np.ndarray], weight: float) -> np.ndarray:
    """query + weight · mean(vectors), unit length (the query itself without vectors)."""
    if not vectors or weight <= 0:
        return query
    moved = query + weight * np.mean(np.stack(vectors), axis=0)
    norm = float(np.linalg.norm(moved))
    return (moved / norm).astype(np.float32) if norm > 1e-12 else query


class VectorFeedback:
    """The feedback search of one engine, from its settings (module docstring)."""

    def __init__(self, weight: float, passages: int) -> None:
        if weight < 0:
            raise ValueError(f"vector feedback weight must be ≥ 0, got {weight!r}")
        if passages < 1:
            raise ValueError(f"vector feedback passages must be ≥ 1, got {passages!r}")
        self.weight = weight
        self.passages = passages

    @property
    def active(self) -> bool:
        return self.weight > 0

    def query(
        self, index: VectorIndex, query: np.ndarray, hits: Sequence[tuple[int, float]]
    ) -> np.ndarray:
        """The query vector moved towards its first hits' stored vectors."""
        first = [pid for pid, _ in hits[: self.passages]]
        stored = index.vectors(first)
        return moved_towards(query, [stored[p] for p in first if p in stored], self.weight)

    def search(
        self,
        retriever: VectorRetriever,
        query: np.ndarray,
        hits: list[tuple[int, float]],
        limit: int,
        readable: ReadableSelector | None = None,
    ) -> list[tuple[int, float]]:
        """The neighbours of the moved query among the same passages as the
        first search (the first hits when feedback is off or there is nothing
        to feed back)."""
        if not self.active or not hits:
            return hits
        moved = self.query(retriever.index, query, hits)
        return retriever.search(moved, limit, readable)
