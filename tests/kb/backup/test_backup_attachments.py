"""Attached files kept as files (`attachment_store = files`) are part of a
backup: packed with a checksum, added back by a restore before it loads the
database (a file already there stays), and a damaged part refused before
anything changes. Before, a backup left them out and a restore lost them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kb.attachments.blobs import FileBlobs
from kb.backup.archive import create_backup, restore_backup
from kb.errors import ConfigError
from kb.settings import Settings
from tests.kb.backup.test_backup import fill, tables

DATA = b"%PDF-1.4 the scanned invoice"


def _place(tmp_path: Path, name: str, store: str = "files") -> Settings:
    root = tmp_path / name
    return Settings.load(
        {
            "database_url": f"sqlite:///{tmp_path / (name + '.db')}",
            "content_dir": str(root / "content"),
            "index_dir": str(root / "index"),
            "attachment_store": store,
            "attachment_dir": str(root / "attachments"),
        },
        environ={},
    )


def _backed_up(tmp_path: Path) -> tuple[Path, str]:
    source = _place(tmp_path, "source")
    fill(source)
    digest = FileBlobs(Path(source.attachment_dir)).put(DATA)
    backup = tmp_path / "backup"
    report = create_backup(source, backup)
    assert report.attachment_files == 1
    info = json.loads((backup / "backup.json").read_text(encoding="utf-8"))
    assert info["attachments"]["files"] == 1
    return backup, digest


def test_attached_files_kept_as_files_are_backed_up_and_restored(tmp_path: Path) -> None:
    backup, digest = _backed_up(tmp_path)
    target = _place(tmp_path, "target")
    report = restore_backup(target, backup)
    assert report.attachment_files == 1
    assert FileBlobs(Path(target.attachment_dir)).get(digest) == DATA
    again = restore_backup(target, backup, replace=True)  # already there: kept as it is
    assert again.attachment_files == 0
    assert FileBlobs(Path(target.attachment_dir)).get(digest) == DATA
    assert not list(Path(target.attachment_dir).parent.glob("attachments.restoring"))


def test_a_damaged_attachments_part_is_refused_before_anything_changes(tmp_path: Path) -> None:
    backup, digest = _backed_up(tmp_path)
    (backup / "attachments.tar.gz").write_bytes(b"not the archive")
    target = _place(tmp_path, "target")
    before = tables(target.database_url)
    with pytest.raises(ConfigError, match="attachments.tar.gz is missing or does not match"):
        restore_backup(target, backup)
    assert tables(target.database_url) == before
    assert not FileBlobs(Path(target.attachment_dir)).has(digest)


def test_a_restore_into_the_database_store_says_where_the_files_are(tmp_path: Path) -> None:
    backup, _ = _backed_up(tmp_path)
    target = _place(tmp_path, "target", store="database")
    report = restore_backup(target, backup)
    assert any("attachment_store = files" in note for note in report.notes)
