"""Fixtures of the store's contract tests.

`store` is a fresh, migrated store, once per backend: "sqlite" (a file under
the test's tmp_path) and "postgresql" (a new database on the real PostgreSQL
server of `tests.postgres`, shared by every test, copied from one migrated
once per session). `store_url` is
the URL behind it, for tests that open the same database again or from other
processes.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from kb.store.factory import create_store
from kb.store.protocols import Store
from tests.postgres import BACKENDS, fresh_database_url


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def store_url(backend: str, request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """The URL of a fresh database of the backend under test: empty, or, when
    the test takes `store` too (which then only opens it), already migrated."""
    migrated = "store" in request.fixturenames
    yield from fresh_database_url(backend, request, tmp_path, migrated=migrated)


@pytest.fixture
def store(store_url: str) -> Iterator[Store]:
    """A fresh, migrated store of the backend under test."""
    opened = create_store(store_url)
    yield opened
    opened.close()
