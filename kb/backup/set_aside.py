"""The folders restores set aside beside the content folder: what `--replace`
deleted (`backup.before-restore-<time>`) and the content folders a restore
replaced (`<name>.before-restore-<time>`); named so that the newest sorts
last, and pruned to the newest `keep` of each kind (`kb.backup.restoring`)."""

from __future__ import annotations

import re
import shutil
import time
from contextlib import suppress
from pathlib import Path

from kb.backup.folder import BackupReport

KEEP = 3
"""How many pre-restore backups (and content folders set aside) a restore keeps."""
BEFORE = "before-restore"
_STAMPED = re.compile(r"-(\d{8}T\d{6})(?:-(\d+))?")


def free_name(base: Path) -> Path:
    """`<base>-<time>`, or with `-2`, `-3`… when a restore within the same
    second took that name already (renaming onto it would fail half-way):
    numbered above every one of that second, so that the newest stays the
    newest when older ones were removed (`prune`)."""
    stamped = base.with_name(f"{base.name}-{time.strftime('%Y%m%dT%H%M%S')}")
    same_second = re.compile(re.escape(stamped.name) + r"(?:-(\d+))?")
    taken = [
        int(found[1] or 1)
        for path in stamped.parent.glob(f"{stamped.name}*")
        if (found := same_second.fullmatch(path.name))
    ]
    number = max(taken, default=0) + 1
    return stamped if number == 1 else stamped.with_name(f"{stamped.name}-{number}")


def prune(content: Path, keep: int, report: BackupReport) -> None:
    """Of the pre-restore backups and the content folders set aside beside
    `content`, keep the newest `keep` of each kind; say which were removed."""
    for base in (f"backup.{BEFORE}", f"{content.name}.{BEFORE}"):
        found = []
        for path in content.parent.glob(f"{base}-*"):
            stamp = _STAMPED.fullmatch(path.name[len(base) :])
            if stamp and path.is_dir():
                found.append(((stamp[1], int(stamp[2] or 1)), path))
        for _order, path in sorted(found)[:-keep]:
            with suppress(OSError):
                shutil.rmtree(path)
                report.removed.append(str(path))
    if report.removed:
        report.notes.append(
            f"removed {len(report.removed)} older folder(s) set aside by earlier restores "
            f"(the newest {keep} of each kind are kept): {', '.join(report.removed)}"
        )
