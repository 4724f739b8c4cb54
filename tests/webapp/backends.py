"""The web app on SQLite and on PostgreSQL: fixtures for the API's contract tests.

A test module (or conftest) that imports `backend` and `settings` from here
runs every test twice: on a SQLite file and on a fresh database of the real
PostgreSQL server (`tests.postgres`; those runs are marked `postgres`).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from kb.settings import Settings
from tests.postgres import BACKENDS, PostgresServer


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def settings(tmp_path: Path, backend: str, request: pytest.FixtureRequest) -> Iterator[Settings]:
    url = f"sqlite:///{tmp_path / 'kb.db'}"
    server: PostgresServer | None = None
    name = ""
    if backend == "postgresql":
        server = request.getfixturevalue("postgres_server")
        name, url = server.create_database()
    yield Settings.load(
        {
            "database_url": url,
            "index_dir": str(tmp_path / "index"),
            "content_dir": str(tmp_path / "content"),
            "secret_key": "test-secret",
            # A loaded machine must not make a search answer without its id.
            "search_log_wait": 10.0,
        },
        environ={},
    )
    if server is not None:
        server.drop_database(name)
