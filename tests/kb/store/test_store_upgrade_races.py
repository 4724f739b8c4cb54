"""Contract: processes that start at once on an old database upgrade it once.

After an upgrade, `systemctl start` brings up the web workers, the indexer,
the deliverer and the backup timer together, each opening the store. The
first migrates (one transaction, under the backend's lock); the others wait
and find the schema at head. Processes here are real ones, held at a
starting line until all have imported the package, then let go together.
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

from alembic import command
from sqlalchemy import text

from kb.store.factory import build_engine, create_store
from kb.store.migrate import alembic_config, current_revisions, head_revisions
from tests.conftest import ROOT

# Imports first, then waits for the starting line, then opens the store.
OPENER = """
import sys, time
from pathlib import Path
from kb.store.factory import create_store
Path(sys.argv[2]).touch()
while not Path(sys.argv[3]).exists():
    time.sleep(0.01)
create_store(sys.argv[1]).close()
"""


def _open_at_once(url: str, folder: Path, count: int) -> list[tuple[int, str]]:
    go = folder / "go"
    ready = [folder / f"ready-{n}" for n in range(count)]
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", OPENER, url, str(mark), str(go)],
            cwd=ROOT,
            stderr=subprocess.PIPE,
            text=True,
        )
        for mark in ready
    ]
    deadline = time.monotonic() + 120
    while not all(mark.exists() for mark in ready) and time.monotonic() < deadline:
        time.sleep(0.05)
    go.touch()
    return [(proc.wait(timeout=120), proc.stderr.read() if proc.stderr else "") for proc in procs]


def _first_revision() -> str:
    from alembic.script import ScriptDirectory

    scripts = ScriptDirectory.from_config(alembic_config())
    return list(scripts.walk_revisions())[-1].revision


def test_processes_starting_together_on_an_old_database_upgrade_it_once(
    store_url: str, tmp_path: Path
) -> None:
    engine, _ = build_engine(store_url)
    try:
        with engine.begin() as conn:  # an installation of the first release
            command.upgrade(alembic_config(conn), _first_revision())
        results = _open_at_once(store_url, tmp_path, 4)
        assert all(code == 0 for code, _ in results), results
        with engine.connect() as conn:
            assert current_revisions(conn) == head_revisions()
            assert conn.execute(text("SELECT count(*) FROM alembic_version")).scalar_one() == 1
    finally:
        engine.dispose()
    create_store(store_url).close()  # and the next start finds nothing to do


def test_processes_starting_together_on_a_new_database_create_it_once(
    store_url: str, tmp_path: Path
) -> None:
    results = _open_at_once(store_url, tmp_path, 4)
    assert all(code == 0 for code, _ in results), results
    engine, _ = build_engine(store_url)
    try:
        with engine.connect() as conn:
            assert current_revisions(conn) == head_revisions()
    finally:
        engine.dispose()
