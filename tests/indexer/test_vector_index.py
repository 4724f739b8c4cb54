"""Exact and approximate vector indexes, and the switch when a collection grows."""

from __future__ import annotations

from pathlib import Path

import faiss
import numpy as np
import pytest

from indexer import snapshot
from indexer.build import IndexBuilder
from indexer.reader import SnapshotReader
from indexer.vector_index import (
    FLAT,
    IVF,
    create_vector_index,
    flat_contents,
    grown_past,
    load_vector_index,
)
from kb.settings import Settings
from tests.support import HashingEmbedder

DIM = 16


def unit_vectors(count: int, seed: int = 0) -> np.ndarray:
    vectors = np.random.default_rng(seed).normal(size=(count, DIM)).astype(np.float32)
    return vectors / np.linalg.norm(vectors, axis=1, keepdims=True)


def flat_index(count: int) -> tuple[np.ndarray, np.ndarray, object]:
    vectors = unit_vectors(count)
    ids = np.arange(1000, 1000 + count, dtype=np.int64)[::-1].copy()  # ids need not be ordered
    index = create_vector_index(DIM, threshold=count)
    index.add(ids, vectors)
    return ids, vectors, index


def test_flat_contents_hands_back_ids_and_vectors() -> None:
    ids, vectors, index = flat_index(50)
    found_ids, found = flat_contents(index)  # type: ignore[arg-type]
    assert np.array_equal(found_ids, ids) and np.allclose(found, vectors)


def test_a_small_collection_stays_exact() -> None:
    _, _, index = flat_index(1200)
    assert grown_past(index, threshold=1200) is None  # type: ignore[arg-type]
    _, _, small = flat_index(500)
    assert grown_past(small, threshold=100) is None  # type: ignore[arg-type]  # too few to train


def _lists(index: object) -> int:
    return int(faiss.extract_index_ivf(index.index).nlist)  # type: ignore[attr-defined]


def test_the_kind_and_list_count_follow_the_passages_the_lists_are_trained_on() -> None:
    # 6,200 passages of which the first 1,100 or 1,200 are public (IVF lists
    # are trained on those). The choice used to count every passage: above
    # 2,000 the index became IVF with 4·√6200 = 314 lists trained on 1,100
    # points (FAISS refuses fewer points than lists: at 250,000 passages with
    # 1,500 public ones `kb index` failed).
    ids, vectors, index = flat_index(6200)
    del ids  # 1000 to 7199: those below 2100 are 1,100 passages, below 2200 1,200
    assert grown_past(index, 2000, lambda found: found < 2100) is None  # type: ignore[arg-type]
    assert create_vector_index(DIM, 2000, vectors[:1100]).kind == FLAT
    grown = grown_past(index, 1000, lambda found: found < 2200)  # type: ignore[arg-type]
    assert grown is not None and grown.kind == IVF and grown.size == 6200
    assert _lists(grown) == int(4 * np.sqrt(1200))
    made = create_vector_index(DIM, 1000, vectors[:1200])
    assert made.kind == IVF and _lists(made) == int(4 * np.sqrt(1200))
    assert create_vector_index(DIM, 1000).kind == FLAT  # nothing to train on


def test_a_grown_collection_becomes_approximate_with_the_same_passages(tmp_path: Path) -> None:
    ids, vectors, index = flat_index(1200)
    grown = grown_past(index, threshold=1000)  # type: ignore[arg-type]
    assert grown is not None and grown.kind == IVF and grown.size == 1200
    hits = 0
    for pid, vector in zip(ids[:100], vectors[:100], strict=True):
        _, found = grown.search(vector, 10)
        hits += int(found[0] == pid)
    assert hits >= 98  # each passage finds itself first
    assert grown.remove(ids[:10]) == 10 and grown.size == 1190
    grown.save(tmp_path / "vectors.faiss")
    assert load_vector_index(tmp_path / "vectors.faiss", IVF).size == 1190
    with pytest.raises(ValueError, match="exact"):
        flat_contents(grown)
    assert index.kind == FLAT  # type: ignore[attr-defined]


def test_an_incremental_build_switches_to_ivf_when_the_base_outgrows_the_threshold(
    tiny_settings: Settings,
) -> None:
    hashing_embedder = HashingEmbedder()

    # Without the second model: it played no part in the first model's switch
    # checked here, and embedding the 1,100 notes with it was most of the time.
    settings = tiny_settings.replace(approximate_threshold=1000, secondary_model="")
    IndexBuilder(settings, embedder=hashing_embedder).run()
    assert snapshot.read_manifest(snapshot.current_path(settings.index_path))["vector_kind"] == FLAT
    folder = settings.content_path / "it" / "generated"
    folder.mkdir()
    for i in range(1100):
        (folder / f"note-{i:04d}.md").write_text(
            f"---\ntitle: Note {i}\n---\nMachine {i} needs toner cartridge {i % 37} "
            f"and a drum unit in room {i % 91}.\n",
            encoding="utf-8",
        )
    report = IndexBuilder(settings, embedder=hashing_embedder).run()
    assert report.passages > 1000
    snap = SnapshotReader(settings.index_path).get()
    assert snap.manifest["vector_kind"] == IVF and snap.vectors.kind == IVF
    assert snap.vectors.size == report.passages
