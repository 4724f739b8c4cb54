"""The periodic insights jobs: each runs once per turn however many workers try."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from kb.insights.scheduler import InsightsScheduler
from kb.insights.store import InsightsStore, insights_store
from kb.results import Query, SearchResponse
from kb.store.factory import create_store


@pytest.fixture
def store(tmp_path: Path) -> Iterator[InsightsStore]:
    opened = create_store(f"sqlite:///{tmp_path / 'kb.db'}")
    yield insights_store(opened)
    opened.close()


def test_two_workers_share_the_jobs(store: InsightsStore) -> None:
    now = [datetime(2026, 3, 10, tzinfo=UTC)]
    days: list[str] = []

    def search(query: Query) -> SearchResponse:
        raise AssertionError("no topics, nothing to search")

    def worker(name: str) -> InsightsScheduler:
        return InsightsScheduler(
            store, search, lambda: "snap", lambda: days.append(name), clock=lambda: now[0]
        )

    first, second = worker("first"), worker("second")
    assert first.run_once() == ["refresh", "daily", "weekly"]
    assert second.run_once() == []
    now[0] += timedelta(minutes=5)
    assert second.run_once() == ["refresh"]
    now[0] += timedelta(days=1)
    assert first.run_once() == ["refresh", "daily"]
    assert days == ["first", "first"]
