"""Backups `kb restore` refuses before it changes anything, and what it says.

A backup folder is read by the operator's tools and copied between machines:
a `backup.json` that was cut short or edited, one that names a snapshot
outside the index folder, or one that a newer version wrote must stop the
restore with one line that says what is wrong, and leave the database, the
content folder and the index as they were.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import text

from indexer import snapshot
from kb.accounts.service import add_user
from kb.backup.archive import create_backup, restore_backup
from kb.errors import ConfigError, IndexLockedError, StoreError
from kb.requests.records import Request
from kb.settings import Settings
from kb.store.factory import create_store
from tests.kb.backup.test_backup import files, fill, place, tables
from tests.snapshots import FIRST, make_snapshot
from tests.support import run_kb


def _backup(tmp_path: Path) -> tuple[Settings, Path]:
    source = place(tmp_path, "source", f"sqlite:///{tmp_path / 'source.db'}")
    fill(source)
    backup = tmp_path / "backup"
    create_backup(source, backup)
    return source, backup


def _edit(backup: Path, change: dict[str, object]) -> None:
    info = json.loads((backup / "backup.json").read_text(encoding="utf-8"))
    info.update(change)
    (backup / "backup.json").write_text(json.dumps(info), encoding="utf-8")


def _untouched(source: Settings, before: dict[str, object], content: dict[str, bytes]) -> None:
    assert tables(source.database_url) == before
    assert {
        p.relative_to(source.content_path).as_posix(): p.read_bytes()
        for p in source.content_path.rglob("*")
        if p.is_file()
    } == content
    assert not list(source.content_path.parent.glob("content.*"))


@pytest.mark.parametrize(
    ("change", "said"),
    [
        ({"database": None}, "not shaped as a backup's description"),
        ({"content": {}}, "lacks 'sha256'"),
        ({"snapshot": {"name": "../../elsewhere", "files_included": True}}, "no snapshot folder"),
        ({"snapshot": {"name": "x"}}, "lacks 'files_included'"),
        ({"content": {"files": 2, "sha256": "not-a-digest"}}, "malformed checksum"),
    ],
)
def test_an_edited_description_is_refused_and_nothing_changes(
    tmp_path: Path, change: dict[str, object], said: str
) -> None:
    source, backup = _backup(tmp_path)
    before = tables(source.database_url)
    content = {
        p.relative_to(source.content_path).as_posix(): p.read_bytes()
        for p in source.content_path.rglob("*")
        if p.is_file()
    }
    _edit(backup, change)
    with pytest.raises(ConfigError, match=said):
        restore_backup(source, backup, replace=True)
    _untouched(source, before, content)


def test_a_snapshot_name_never_leads_out_of_the_index_folder(tmp_path: Path) -> None:
    source = place(tmp_path, "source", f"sqlite:///{tmp_path / 'source.db'}")
    fill(source)
    backup = tmp_path / "x" / "y" / "backup"
    create_backup(source, backup)
    victim = tmp_path / "victim"  # index/snapshots/../../../victim
    victim.mkdir()
    (victim / "keep.txt").write_text("precious")
    # The edited name leads out of the backup folder as far as out of the index folder.
    (backup / "snapshot" / "20260303T090000-aaaa").rename(tmp_path / "x" / "victim")
    _edit(backup, {"snapshot": {"name": "../../../victim", "files_included": True}})
    before = tables(source.database_url)
    with pytest.raises(ConfigError, match="no snapshot folder's name"):
        restore_backup(source, backup, replace=True)
    assert (victim / "keep.txt").read_text() == "precious"
    assert tables(source.database_url) == before


def test_a_backup_of_a_newer_version_is_refused_naming_its_revision(tmp_path: Path) -> None:
    source, backup = _backup(tmp_path)
    before = tables(source.database_url)
    info = json.loads((backup / "backup.json").read_text(encoding="utf-8"))
    info["database"]["revisions"] = ["9999_from_the_future"]
    (backup / "backup.json").write_text(json.dumps(info), encoding="utf-8")
    with pytest.raises(ConfigError, match="newer version of spoc-kb.*9999_from_the_future"):
        restore_backup(source, backup, replace=True)
    assert tables(source.database_url) == before


def test_a_truncated_backup_is_refused_in_one_line_and_exits_non_zero(tmp_path: Path) -> None:
    source, backup = _backup(tmp_path)
    dump = backup / "database.jsonl.gz"
    dump.write_bytes(dump.read_bytes()[: dump.stat().st_size // 2])
    args = ["--set", f"database_url={source.database_url}"]
    args += ["--set", f"content_dir={source.content_dir}", "--set", f"index_dir={source.index_dir}"]
    done = run_kb({"KB_SETTINGS": "/dev/null"}, *args, "restore", "--replace", str(backup))
    assert done.exit_code == 1
    assert "does not match the checksum" in done.output and "Traceback" not in done.output
    assert len(done.output.strip().splitlines()) == 1


def test_steps_are_told_only_when_asked(tmp_path: Path) -> None:
    source, _ = _backup(tmp_path)
    steps: list[str] = []
    create_backup(source, tmp_path / "again", progress=steps.append)
    assert steps[0] == "backing up the database" and any("snapshot" in s for s in steps)
    target = place(tmp_path, "target", f"sqlite:///{tmp_path / 'target.db'}")
    steps.clear()
    restore_backup(target, tmp_path / "again", progress=steps.append)
    told = [s.split()[0] for s in steps]
    assert told == ["checking", "unpacking", "restoring", "putting", "publishing"]
    # Not on a terminal (a timer, a script): the JSON report alone on stdout.
    done = run_kb(
        {"KB_SETTINGS": "/dev/null"},
        "--set",
        f"database_url=sqlite:///{tmp_path / 'third.db'}",
        "--set",
        f"content_dir={source.content_dir}",
        "--set",
        f"index_dir={source.index_dir}",
        "backup",
        "--json",
        str(tmp_path / "third"),
    )
    assert done.exit_code == 0, done.output
    assert json.loads(done.stdout)["content_files"] == 2


def test_a_restore_while_an_indexer_works_is_refused_before_anything_changes(
    tmp_path: Path,
) -> None:
    source, backup = _backup(tmp_path)
    before = tables(source.database_url)
    (source.content_path / "it" / "vpn.md").write_text("edited since the backup\n")
    with snapshot.IndexLock(source.index_path), pytest.raises(IndexLockedError, match="kb index"):
        restore_backup(source, backup, replace=True)
    assert tables(source.database_url) == before
    assert (source.content_path / "it" / "vpn.md").read_text() == "edited since the backup\n"
    assert not list(source.content_path.parent.glob("content.*"))
    restore_backup(source, backup, replace=True)  # once the indexer is done
    assert "Connect with MFA" in (source.content_path / "it" / "vpn.md").read_text()


def test_a_restore_over_a_newer_installation_is_refused(tmp_path: Path) -> None:
    source, backup = _backup(tmp_path)
    store = create_store(source.database_url)
    with store.engine.begin() as conn:  # type: ignore[attr-defined]
        conn.execute(text("UPDATE alembic_version SET version_num = '9999_newer'"))
    store.close()
    (source.content_path / "it" / "vpn.md").write_text("written by the newer version\n")
    with pytest.raises(StoreError, match="9999_newer.*newer spoc-kb"):
        restore_backup(source, backup, replace=True)
    assert (source.content_path / "it" / "vpn.md").read_text() == "written by the newer version\n"
    assert snapshot.current_name(source.index_path) == "20260303T090000-aaaa"


@pytest.mark.parametrize(
    "backend", ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]
)
def test_a_restore_over_changes_brings_back_what_was_backed_up(
    backend: str, request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    if backend == "sqlite":
        url = f"sqlite:///{tmp_path / 'kb.db'}"
    else:
        server = request.getfixturevalue("postgres_server")
        name, url = server.create_database()
        request.addfinalizer(lambda: server.drop_database(name))
    source = place(tmp_path, "source", url)
    fill(source)
    backup = tmp_path / "backup"
    create_backup(source, backup)
    before = tables(url)
    content = files(source.content_path)
    # Changes after the backup: an account, a request, an edited and a new
    # article, a newer snapshot.
    store = create_store(url)
    try:
        add_user(store, "zoe", "admin")
        store.create_request(Request(requester="zoe", query="late", department="it"))
    finally:
        store.close()
    (source.content_path / "it" / "vpn.md").write_text("---\ntitle: VPN\n---\nChanged.\n")
    (source.content_path / "it" / "new.md").write_text("---\ntitle: New\n---\nNew.\n")
    make_snapshot(source.index_path, "20260304T090000-bbbb", FIRST)
    assert tables(url) != before

    restore_backup(source, backup, replace=True)
    assert tables(url) == before
    assert files(source.content_path) == content
    assert snapshot.current_name(source.index_path) == "20260303T090000-aaaa"
    kept = list(source.content_path.parent.glob("content.before-restore-*"))
    assert len(kept) == 1 and (kept[0] / "it" / "new.md").is_file()  # the changed folder, aside


def test_a_backup_of_another_format_or_without_content_is_refused(tmp_path: Path) -> None:
    source, backup = _backup(tmp_path)
    _edit(backup, {"format": 2})
    with pytest.raises(ConfigError, match="format 2; this version of spoc-kb restores format 1"):
        restore_backup(source, backup, replace=True)
    missing = source.replace(content_dir=str(tmp_path / "no-content"))
    with pytest.raises(ConfigError, match="content folder .*no-content does not exist"):
        create_backup(missing, tmp_path / "never")
    assert not (tmp_path / "never").exists()
