"""Which files under the content root are content, and what they are called.

An article's id is its POSIX path below the content root, in Unicode's
composed form (NFC, `kb.validators.normal_name`): a folder made on macOS holds
decomposed letters (NFD), and "Büro" in either form is one department and
its files one set of ids (`FileEntry.path` keeps the name on disk). Hidden and
`_`-prefixed names (department files, glossaries, workflows) are never
articles; a file is content when a reader exists for its type (see
`kb.content.readers`). Symbolic links are listed as themselves (so that they
are reported), never followed into folders; every file is then read through
`kb.content.regular_files.read_regular_file`.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from kb.content.departments import DEPARTMENT_FILES
from kb.content.readers import has_reader
from kb.validators import normal_name


def is_hidden(name: str) -> bool:
    """Names the scanner never reads as articles or department folders."""
    return name.startswith((".", "_"))


@dataclass(frozen=True)
class FileEntry:
    """A content file, with what `stat` said when the tree was walked."""

    id: str
    path: str
    size: int
    mtime_ns: int

    @property
    def stat_key(self) -> str:
        """Size and modification time: unchanged files are recognised by it."""
        return f"{self.size}:{self.mtime_ns}"

    @property
    def modified(self) -> datetime:
        """When the file last changed (its modification time), in UTC."""
        return datetime.fromtimestamp(self.mtime_ns / 1e9, UTC)


def content_entries(root: Path, links: list[str] | None = None) -> Iterator[FileEntry]:
    """Content files under `root`, folder by folder in name order.

    Walks with `os.scandir`, not pathlib: the indexer runs this over every
    file on every update, and on ten thousand articles pathlib's object
    overhead alone cost seconds. Links to folders are never followed; their
    ids are added to `links` (when given) so that they can be reported."""
    stack = [(str(root), "")]
    while stack:
        folder, prefix = stack.pop()
        try:
            with os.scandir(folder) as it:
                entries = sorted(it, key=lambda e: e.name)
        except OSError:
            continue
        subdirs = []
        for entry in entries:
            name = entry.name
            if is_hidden(name):
                continue
            if entry.is_dir(follow_symlinks=False):
                subdirs.append((entry.path, f"{prefix}{normal_name(name)}/"))
            elif has_reader(name, in_department=bool(prefix)):
                try:
                    # lstat: a link is judged (and refused) as itself, never its target.
                    st = entry.stat(follow_symlinks=False)
                except OSError:
                    continue
                article_id = f"{prefix}{normal_name(name)}"
                yield FileEntry(article_id, entry.path, st.st_size, st.st_mtime_ns)
            elif links is not None and entry.is_symlink():
                links.append(f"{prefix}{normal_name(name)}")
        stack.extend(reversed(subdirs))


def department_folders(root: Path) -> list[Path]:
    """The department folders directly under `root`, in name order (a link to a
    folder is not one: it could lead out of the root)."""
    return sorted(
        p for p in root.iterdir() if p.is_dir() and not p.is_symlink() and not is_hidden(p.name)
    )


def departments_stamp(root: Path) -> tuple[int, ...]:
    """What changes when a department folder is added, removed or renamed under
    `root`, or a department file is written in one: the modification times of
    the root, of each folder directly under it and of the department files in
    them (links not followed). A few `lstat` calls, cheap enough to take
    before every use of what `scan_departments` read; () without a root."""
    try:
        stamp = [os.stat(root).st_mtime_ns]
        with os.scandir(root) as entries:
            folders = sorted(e.path for e in entries if e.is_dir(follow_symlinks=False))
    except OSError:
        return ()
    for folder in folders:
        for name in ("", *DEPARTMENT_FILES):
            try:
                stamp.append(os.lstat(os.path.join(folder, name)).st_mtime_ns)
            except OSError:
                stamp.append(0)
    return tuple(stamp)


def department_path(root: Path, slug: str) -> Path:
    """The folder of department `slug` on disk: the one of that name, else the
    first whose name differs from it only in Unicode form (made on macOS), else
    `root / slug`. `scan_departments` reads the department's file from it too."""
    exact = root / slug
    if exact.is_dir() and not exact.is_symlink():
        return exact
    try:
        folders = department_folders(root)
    except OSError:  # no content root (yet): nothing to find, as for `root / slug`
        return exact
    return next((f for f in folders if normal_name(f.name) == slug), exact)


def id_key(article_id: str) -> str:
    """Two ids that differ only in case or Unicode form name the same URL."""
    return normal_name(article_id).casefold()
