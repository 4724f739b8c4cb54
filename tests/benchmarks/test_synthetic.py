"""The synthetic benchmark index's stand-in embedder."""

from __future__ import annotations

import numpy as np

from benchmarks.synthetic import LookupEmbedder


def test_heading_paths_get_stable_unit_vectors_without_the_model() -> None:
    embedder = LookupEmbedder({}, "model", 8)
    paths = ["Travel > Receipts", "Travel > Deadlines", "Travel > Receipts"]
    vectors = embedder.embed_queries(paths)
    assert vectors.shape == (3, 8) and vectors.dtype == np.float32
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0)
    assert np.allclose(vectors[0], vectors[2]) and not np.allclose(vectors[0], vectors[1])
