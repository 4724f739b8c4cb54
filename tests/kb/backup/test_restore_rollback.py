"""`kb restore` all or nothing: a failure after the database was loaded (putting
the content folder in place, publishing the snapshot) is rolled back and said
so; a rollback that fails too says where what was there is kept. And the
folders restores set aside: named, and only the newest few kept."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from indexer import snapshot
from kb.backup import switching
from kb.backup.archive import restore_backup
from kb.backup.recovery import recover_at_start
from kb.backup.restoring import RestoreFailed
from kb.settings import Settings
from tests.kb.backup.test_backup import files, place, tables
from tests.kb.backup.test_backup_refusals import _backup
from tests.snapshots import SECOND, make_snapshot
from tests.support import run_kb

SERVED = "20260404T090000-bbbb"


def _changed_since(source: Settings) -> dict[str, Any]:
    """The source after its backup: an edited article and a newer snapshot; what
    a rolled-back restore must leave as it is."""
    (source.content_path / "it" / "vpn.md").write_text("edited since the backup\n")
    make_snapshot(source.index_path, SERVED, SECOND)
    return {
        "rows": tables(source.database_url),
        "content": files(source.content_path),
        "current": snapshot.current_name(source.index_path),
        "snapshots": sorted(p.name for p in snapshot.snapshots_dir(source.index_path).iterdir()),
    }


def _as_before(source: Settings, before: dict[str, Any]) -> None:
    assert tables(source.database_url) == before["rows"]
    assert files(source.content_path) == before["content"]
    assert snapshot.current_name(source.index_path) == before["current"] == SERVED
    assert (
        sorted(p.name for p in snapshot.snapshots_dir(source.index_path).iterdir())
        == before["snapshots"]
    )
    assert not (source.content_path.parent / "content.restoring").exists()
    assert not list(source.content_path.parent.glob("content.before-restore-*"))


def _failing_publish(monkeypatch: pytest.MonkeyPatch, times: int) -> None:
    """Publishing a snapshot fails `times` times (a full disk), then works again."""
    publish = snapshot.publish
    left = [times]

    def failing(index_dir: Path, folder: Path) -> None:
        if left[0] > 0:
            left[0] -= 1
            raise OSError(28, "No space left on device")
        publish(index_dir, folder)

    monkeypatch.setattr(snapshot, "publish", failing)


def test_a_snapshot_that_cannot_be_published_rolls_the_whole_restore_back(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source, backup = _backup(tmp_path)
    # The backup's snapshot is no longer there: the restore copies it in.
    (tmp_path / "source" / "index" / "snapshots" / "20260303T090000-aaaa").rename(
        tmp_path / "old-snapshot"
    )
    before = _changed_since(source)
    _failing_publish(monkeypatch, 1)
    with pytest.raises(RestoreFailed) as failed:
        restore_backup(source, backup, replace=True)
    said = failed.value.message
    assert "No space left on device" in said and "rolled back" in said
    assert failed.value.details["rolled_back"] is True
    _as_before(source, before)
    # What --replace would have deleted stays kept, and the message says where.
    kept = failed.value.details["before_restore"]
    assert kept and f"kept in {kept}" in said and (Path(kept) / "backup.json").is_file()
    # Mended, the same restore goes through.
    restore_backup(source, backup, replace=True)
    assert "Connect with MFA" in (source.content_path / "it" / "vpn.md").read_text()
    assert snapshot.current_name(source.index_path) == "20260303T090000-aaaa"


def test_a_restore_into_an_empty_database_is_rolled_back_to_empty(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The content folder cannot be put in place: the loaded rows are deleted again."""
    _, backup = _backup(tmp_path)
    target = place(tmp_path, "target", f"sqlite:///{tmp_path / 'target.db'}")
    target.content_path.mkdir(parents=True)
    (target.content_path / "draft.md").write_text("a local draft\n")
    empty = tables(target.database_url)
    switch = switching.content_in

    def moved_then_failed(*args: Any) -> None:
        switch(*args)
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(switching, "content_in", moved_then_failed)
    with pytest.raises(RestoreFailed, match="rolled back") as failed:
        restore_backup(target, backup)
    assert failed.value.details == {"rolled_back": True, "before_restore": None}
    assert tables(target.database_url) == empty and not any(empty.values())
    assert files(target.content_path) == {"draft.md": b"a local draft\n"}
    assert snapshot.current_name(target.index_path) is None
    assert not list(target.content_path.parent.glob("content.*"))


def test_a_rollback_that_fails_too_says_what_is_where(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source, backup = _backup(tmp_path)
    before = _changed_since(source)
    publish = snapshot.publish
    calls: list[str] = []

    def published_then_full(index_dir: Path, folder: Path) -> None:
        """The backup's snapshot is published before the disk fills; the one
        served before cannot be published again."""
        calls.append(folder.name)
        if len(calls) == 1:
            publish(index_dir, folder)
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(snapshot, "publish", published_then_full)
    with pytest.raises(RestoreFailed) as failed:
        restore_backup(source, backup, replace=True)
    said, kept = failed.value.message, failed.value.details["before_restore"]
    assert failed.value.details["rolled_back"] is False
    assert "putting back the index" in said and "part restored" in said
    assert f"`kb restore --replace {kept}` brings them back" in said
    assert "the next `kb restore`, `kb index` or `kb serve` tries to put it back again" in said
    # The database and the content folder were put back all the same.
    assert (source.content_path / "it" / "vpn.md").read_text() == "edited since the backup\n"
    assert snapshot.current_name(source.index_path) == "20260303T090000-aaaa"
    # The disk has room again: the next start puts the index back too, and says so.
    monkeypatch.setattr(snapshot, "publish", publish)
    said_now = recover_at_start(source)
    assert len(said_now) == 1 and "it is rolled back now" in said_now[0], said_now
    _as_before(source, before)
    assert recover_at_start(source) == []  # the journal is gone


def test_the_folders_restores_set_aside_are_named_and_the_newest_kept(tmp_path: Path) -> None:
    source, backup = _backup(tmp_path)
    reports = [restore_backup(source, backup, replace=True, keep=2) for _ in range(4)]
    kept = {str(p) for p in source.content_path.parent.glob("backup.before-restore-*")}
    assert kept == {r.before_restore for r in reports[2:]}  # within one second as well
    assert len(list(source.content_path.parent.glob("content.before-restore-*"))) == 2
    assert reports[2].removed == [reports[0].before_restore, *reports[2].removed[1:]]
    assert any("removed 2 older folder(s)" in n for n in reports[2].notes)
    assert not reports[1].removed
    # The CLI: --keep, and where the pre-restore backup is, in its JSON report.
    args = [
        *("--set", f"database_url={source.database_url}"),
        *("--set", f"content_dir={source.content_dir}"),
        *("--set", f"index_dir={source.index_dir}"),
    ]
    env = {"KB_SETTINGS": "/dev/null"}
    done = run_kb(env, *args, "restore", "--replace", "--keep", "1", "--json", str(backup))
    assert done.exit_code == 0, done.output
    report = json.loads(done.stdout)
    assert report["before_restore"] == str(
        *source.content_path.parent.glob("backup.before-restore-*")
    )
    assert len(report["removed"]) == 2 * 2  # one older backup and content folder of each
    refused = run_kb(env, *args, "restore", "--replace", "--keep", "0", str(backup))
    assert refused.exit_code == 2 and "--keep" in refused.output
