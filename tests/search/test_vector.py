"""The vector retriever on its own."""

from __future__ import annotations

import numpy as np

from indexer.vector_index import create_vector_index
from search.readable import ReadableSelector
from search.vector import VectorRetriever


def test_a_selected_search_returns_the_nearest_selected_passages() -> None:
    rng = np.random.default_rng(1)
    vectors = rng.normal(size=(200, 8)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    index = create_vector_index(8, threshold=1000)
    index.add(np.arange(200), vectors)
    retriever = VectorRetriever(index)
    query = vectors[0]
    plain = retriever.search(query, 5)
    assert plain[0][0] == 0 and len(plain) <= 5
    wanted = np.array([p for p in range(200) if p % 7 == 3])
    kept = retriever.search(query, 5, ReadableSelector.of("p % 7 == 3", wanted, 200))
    exact = [
        int(p) for p in wanted[np.argsort(-(vectors[wanted] @ query))] if vectors[p] @ query > 0
    ]
    assert [p for p, _ in kept] == exact[:5]
    assert [s for _, s in kept] == sorted((s for _, s in kept), reverse=True)
