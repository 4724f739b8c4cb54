"""Shared test doubles, in one place.

`HashingEmbedder` stands in for the embedding model: a bag of hashed word
stems as a unit vector, deterministic and thousands of times faster, so that
indexing and search behaviour is tested in milliseconds. Tests marked `slow`
use the real model where quality or the model itself is the point.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

import numpy as np

from search.terms import stem, words


class HashingEmbedder:
    """Bag of hashed English stems as a unit vector: same words, same direction."""

    name = "test-hashing"
    dim = 64

    def _vector(self, text: str) -> np.ndarray:
        vec = np.zeros(self.dim, dtype=np.float32)
        for word in words(text):
            bucket = int(hashlib.sha1(stem(word, "en").encode()).hexdigest(), 16) % self.dim
            vec[bucket] += 1.0
        norm = float(np.linalg.norm(vec))
        return vec / norm if norm else vec

    def embed(self, texts: Sequence[str], progress: object = None) -> np.ndarray:
        return (
            np.stack([self._vector(t) for t in texts])
            if texts
            else np.zeros((0, self.dim), dtype=np.float32)
        )

    def embed_query(self, text: str) -> np.ndarray:
        return self._vector(text)
