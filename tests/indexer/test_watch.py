"""The content watcher: a change made while another pass holds the index is not dropped."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from indexer import snapshot
from indexer.build import IndexBuilder
from indexer.reader import SnapshotReader
from kb.settings import Settings
from tests.indexer.watcher import watching
from tests.support import HashingEmbedder


def _indexed(settings: Settings, article_id: str, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if article_id in SnapshotReader(settings.index_path).get().titles:
            return True
        time.sleep(0.1)
    return False


def test_a_change_made_while_the_index_is_locked_is_indexed_once_it_is_free(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """The web app's index worker may hold the index folder when a file changes;
    the watcher tries again instead of dropping the change until the next rescan."""
    content = tmp_path / "content"
    (content / "hr").mkdir(parents=True)
    (content / "hr" / "leave.md").write_text("# Annual leave\nYou get 30 days.\n", "utf-8")
    # Without the second model, whose vectors nothing here reads.
    settings = Settings.load(
        {"content_dir": str(content), "index_dir": str(tmp_path / "index"), "secondary_model": ""},
        environ={},
    )
    builder = IndexBuilder(settings, embedder=HashingEmbedder())
    builder.run()
    with watching(builder, caplog, wait_lock=True) as reports:
        with snapshot.IndexLock(settings.index_path):  # as another pass would
            (content / "hr" / "sabbatical.md").write_text("# Sabbatical\nSix months.\n", "utf-8")
            assert not _indexed(settings, "hr/sabbatical.md", 1.5)
        assert _indexed(settings, "hr/sabbatical.md", 60), reports
    assert reports and reports[-1].added == 1


def test_a_picture_written_wakes_the_watcher_and_a_hidden_file_does_not() -> None:
    """An article's picture changed alone changes what its page shows."""
    from watchdog.events import FileModifiedEvent

    from indexer.watch import _Changes

    changes = _Changes()
    changes.on_any_event(FileModifiedEvent("/c/it/.cache/x.png"))
    assert not changes.event.is_set()
    changes.on_any_event(FileModifiedEvent("/c/it/pics/Panel.PNG"))
    assert changes.event.is_set()
