"""The embedding cache: vectors kept per model and text hash, and the vector
length a build reads from it before it has loaded a model or made a snapshot."""

from __future__ import annotations

import multiprocessing
from pathlib import Path
from typing import Any

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


def _fill(path: str, writer: int, start: Any) -> None:
    """One process's share: overlapping batches of vectors whose values name their hash."""
    start.wait()
    cache = EmbeddingCache(Path(path), "m", 4)
    for batch in range(20):
        items = {
            f"h{(writer + batch + i) % 40}": np.full(4, (writer + batch + i) % 40)
            for i in range(30)
        }
        cache.put_many(items)
    cache.close()


def test_processes_writing_one_new_cache_at_once_keep_it_whole(tmp_path: Path) -> None:
    """One cache file has several writers: the search model's and the second
    model's vectors of a run (two connections), a benchmark beside an index run.
    Processes creating and filling a new cache at the same moment all finish
    (the switch to WAL and the table's creation wait for each other), and every
    vector read back is the one written for its hash."""
    context = multiprocessing.get_context("spawn")
    start = context.Barrier(3)
    path = tmp_path / "index" / "embeddings.db"
    workers = [context.Process(target=_fill, args=(str(path), n, start)) for n in range(3)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=120)
    assert [worker.exitcode for worker in workers] == [0, 0, 0]
    cache = EmbeddingCache(path, "m", 4)
    found = cache.get_many(f"h{n}" for n in range(40))
    assert sorted(found) == sorted(f"h{n}" for n in range(40))
    assert all((vector == int(h[1:])).all() for h, vector in found.items())
    assert cache._db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    cache.close()
