"""The vector retriever on its own."""

from __future__ import annotations

import numpy as np

from indexer.vector_index import create_vector_index
from search.vector import VectorRetriever


def test_vector_filter_over_fetches_until_enough_pass() -> None:
    rng = np.random.default_rng(1)
    vectors = rng.normal(size=(200, 8)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    index = create_vector_index(8, 200, threshold=1000)
    index.add(np.arange(200), vectors)
    retriever = VectorRetriever(index)
    query = vectors[0]
    plain = retriever.search(query, 5)
    assert plain[0][0] == 0 and len(plain) <= 5
    seen: list[int] = []

    def odd_only(pids):  # type: ignore[no-untyped-def]
        seen.append(len(pids))
        return [p for p in pids if p % 7 == 3]

    kept = retriever.search(query, 5, odd_only)
    assert all(p % 7 == 3 for p, _ in kept)
    assert len(seen) >= 2  # the first round did not find five, so it widened
    assert [s for _, s in kept] == sorted((s for _, s in kept), reverse=True)
