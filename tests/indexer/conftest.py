"""Fixtures shared by the indexer's snapshot tests."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from indexer.snapshot_store import SnapshotStore, create_snapshot_store
from kb.settings import Settings


@pytest.fixture
def store(tmp_path: Path) -> Iterator[SnapshotStore]:
    """The database snapshot store on a SQLite file (`test_snapshot_store.py`
    has its own, over every backend)."""
    settings = Settings.load(
        {"snapshot_store": "database", "database_url": f"sqlite:///{tmp_path}/kb.db"}, environ={}
    )
    opened = create_snapshot_store(settings)
    yield opened
    opened.close()
