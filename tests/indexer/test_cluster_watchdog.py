"""The watchdog of a node's cluster lock: its timing comes from two settings.

No PostgreSQL server is needed: the watchdog's connections go to a socket
folder nobody listens in, and each attempt is timed. The lock itself, against
a real server, is `tests/kb/backup/test_restore_in_cluster.py`'s.
"""

from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import Any

import psycopg
import pytest

from indexer import cluster_users
from indexer.cluster_users import InCluster
from kb.errors import ConfigError
from kb.settings import Settings


def _settings(**values: object) -> Settings:
    return Settings.load(values, environ={})


def test_the_watchdog_keeps_its_former_timing_by_default() -> None:
    settings = _settings()
    assert settings.cluster_check_seconds == 5.0
    assert settings.cluster_max_backoff_seconds == 60.0
    node = InCluster.of(settings, "kb serve")
    assert (node.check_seconds, node.max_backoff) == (5.0, 60.0)


def test_the_watchdog_s_timing_is_read_from_the_environment_and_a_file(tmp_path: Path) -> None:
    file = tmp_path / "kb.toml"
    file.write_text("[kb]\ncluster_max_backoff_seconds = 300\n", encoding="utf-8")
    settings = Settings.load(environ={"KB_CLUSTER_CHECK_SECONDS": "2.5"}, file=file)
    node = InCluster.of(settings, "index watcher")
    assert (node.check_seconds, node.max_backoff) == (2.5, 300.0)


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"cluster_check_seconds": "0"}, "cluster_check_seconds must be at least 0.1, got '0'"),
        ({"cluster_check_seconds": "soon"}, "cluster_check_seconds must be a float, got 'soon'"),
        (
            {"cluster_max_backoff_seconds": "7200"},
            "cluster_max_backoff_seconds must be at most 3600, got '7200'",
        ),
        (
            {"cluster_check_seconds": "30", "cluster_max_backoff_seconds": "10"},
            r"cluster_max_backoff_seconds \(10\) must be at least cluster_check_seconds \(30\)",
        ),
    ],
)
def test_a_bad_timing_is_refused_naming_the_setting(values: dict[str, str], message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        _settings(**values)


def test_a_bad_timing_names_where_it_was_set() -> None:
    with pytest.raises(ConfigError, match="environment variable KB_CLUSTER_CHECK_SECONDS"):
        Settings.load(environ={"KB_CLUSTER_CHECK_SECONDS": "-1"})


def test_the_lock_itself_refuses_a_check_longer_than_its_backoff() -> None:
    with pytest.raises(ValueError, match=r"check interval \(2\.0 s\) .* backoff \(1\.0 s\)"):
        InCluster("sqlite:///kb.db", "kb serve", check_seconds=2.0, max_backoff=1.0)


class TimedStop(threading.Event):
    """The watchdog's stop event, noting each pause the watchdog asks it for."""

    def __init__(self) -> None:
        super().__init__()
        self.pauses: list[float | None] = []

    def wait(self, timeout: float | None = None) -> bool:
        self.pauses.append(timeout)
        return super().wait(timeout)


def test_attempts_follow_the_configured_interval_and_backoff(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """PostgreSQL unreachable from the start: the node starts, then tries again
    after the check interval, twice as long after each failure, never longer
    than the longest backoff. The pauses are the ones the watchdog asks for; the
    clock only shows it waited at least that long (a loaded machine may keep
    its thread waiting longer)."""
    attempts: list[float] = []

    def refused(conninfo: str, name: str) -> Any:
        attempts.append(time.monotonic())
        raise psycopg.OperationalError("connection refused")

    monkeypatch.setattr(cluster_users, "_connect", refused)
    settings = _settings(
        database_url=f"postgresql://kb@/kb?host={tmp_path}",
        cluster_check_seconds="0.1",
        cluster_max_backoff_seconds="0.4",
    )
    node = InCluster.of(settings, "kb serve")
    node._stop = stop = TimedStop()
    with node:
        deadline = time.monotonic() + 60
        while len(attempts) < 6 and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not node.holding
    # 0.1, 0.2, 0.4, then the longest backoff: 0.4, 0.4.
    planned = [0.1, 0.2, 0.4, 0.4, 0.4]
    assert stop.pauses[:5] == planned
    waits = [b - a for a, b in zip(attempts, attempts[1:], strict=False)][:5]
    assert len(waits) == 5
    for wait, pause in zip(waits, planned, strict=True):
        assert wait >= pause * 0.9, waits
