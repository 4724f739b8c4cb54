"""Putting a backup folder together (`create_backup`) and taking it apart (`restore_backup`).

Order of a backup: the database (one consistent read), then the content
folder, then the current index snapshot; `backup.json` with the SHA-256 of
every part is written last, so a folder without it is an interrupted backup
and is refused by `restore`. The three parts are each consistent but not
taken at one instant: a request filed while the content folder is being
packed is in the database part or not, as it happened.

A restore checks every checksum before it changes anything, then (with
`replace`, over a database that holds rows) backs up what it is about to
delete into `backup.before-restore-<time>` beside the content folder, loads the
database (one transaction), puts the content folder in place (an existing,
non-empty one is kept beside it as `<name>.before-restore-<time>`), and
publishes the snapshot into the index folder, and into the snapshot store
when that is shared, so every node serves it at once. It is refused while a
`kb serve` or an index watcher runs on the same index folder
(`indexer.index_users`) or, with PostgreSQL, on any machine that uses the
database (`indexer.cluster_users`), unless told to go ahead. This module reaches
into the index (`indexer.snapshot`) as the CLI root does: a backup is of the
whole product.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import shutil
import tarfile
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from kb.backup import snapshot_part
from kb.errors import ConfigError, IndexLockedError
from kb.settings import Settings

logger = logging.getLogger(__name__)

FORMAT = 1
INFO = "backup.json"
DATABASE = "database.jsonl.gz"
CONTENT = "content.tar.gz"
SNAPSHOT = "snapshot"
# A snapshot folder's name as the indexer makes it (and nothing that could
# lead out of the index folder, such as `..` or a slash).
_SNAPSHOT_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,99}")

Progress = Callable[[str], None]
"""Told what a backup or restore is about to do (the CLI prints it on a terminal)."""


def _quiet(_step: str) -> None:
    pass


@dataclass
class BackupReport:
    """What `kb backup` or `kb restore` did; `--json` prints it."""

    folder: str
    rows: dict[str, int] = field(default_factory=dict)
    content_files: int = 0
    snapshot: str | None = None
    snapshot_files: int = 0
    seconds: float = 0.0
    notes: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while block := fh.read(1 << 20):
            digest.update(block)
    return digest.hexdigest()


def _open_store(settings: Settings) -> Any:
    """The SQL store of `database_url`, its schema brought to head."""
    from kb.store.factory import store_from_settings

    return store_from_settings(settings)


def create_backup(
    settings: Settings, target: Path, include_index: bool = True, progress: Progress = _quiet
) -> BackupReport:
    """Write a backup of the database, the content folder and the current
    snapshot into `target` (a new or empty folder)."""
    from indexer import snapshot
    from kb.backup.database import export_database

    started = time.perf_counter()
    if target.exists() and any(target.iterdir()):
        raise ConfigError(f"backup folder {target} is not empty; give a new folder")
    content = settings.content_path
    if not content.is_dir():  # checked first: a failed backup leaves no folder behind
        raise ConfigError(f"content folder {content} does not exist; check content_dir")
    # Its owner's alone, whatever the umask: password hashes, requests, files.
    target.mkdir(mode=0o700, parents=True, exist_ok=True)
    report = BackupReport(folder=str(target))
    info: dict[str, Any] = {"format": FORMAT, "created": time.strftime("%Y-%m-%dT%H:%M:%S%z")}

    progress("backing up the database")
    store = _open_store(settings)
    try:
        database = export_database(store.engine, target / DATABASE)
    finally:
        store.close()
    report.rows = database["rows"]
    info["database"] = {**database, "sha256": _sha256(target / DATABASE)}

    progress(f"packing the content folder {content}")
    report.content_files = _pack_content(content, target / CONTENT)
    info["content"] = {"files": report.content_files, "sha256": _sha256(target / CONTENT)}

    name = snapshot.current_name(settings.index_path)
    if name is None:
        report.notes.append("no index snapshot was published yet; run `kb index` after a restore")
        info["snapshot"] = None
    else:
        progress(f"copying index snapshot {name}")
        source = snapshot.snapshots_dir(settings.index_path) / name
        copy = target / SNAPSHOT / name
        copy.mkdir(parents=True)
        files = snapshot.read_manifest(source).get(snapshot.FILES) or {}
        shutil.copy2(source / snapshot.MANIFEST, copy / snapshot.MANIFEST)
        if include_index:
            for rel in files:
                (copy / rel).parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(source / rel, copy / rel)
            report.snapshot_files = len(files)
        else:
            report.notes.append(
                "index files left out (--no-index): run `kb index --full` after a restore"
            )
        report.snapshot = name
        info["snapshot"] = {"name": name, "files_included": include_index}

    tmp = target / (INFO + ".tmp")
    tmp.write_text(json.dumps(info, indent=2), encoding="utf-8")
    os.replace(tmp, target / INFO)
    report.seconds = round(time.perf_counter() - started, 3)
    return report


def _pack_content(content: Path, archive: Path) -> int:
    """The content folder's files (links left out) into `archive`; how many."""
    count = 0
    with tarfile.open(archive, "w:gz") as tar:
        for path in sorted(content.rglob("*")):
            if path.is_file() and not path.is_symlink():
                tar.add(path, arcname=path.relative_to(content).as_posix(), recursive=False)
                count += 1
    return count


def read_info(source: Path) -> dict[str, Any]:
    """The backup's description, after checking that this version can restore
    it and every part against its checksum."""
    try:
        info = json.loads((source / INFO).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(
            f"{source} has no {INFO}: it is not a backup folder, or the backup was interrupted"
        ) from None
    except ValueError as exc:
        raise ConfigError(f"{source / INFO} is not valid JSON: {exc}") from None
    if not isinstance(info, dict) or info.get("format") != FORMAT:
        found = info.get("format") if isinstance(info, dict) else None
        raise ConfigError(
            f"{source} is a backup of format {found}; this version of spoc-kb restores "
            f"format {FORMAT}: restore it with the version that made it"
        )
    _check_description(source, info)
    for part, key in ((DATABASE, "database"), (CONTENT, "content")):
        path = source / part
        if not path.is_file() or _sha256(path) != info[key]["sha256"]:
            raise ConfigError(
                f"{path} is missing or does not match the checksum in {INFO}; the backup is "
                "damaged, use another one"
            )
    return dict(info)


def _check_description(source: Path, info: dict[str, Any]) -> None:
    """Refuse a `backup.json` that was edited or cut short, or that a newer
    version of spoc-kb wrote, before anything is changed."""
    from kb.store.migrate import known_revisions

    where = source / INFO
    try:
        checksums = [str(info[key]["sha256"]) for key in ("database", "content")]
        revisions = [str(r) for r in info["database"].get("revisions") or []]
        snap = info.get("snapshot")
        name = None if snap is None else str(snap["name"])
        if snap is not None:
            bool(snap["files_included"])
    except (KeyError, TypeError, AttributeError) as exc:
        raise ConfigError(
            f"{where} lacks {exc} or is not shaped as a backup's description; the backup is "
            "damaged, use another one"
        ) from None
    if not all(re.fullmatch(r"[0-9a-f]{64}", c) for c in checksums):
        raise ConfigError(f"{where} holds a malformed checksum; the backup is damaged")
    if name is not None and not _SNAPSHOT_NAME.fullmatch(name):
        raise ConfigError(
            f"{where} names the snapshot {name!r}, which is no snapshot folder's name; the "
            "backup is damaged, use another one"
        )
    newer = sorted(set(revisions) - known_revisions())
    if newer:
        raise ConfigError(
            f"{source} was made by a newer version of spoc-kb (database schema revision "
            f"{', '.join(newer)}); restore it with that version or a later one"
        )


def restore_backup(
    settings: Settings,
    source: Path,
    replace: bool = False,
    progress: Progress = _quiet,
    while_running: bool = False,
) -> BackupReport:
    """Bring database, content folder and index back from a backup folder;
    refused while a `kb serve` or an index watcher uses the index folder or
    (PostgreSQL) the database, unless `while_running`."""
    if while_running:
        return _restore(settings, source, replace, progress)
    with _alone(settings, "restore anyway with `kb restore --while-running`"):
        return _restore(settings, source, replace, progress)


@contextmanager
def _alone(settings: Settings, anyway: str) -> Iterator[None]:
    """Hold the index folder and (PostgreSQL) the database alone, or raise
    `IndexLockedError` naming everything that runs: both are asked before the
    refusal, so a server on this machine does not hide the nodes elsewhere."""
    from indexer.cluster_users import sole_in_cluster
    from indexer.index_users import sole_user

    refused: list[IndexLockedError] = []
    with ExitStack() as held:
        for hold in (
            lambda: sole_user(settings.index_path, anyway),
            lambda: sole_in_cluster(settings.database_url, anyway),
        ):
            try:
                held.enter_context(hold())
            except IndexLockedError as exc:
                refused.append(exc)
        if len(refused) == 1:
            raise refused[0]
        if refused:
            here, there = (list(exc.details.get("running") or []) for exc in refused)
            raise IndexLockedError(
                f"{', '.join(here) or 'a `kb serve` or index watcher'} on this machine "
                f"(using the index folder {settings.index_path}) and "
                f"{', '.join(there) or 'a node'} using this database are running; a restore "
                "under them would be indexed, overwritten or written over while it happens. "
                "Stop them all first (`systemctl stop kb-serve kb-index` on each machine), "
                f"restore, and start them again; or {anyway}",
                details={"running": here + there},
            )
        yield


def _restore(settings: Settings, source: Path, replace: bool, progress: Progress) -> BackupReport:
    from indexer import snapshot, snapshot_order
    from kb.backup.database import holds_data, import_database

    started = time.perf_counter()
    progress(f"checking the backup {source}")
    info = read_info(source)
    report = BackupReport(folder=str(source))
    snap = info.get("snapshot") or None
    signed = False
    if snap:
        snapshot_part.verify(source / SNAPSHOT / snap["name"], bool(snap["files_included"]))
        signed = snapshot_part.check_signature(settings, source / SNAPSHOT / snap["name"], report)

    # The index lock first, before anything changes: an indexer at work now
    # would otherwise stop the restore half-way, or index the content folder
    # while it is swapped.
    with snapshot.IndexLock(settings.index_path):
        progress("restoring the database")
        store = _open_store(settings)
        try:
            if replace and holds_data(store.engine):
                _keep_what_is_replaced(settings, report, progress)
            report.rows = import_database(store.engine, source / DATABASE, replace=replace)
        finally:
            store.close()
        progress(f"restoring the content folder {settings.content_path}")
        report.content_files = _restore_content(source / CONTENT, settings.content_path, report)
        target = None
        if snap and snap["files_included"]:
            progress(f"publishing index snapshot {snap['name']}")
            served = snapshot_order.current_sequence(settings.index_path)
            target = snapshot_part.publish(source / SNAPSHOT / snap["name"], settings.index_path)
            if signed:
                target = snapshot_part.reissue(settings, target, served, report)
    if target is not None:
        report.snapshot = target.name
        report.snapshot_files = len(snapshot.read_manifest(target).get(snapshot.FILES) or {})
        snapshot_part.push(settings, target, report)
    else:
        report.notes.append("no index files in the backup: run `kb index --full` now")
    report.seconds = round(time.perf_counter() - started, 3)
    return report


def _free_name(base: Path) -> Path:
    """`<base>-<time>`, or with `-2`, `-3`… when a restore within the same
    second took that name already (renaming onto it would fail half-way)."""
    stamped = base.with_name(f"{base.name}-{time.strftime('%Y%m%dT%H%M%S')}")
    candidate, number = stamped, 1
    while candidate.exists():
        number += 1
        candidate = stamped.with_name(f"{stamped.name}-{number}")
    return candidate


def _keep_what_is_replaced(settings: Settings, report: BackupReport, progress: Progress) -> None:
    """Back up the rows `--replace` is about to delete (and the content folder,
    without the index) beside the content folder, so a restore of the wrong
    backup loses nothing: `kb restore --replace` of it brings them back."""
    aside = _free_name(settings.content_path.with_name("backup.before-restore"))
    progress(f"keeping what the database holds in {aside}")
    settings.content_path.mkdir(parents=True, exist_ok=True)  # a backup needs one
    create_backup(settings, aside, include_index=False)
    report.notes.append(
        f"the rows the database held are kept in {aside} (with the content folder); "
        f"`kb restore --replace {aside}` brings them back"
    )


def _restore_content(archive: Path, content: Path, report: BackupReport) -> int:
    staging = content.with_name(content.name + ".restoring")
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    with tarfile.open(archive, "r:gz") as tar:
        members = [m for m in tar.getmembers() if m.isfile() or m.isdir()]
        # The "data" filter refuses absolute paths, .. and links out of the folder.
        tar.extractall(staging, members=members, filter="data")
    if content.exists() and any(content.iterdir()):
        aside = _free_name(content.with_name(f"{content.name}.before-restore"))
        content.rename(aside)
        report.notes.append(f"the content folder that was there is kept as {aside}")
    elif content.exists():
        content.rmdir()
    staging.rename(content)
    return sum(1 for m in members if m.isfile())
