"""A node of several with no snapshot yet, while the database is unreachable.

A new node (or one whose index folder was wiped) has nothing to serve until
it takes the snapshot store's current snapshot, and with signed snapshots it
needs the cluster's sequence mark (`indexer.sequence_mark`) to check it. No
PostgreSQL server is needed: "down" is a PostgreSQL URL whose socket folder
nobody listens in, or a SQLite file in a folder that does not exist.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path

import pytest

from indexer import snapshot
from indexer.sequence_mark import SequenceMark
from indexer.snapshot_store import SnapshotStore, create_snapshot_store, sync
from kb.errors import IndexNotFoundError
from kb.settings import Settings
from tests.snapshots import FIRST, make_snapshot
from tests.support import FakeEngine
from webapp import create_app
from webapp.server import prepare, start_follower

SECRET = "shared-by-every-node"


@pytest.fixture
def down(settings: Settings, tmp_path: Path) -> Settings:
    """A node of several: no snapshot here, its database not reachable."""
    return settings.replace(
        database_url=f"postgresql://kb@/kb?host={tmp_path}&connect_timeout=2",
        snapshot_store="database",
        secret_key=SECRET,
        snapshot_poll_seconds=0.05,
    )


def test_a_node_without_a_snapshot_starts_and_says_it_has_none(
    down: Settings, engine: FakeEngine, caplog: pytest.LogCaptureFixture
) -> None:
    """It exited ("run `kb index` first"), so systemd started it again every
    two seconds for as long as the database was down: a crash loop that
    served nothing and said the wrong thing."""
    assert snapshot.current_name(down.index_path) is None
    prepare(down)
    assert "could not open the snapshot store" in caplog.text
    assert "this node has no snapshot yet: it answers 503 (index_not_ready)" in caplog.text
    app = create_app({"KB_SETTINGS": down, "TESTING": True, "KB_ENGINE_FACTORY": lambda _: engine})
    health = app.test_client().get("/api/health")
    assert health.status_code == 503  # a load balancer sends it nothing
    error = health.get_json()["error"]
    assert error["code"] == "index_not_ready"
    assert "This node has no snapshot yet" in error["message"]
    assert "kb index" not in error["message"]


def test_a_single_machine_without_a_snapshot_still_refuses_to_start(settings: Settings) -> None:
    with pytest.raises(IndexNotFoundError, match="run `kb index` first"):
        prepare(settings)


def test_the_follower_keeps_trying_without_a_crash_or_a_flood_of_errors(
    down: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    follower = start_follower(down)
    try:
        with caplog.at_level(logging.ERROR, logger="indexer.snapshot_store.sync"):
            for _ in range(3):
                assert follower.round().snapshot is None
        assert follower._thread is not None and follower._thread.is_alive()
    finally:
        follower.stop()
    failures = [r for r in caplog.records if "snapshot follower" in r.getMessage()]
    assert len(failures) == 1  # once per distinct message, not once a round
    assert "serving the snapshot this node has" in failures[0].getMessage()
    assert snapshot.current_name(down.index_path) is None


@pytest.fixture
def store(tmp_path: Path) -> Iterator[SnapshotStore]:
    """The database snapshot store on a SQLite file that answers."""
    opened = create_snapshot_store(
        Settings.load(
            {"snapshot_store": "database", "database_url": f"sqlite:///{tmp_path}/store.db"},
            environ={},
        )
    )
    yield opened
    opened.close()


def test_a_node_takes_no_snapshot_it_cannot_check_against_the_cluster_s_mark(
    store: SnapshotStore, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """The snapshot store answers, but the database holding the highest
    sequence the cluster served does not: the store might name an old signed
    snapshot replayed, so the node serves nothing rather than that."""
    published = make_snapshot(tmp_path / "indexer", "20260101T000000-aaaa", FIRST, SECRET, 10)
    sync.push(store, published, keep=5)
    node = tmp_path / "node"
    gone = f"postgresql://kb@/kb?host={tmp_path}&connect_timeout=2"
    reachable = f"sqlite:///{tmp_path / 'kb.db'}"
    urls = [gone, gone, reachable]
    follower = sync.SnapshotFollower(
        lambda: store, node, 3, 0.05, SECRET, lambda: SequenceMark.open(urls.pop(0))
    )
    try:
        assert follower.round().snapshot is None
        assert follower.round().snapshot is None
        assert snapshot.current_name(node) is None
        assert "could not open" in caplog.text and "highest snapshot sequence" in caplog.text
        assert caplog.text.count("snapshot follower:") == 1
        # The database is back: the snapshot is checked, taken and recorded.
        assert follower.round().snapshot == published.name
        assert snapshot.current_name(node) == published.name
        assert "snapshot store reachable again" in caplog.text
    finally:
        if follower.mark is not None:
            follower.mark.close()
