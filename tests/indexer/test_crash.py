"""A `kb index` process killed mid-build leaves the old snapshot serving, and
two processes at once cannot corrupt the index."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from indexer.build import IndexBuilder
from indexer.reader import SnapshotReader
from kb.settings import Settings

pytestmark = pytest.mark.slow


@pytest.fixture
def tiny_settings(tiny_settings: Settings) -> Settings:
    """The fixture content without the second model: what is checked here is
    which snapshot serves and who holds the lock, never its vectors, and
    loading and running it in each process was most of these tests' time."""
    return tiny_settings.replace(secondary_model="")


def kb_index(settings: Settings, *extra: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "kb",
            "-vv",
            "index",
            "--content",
            settings.content_dir,
            "--index",
            settings.index_dir,
            "--json",
            *extra,
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        # The same settings as `tiny_settings`: the second model off.
        env={**os.environ, "KB_SETTINGS": os.devnull, "KB_SECONDARY_MODEL": ""},
    )


def test_killed_build_leaves_old_snapshot_and_next_run_completes(
    tiny_settings: Settings, embedder
) -> None:  # type: ignore[no-untyped-def]
    IndexBuilder(tiny_settings, embedder=embedder).run()
    before = SnapshotReader(tiny_settings.index_path).get()
    (tiny_settings.content_path / "it" / "new.md").write_text("# New article\nSomething new.\n")
    proc = kb_index(tiny_settings, "--full")
    assert proc.stderr is not None
    for line in proc.stderr:
        if "writing snapshot" in line:
            proc.send_signal(signal.SIGKILL)
            break
    proc.wait(timeout=120)
    assert proc.returncode == -signal.SIGKILL
    after_kill = SnapshotReader(tiny_settings.index_path).get()
    assert after_kill.name == before.name
    assert after_kill.article("hr/annual-leave.md") is not None
    report = IndexBuilder(tiny_settings, embedder=embedder).run()
    assert report.published and report.added == 1
    snapshots = {p.name for p in (tiny_settings.index_path / "snapshots").iterdir()}
    assert all(
        (tiny_settings.index_path / "snapshots" / n / "manifest.json").exists() for n in snapshots
    )


def test_two_processes_at_once(tiny_settings: Settings) -> None:
    first, second = kb_index(tiny_settings), kb_index(tiny_settings)
    outs = [p.communicate(timeout=300) for p in (first, second)]
    codes = sorted(p.returncode for p in (first, second))
    messages = "".join(err for _, err in outs)
    if codes == [0, 0]:
        # The second started after the first finished: it found nothing to do.
        reports = [json.loads(out) for out, _ in outs]
        assert sorted(r["published"] for r in reports) == [False, True]
    else:
        assert codes == [0, 1], messages
        assert "another `kb index` run" in messages
    snap = SnapshotReader(Path(tiny_settings.index_dir)).get()
    assert len(snap.titles) == 4
