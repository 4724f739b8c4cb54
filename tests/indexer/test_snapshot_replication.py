"""Real indexes through a snapshot store: the indexer pushes, other folders pull.

Uses the real model on the tiny fixture content, with the database store on a
SQLite file and the s3 store on moto's S3 server (PostgreSQL passes the same
contract in `test_snapshot_store.py`; the cluster tests run all of it there).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from indexer import snapshot
from indexer.build import IndexBuilder
from indexer.reader import SnapshotReader
from indexer.snapshot_store import create_snapshot_store, sync
from kb.settings import Settings

pytestmark = pytest.mark.slow


@pytest.fixture
def tiny_settings(tiny_settings: Settings) -> Settings:
    """The fixture content without the second model, which nothing here reads:
    loading and running it for every index built was most of these tests' time."""
    return tiny_settings.replace(secondary_model="")


@pytest.fixture(params=["database", "s3"])
def replicated(tiny_settings: Settings, tmp_path: Path, request: pytest.FixtureRequest) -> Settings:
    database = f"sqlite:///{tmp_path / 'kb.db'}"
    if request.param == "database":
        return tiny_settings.replace(snapshot_store="database", database_url=database)
    return tiny_settings.replace(
        snapshot_store="s3",
        database_url=database,
        snapshot_s3_bucket=request.getfixturevalue("s3_bucket"),
        snapshot_s3_endpoint=request.getfixturevalue("s3_endpoint"),
    )


def test_indexer_pushes_and_a_node_serves_the_same_snapshot(
    replicated: Settings,
    tmp_path: Path,
    embedder,  # type: ignore[no-untyped-def]
) -> None:
    first = IndexBuilder(replicated, embedder=embedder).run()
    assert first.published and first.uploaded_files > 0
    store = create_snapshot_store(replicated)
    node = tmp_path / "node-index"
    assert sync.pull(store, node).snapshot == first.snapshot
    here, there = SnapshotReader(replicated.index_path).get(), SnapshotReader(node).get()
    assert there.titles == here.titles and there.vectors.size == here.vectors.size

    (replicated.content_path / "it" / "vpn-setup.md").write_text(
        "---\ntitle: VPN setup\n---\n## Connect\n\nOpen the VPN client and sign in with MFA.\n"
    )
    second = IndexBuilder(replicated, embedder=embedder).run()
    files = len(snapshot.read_manifest(snapshot.current_path(replicated.index_path))["files"])
    assert second.published and 0 < second.uploaded_files < files  # unchanged files stay
    pulled = sync.pull(store, node)
    assert pulled.snapshot == second.snapshot and 0 < pulled.transferred < files
    assert pulled.reused == files - pulled.transferred
    assert "VPN setup" in [t for t, _ in SnapshotReader(node).get().titles.values()]
    store.close()


def test_an_indexer_on_a_new_machine_continues_from_the_store(
    replicated: Settings,
    tmp_path: Path,
    embedder,  # type: ignore[no-untyped-def]
) -> None:
    first = IndexBuilder(replicated, embedder=embedder).run()
    elsewhere = replicated.replace(index_dir=str(tmp_path / "second-indexer"))
    report = IndexBuilder(elsewhere, embedder=embedder).run()
    assert not report.published and report.embedded_passages == 0
    assert snapshot.current_name(elsewhere.index_path) == first.snapshot


def test_a_snapshot_published_here_but_not_pushed_is_pushed_next_run(
    replicated: Settings,
    embedder,  # type: ignore[no-untyped-def]
) -> None:
    # What a `kb index` killed between its local publish and its push leaves.
    local_only = IndexBuilder(replicated.replace(snapshot_store="files"), embedder=embedder).run()
    store = create_snapshot_store(replicated)
    assert store.current() is None
    report = IndexBuilder(replicated, embedder=embedder).run()
    assert not report.published and report.uploaded_files > 0
    assert store.current() == local_only.snapshot
    store.close()
