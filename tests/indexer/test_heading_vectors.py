"""Section heading paths get a vector (query role) in each snapshot, in step with the content."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence

import numpy as np
import pytest

from indexer import snapshot
from indexer.build import IndexBuilder
from indexer.embedding.cached import embed_as_queries
from indexer.heading_vectors import heading_path
from indexer.reader import SnapshotReader
from kb.settings import Settings
from tests.support import HashingEmbedder


@pytest.fixture
def tiny_settings(tiny_settings: Settings) -> Settings:
    """The fixture content without the second model, which nothing here reads:
    loading and running it for every index built was most of these tests' time."""
    return tiny_settings.replace(secondary_model="")


class QueryRoleEmbedder(HashingEmbedder):
    """Query vectors differ from passage vectors (as e5's roles do), and are counted."""

    def __init__(self) -> None:
        self.queries: list[str] = []

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray:
        self.queries += texts
        return np.stack([self._vector(f"{t} question") for t in texts])


def used_paths(settings: Settings) -> set[str]:
    snap = SnapshotReader(settings.index_path).get()
    passages = [p for aid in snap.titles for p in snap.article_passages(aid)]
    return {heading_path(p.title, p.headings) for p in passages}


def stored(settings: Settings) -> dict[str, np.ndarray]:
    """Every heading vector of the current snapshot."""
    current = snapshot.snapshots_dir(settings.index_path) / snapshot.current_name(
        settings.index_path
    )
    with sqlite3.connect(current / "meta.db") as db:
        try:
            paths = [r[0] for r in db.execute("SELECT path FROM heading_vectors")]
        except sqlite3.OperationalError:
            paths = []
    return SnapshotReader(settings.index_path).get().heading_vectors(paths)


def test_every_heading_path_has_its_query_role_vector(tiny_settings: Settings) -> None:
    embedder = QueryRoleEmbedder()
    IndexBuilder(tiny_settings, embedder=embedder).run()
    vectors = stored(tiny_settings)
    paths = used_paths(tiny_settings)
    assert set(vectors) == paths and "Requesting annual leave > Booking leave" in paths
    assert sorted(embedder.queries) == sorted(paths)  # each distinct path once
    path = "Requesting annual leave > Booking leave"
    assert np.allclose(vectors[path], embedder.embed_queries([path])[0])
    assert not np.allclose(vectors[path], embedder.embed([f"{path}\n"])[0])
    snap = SnapshotReader(tiny_settings.index_path).get()
    assert set(snap.heading_vectors([path, "No such > heading"])) == {path}


def test_heading_vectors_follow_the_content_and_come_from_the_cache(
    tiny_settings: Settings,
) -> None:
    embedder = QueryRoleEmbedder()
    IndexBuilder(tiny_settings, embedder=embedder).run()
    content = tiny_settings.content_path
    (content / "it" / "printer.md").write_text(
        "---\ntitle: Printing\n---\nSend jobs.\n\n## Toner\nAsk Facilities.\n"
    )
    (content / "hr" / "annual-leave.md").unlink()
    embedder.queries.clear()
    IndexBuilder(tiny_settings, embedder=embedder).run()
    vectors = stored(tiny_settings)
    assert set(vectors) == used_paths(tiny_settings)
    assert "Printing > Toner" in vectors
    assert not any(p.startswith("Requesting annual leave") for p in vectors)
    assert sorted(embedder.queries) == ["Printing", "Printing > Toner"]
    embedder.queries.clear()
    IndexBuilder(tiny_settings, embedder=embedder).run(full=True)
    assert embedder.queries == []  # a full rebuild reads every path's vector from the cache
    assert set(stored(tiny_settings)) == set(vectors)


def test_heading_vectors_are_filled_in_for_a_snapshot_written_without_them(
    tiny_settings: Settings,
) -> None:
    embedder = QueryRoleEmbedder()
    IndexBuilder(tiny_settings, embedder=embedder).run()
    current = snapshot.snapshots_dir(tiny_settings.index_path) / snapshot.current_name(
        tiny_settings.index_path
    )
    with sqlite3.connect(current / "meta.db") as db:  # as an older indexer left it
        db.execute("DROP TABLE heading_vectors")
    snap = SnapshotReader(tiny_settings.index_path).get()
    assert snap.heading_vectors(used_paths(tiny_settings)) == {}
    (tiny_settings.content_path / "it" / "printer.md").write_text("---\ntitle: Printing\n---\nA.\n")
    IndexBuilder(tiny_settings, embedder=embedder).run()
    assert set(stored(tiny_settings)) == used_paths(tiny_settings)


def test_a_model_without_a_batch_query_call_embeds_one_query_at_a_time() -> None:
    embedder = HashingEmbedder()
    vectors = embed_as_queries(embedder, ["Access card > Lost or stolen card", "Parking"])
    assert vectors.shape == (2, embedder.dim)
    assert np.allclose(vectors[1], embedder.embed_query("Parking"))
