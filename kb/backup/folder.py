"""A backup folder: putting it together (`create_backup`) and reading what it holds
(`read_info`, for a restore: `kb.backup.restoring`).

Order of a backup: the database (one consistent read), then the content
folder, then the current index snapshot; `backup.json` with the SHA-256 of
every part is written last, so a folder without it is an interrupted backup
and is refused by `restore`. The three parts are each consistent but not
taken at one instant: a request filed while the content folder is being
packed is in the database part or not, as it happened.

This module reaches into the index (`indexer.snapshot`) as the CLI root
does: a backup is of the whole product.
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
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from kb.backup import attachment_part
from kb.backup.attachment_part import ATTACHMENTS
from kb.errors import ConfigError
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


def quiet(_step: str) -> None:
    pass


@dataclass
class BackupReport:
    """What `kb backup` or `kb restore` did; `--json` prints it."""

    folder: str
    rows: dict[str, int] = field(default_factory=dict)
    content_files: int = 0
    attachment_files: int = 0  # kept as files (`kb.backup.attachment_part`)
    snapshot: str | None = None
    snapshot_files: int = 0
    seconds: float = 0.0
    notes: list[str] = field(default_factory=list)
    # A restore: where it kept what `--replace` deleted, and the folders set
    # aside by earlier restores that it removed (`kb.backup.restoring`).
    before_restore: str | None = None
    removed: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while block := fh.read(1 << 20):
            digest.update(block)
    return digest.hexdigest()


def open_store(settings: Settings) -> Any:
    """The SQL store of `database_url`, its schema brought to head."""
    from kb.store.factory import store_from_settings

    return store_from_settings(settings)


def create_backup(
    settings: Settings, target: Path, include_index: bool = True, progress: Progress = quiet
) -> BackupReport:
    """Write a backup of the database, the content folder and the current
    snapshot into `target` (a new or empty folder)."""
    from kb.backup.database import export_database

    started = time.perf_counter()
    if target.exists() and any(target.iterdir()):
        raise ConfigError(f"backup folder {target} is not empty; give a new folder")
    content = settings.content_path
    if not content.is_dir():  # checked first: a failed backup leaves no folder behind
        raise ConfigError(f"content folder {content} does not exist; check content_dir")
    # Its owner's alone whatever the umask: password hashes, internal notes, files.
    target.mkdir(mode=0o700, parents=True, exist_ok=True)
    report = BackupReport(folder=str(target))
    info: dict[str, Any] = {"format": FORMAT, "created": time.strftime("%Y-%m-%dT%H:%M:%S%z")}

    progress("backing up the database")
    store = open_store(settings)
    try:
        database = export_database(store.engine, target / DATABASE)
    finally:
        store.close()
    report.rows = database["rows"]
    info["database"] = {**database, "sha256": _sha256(target / DATABASE)}

    progress(f"packing the content folder {content}")
    report.content_files = _pack_content(content, target / CONTENT)
    info["content"] = {"files": report.content_files, "sha256": _sha256(target / CONTENT)}

    attached = attachment_part.pack(settings, target)
    if attached is not None:
        progress(f"packing the attached files in {settings.attachment_dir}")
        report.attachment_files = attached
        info["attachments"] = {"files": attached, "sha256": _sha256(target / ATTACHMENTS)}
    info["snapshot"] = _copy_snapshot(settings, target, include_index, report, progress)

    tmp = target / (INFO + ".tmp")
    tmp.write_text(json.dumps(info, indent=2), encoding="utf-8")
    os.replace(tmp, target / INFO)
    report.seconds = round(time.perf_counter() - started, 3)
    return report


def _copy_snapshot(
    settings: Settings,
    target: Path,
    include_index: bool,
    report: BackupReport,
    progress: Progress,
) -> dict[str, Any] | None:
    """The current snapshot (or only its manifest) into `target`; its description."""
    from indexer import snapshot

    name = snapshot.current_name(settings.index_path)
    if name is None:
        report.notes.append("no index snapshot was published yet; run `kb index` after a restore")
        return None
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
    return {"name": name, "files_included": include_index}


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
    parts = [(DATABASE, "database"), (CONTENT, "content")]
    for part, key in [*parts, (ATTACHMENTS, "attachments")] if "attachments" in info else parts:
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
        parts = (
            ("database", "content", "attachments")
            if "attachments" in info
            else ("database", "content")
        )
        checksums = [str(info[key]["sha256"]) for key in parts]
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
