"""The embedding cache: vectors kept per model and text hash, and the vector
length a build reads from it before it has loaded a model or made a snapshot."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from indexer.embedding.cache import EmbeddingCache


def test_vectors_come_back_per_model(tmp_path: Path) -> None:
    cache = EmbeddingCache(tmp_path / "embeddings.db", "model-a", 3)
    cache.put_many({"h1": np.array([1.0, 0.0, 0.0]), "h2": np.array([0.0, 1.0, 0.0])})
    assert set(cache.get_many(["h1", "h2", "h3"])) == {"h1", "h2"}
    cache.close()
    other = EmbeddingCache(tmp_path / "embeddings.db", "model-b", 3)
    assert other.get_many(["h1"]) == {} and len(other) == 0
    other.close()


def test_stored_dim_reads_a_relative_path_without_creating_anything(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    path = Path("index") / "embeddings.db"
    assert EmbeddingCache.stored_dim(path, "model-a") is None
    assert not path.exists()
    cache = EmbeddingCache(path, "model-a", 5)
    assert EmbeddingCache.stored_dim(path, "model-a") is None  # table, no rows yet
    cache.put_many({"h": np.ones(5)})
    cache.close()
    assert EmbeddingCache.stored_dim(path, "model-a") == 5
    assert EmbeddingCache.stored_dim(path, "model-b") is None
    path.unlink()
    path.touch()  # an empty file, as a crashed first run may leave
    assert EmbeddingCache.stored_dim(path, "model-a") is None
