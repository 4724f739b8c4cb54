"""`kb restore` on one machine while nodes on others use the same PostgreSQL.

The index folder's lock sees only this machine. Each server and watcher
also holds a shared advisory lock on a PostgreSQL connection of its own
(`indexer.cluster_users`); a restore is refused while any holds it, naming
each by its connection's name and address, goes ahead once a node is killed
(the server drops a dead session's locks), and goes ahead when the operator
says so. A node that starts during a restore waits for it. A node whose
connection was ended takes its lock again (`pg_terminate_backend`, as a
restart of PostgreSQL or a failover would end it).
"""

from __future__ import annotations

import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import psycopg
import pytest

from indexer import cluster_users
from indexer.cluster_users import InCluster, sole_in_cluster
from kb.backup.archive import create_backup, restore_backup
from kb.errors import IndexLockedError
from kb.settings import Settings
from tests.kb.backup.test_backup import fill, place, tables
from tests.postgres import PostgresServer

pytestmark = pytest.mark.postgres
ROOT = Path(__file__).resolve().parents[3]
HOST = socket.gethostname()
# A node on "another machine": its own process, holding the lock until killed.
NODE = """
import sys, time
from indexer.cluster_users import InCluster
with InCluster(sys.argv[1], "kb serve"):
    print("holding", flush=True)
    time.sleep(600)
"""


@pytest.fixture
def database(postgres_server: PostgresServer) -> Iterator[str]:
    name, url = postgres_server.create_database()
    yield url
    postgres_server.drop_database(name)


def _backed_up(tmp_path: Path, url: str) -> tuple[Settings, Path]:
    source = place(tmp_path, "source", url)
    fill(source)
    backup = tmp_path / "backup"
    create_backup(source, backup)
    return source, backup


def _holders(url: str) -> list[str]:
    conn = cluster_users._connect(str(cluster_users.postgres_conninfo(url)), "test")
    try:
        return cluster_users.users(conn)
    finally:
        conn.close()


def test_a_restore_is_refused_while_a_node_elsewhere_runs_and_goes_ahead_once_killed(
    tmp_path: Path, database: str
) -> None:
    source, backup = _backed_up(tmp_path, database)
    before = tables(database)
    (source.content_path / "it" / "vpn.md").write_text("edited since the backup\n")
    node = subprocess.Popen(
        [sys.executable, "-c", NODE, database], cwd=ROOT, stdout=subprocess.PIPE
    )
    try:
        assert node.stdout is not None and node.stdout.readline() == b"holding\n"
        said = f"kb serve on {HOST} \\(from .*\\) uses this database"
        with pytest.raises(IndexLockedError, match=f"{said}.*--while-running"):
            restore_backup(source, backup, replace=True)
        assert tables(database) == before
        assert (source.content_path / "it" / "vpn.md").read_text() == "edited since the backup\n"
    finally:
        node.send_signal(signal.SIGKILL)  # no chance to let go of its lock itself
        node.wait(timeout=30)
    deadline = time.monotonic() + 30
    while _holders(database) and time.monotonic() < deadline:  # the server notices
        time.sleep(0.1)
    restore_backup(source, backup, replace=True)
    assert "Connect with MFA" in (source.content_path / "it" / "vpn.md").read_text()


def test_every_node_is_named_and_the_operator_may_go_ahead(tmp_path: Path, database: str) -> None:
    source, backup = _backed_up(tmp_path, database)
    with InCluster(database, "kb serve"), InCluster(database, "index watcher"):
        with pytest.raises(IndexLockedError) as refused:
            restore_backup(source, backup, replace=True)
        assert f"index watcher on {HOST}" in str(refused.value)
        assert f"kb serve on {HOST}" in str(refused.value)
        report = restore_backup(source, backup, replace=True, while_running=True)
        assert report.rows
    assert _holders(database) == []  # both let go when they ended


def test_a_node_that_starts_during_a_restore_waits_for_it(database: str) -> None:
    started = threading.Event()

    def start_node() -> None:
        with InCluster(database, "kb serve"):
            started.set()

    with sole_in_cluster(database, "--while-running"):
        node = threading.Thread(target=start_node)
        node.start()
        assert not started.wait(1.0)  # blocked while the restore holds the database
    assert started.wait(30)
    node.join(30)


def test_a_node_starts_without_postgresql_and_sqlite_needs_no_lock(
    caplog: pytest.LogCaptureFixture, tmp_path: Path
) -> None:
    unreachable = "postgresql+psycopg://kb@127.0.0.1:1/kb?connect_timeout=2"
    with InCluster(unreachable, "kb serve"):  # starts anyway: serving matters more
        pass
    assert "a `kb restore` on another machine will not see it" in caplog.text
    sqlite = f"sqlite:///{tmp_path / 'kb.db'}"
    # One machine: the index folder's lock is the only one.
    with InCluster(sqlite, "kb serve"), sole_in_cluster(sqlite, "--while-running"):
        pass


def _end_connections_of(url: str, name: str) -> int:
    """End the server's backends of the connections called `name`, as a
    restart or an administrator would; how many were ended."""
    conn = psycopg.connect(str(cluster_users.postgres_conninfo(url)), autocommit=True)
    try:
        rows = conn.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
            " WHERE application_name = %s AND datname = current_database()",
            [name],
        ).fetchall()
        return len(rows)
    finally:
        conn.close()


def _wait_for(check: Callable[[], bool], seconds: float = 30) -> bool:
    deadline = time.monotonic() + seconds
    while not check():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True


def test_a_node_whose_connection_was_ended_takes_its_lock_again(
    tmp_path: Path, database: str, caplog: pytest.LogCaptureFixture
) -> None:
    source, backup = _backed_up(tmp_path, database)
    node = f"kb serve on {HOST}"
    with InCluster(database, "kb serve", check_seconds=0.1, max_backoff=0.4):
        assert len(_holders(database)) == 1
        assert _end_connections_of(database, node) == 1
        assert _wait_for(lambda: "lost its PostgreSQL connection" in caplog.text)
        assert _wait_for(lambda: "holds its PostgreSQL lock again" in caplog.text)
        assert len(_holders(database)) == 1
        with pytest.raises(IndexLockedError, match=f"{node} \\(from .*\\) uses this database"):
            restore_backup(source, backup, replace=True)
    assert _holders(database) == []


def test_a_node_that_reconnects_during_a_restore_waits_for_it_to_end(
    database: str, caplog: pytest.LogCaptureFixture
) -> None:
    # A check a second apart leaves the restore time to start in between.
    with InCluster(database, "kb serve", check_seconds=1.0, max_backoff=1.0) as node:
        _end_connections_of(database, f"kb serve on {HOST}")
        with sole_in_cluster(database, "--while-running"):
            assert _wait_for(lambda: "a kb restore is running on this database" in caplog.text)
            assert not node.holding
        assert _wait_for(lambda: node.holding)
        assert len(_holders(database)) == 1


def test_a_node_started_while_postgresql_was_unreachable_is_seen_once_it_is(
    postgres_server: PostgresServer, caplog: pytest.LogCaptureFixture
) -> None:
    name, url = postgres_server.create_database()
    postgres_server.drop_database(name)  # the node's database is not there yet
    try:
        with InCluster(url, "kb serve", check_seconds=0.1, max_backoff=0.4) as node:
            assert not node.holding
            assert "will not see it until PostgreSQL is reachable" in caplog.text
            with postgres_server.admin() as admin:
                admin.execute(f'CREATE DATABASE "{name}"')
            assert _wait_for(lambda: node.holding)
            assert len(_holders(url)) == 1
    finally:
        postgres_server.drop_database(name)


def test_a_server_on_this_machine_does_not_hide_the_nodes_elsewhere(
    tmp_path: Path, database: str
) -> None:
    """Both the index folder and the database are asked before the refusal: it
    names the server here and every node using the database (before, the index
    folder's refusal came first and named the server here alone)."""
    import os

    from indexer.index_users import InUse

    source, backup = _backed_up(tmp_path, database)
    before = tables(database)
    with InUse(source.index_path, "kb serve"), InCluster(database, "index watcher"):
        with pytest.raises(IndexLockedError) as refused:
            restore_backup(source, backup, replace=True)
        said = str(refused.value)
        assert f"kb serve (pid {os.getpid()}) on this machine" in said
        assert f"index watcher on {HOST}" in said and "--while-running" in said
    assert tables(database) == before
