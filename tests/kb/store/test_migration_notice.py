"""An automatic schema upgrade at start is said, at WARNING, naming both
revisions; creating a new database's tables is not. A `kb` command that
triggers an upgrade prints the line on stderr, and its `--json` output stays
JSON alone on stdout."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from alembic import command

from kb.store.factory import build_engine, create_store
from kb.store.migrate import alembic_config, head_revisions

BEFORE = "0022_account_aliases"


def _kb(url: str, cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "KB_DATABASE_URL": url, "KB_SETTINGS": os.devnull}
    return subprocess.run(
        [sys.executable, "-m", "kb", *args], env=env, cwd=cwd, capture_output=True, text=True
    )


def test_an_upgrade_is_a_warning_on_stderr_and_json_stays_alone_on_stdout(
    tmp_path: Path,
) -> None:
    url = f"sqlite:///{tmp_path / 'kb.db'}"
    created = _kb(url, tmp_path, "insights", "overview", "--json")
    assert created.returncode == 0, created.stderr
    assert "schema" not in created.stderr  # a new database's tables: INFO only
    engine, _ = build_engine(url)
    with engine.begin() as conn:
        command.downgrade(alembic_config(conn), BEFORE)
    engine.dispose()

    upgraded = _kb(url, tmp_path, "insights", "overview", "--json")
    assert upgraded.returncode == 0, upgraded.stderr
    assert isinstance(json.loads(upgraded.stdout), dict)
    (head,) = head_revisions()
    (line,) = [line for line in upgraded.stderr.splitlines() if "upgrading" in line]
    assert " WARNING kb.store.migrate: " in line and str(tmp_path / "kb.db") in line
    assert f"from revision {BEFORE} to {head}" in line

    again = _kb(url, tmp_path, "insights", "overview", "--json")
    assert again.returncode == 0 and "upgrading" not in again.stderr
    create_store(url).close()  # at head: opened without a word
