"""Which files under the content root are content, and what they are called.

An article's id is its POSIX path below the content root. Hidden and
`_`-prefixed names (department files, glossaries, workflows) are never
articles; a file is content when a reader exists for its type (see
`kb.content.readers`). Symbolic links are listed as themselves (so that they
are reported), never followed into folders; every file is then read through
`kb.content.regular_files.read_regular_file`.
"""

from __future__ import annotations

import os
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from kb.content.readers import has_reader


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
                subdirs.append((entry.path, f"{prefix}{name}/"))
            elif has_reader(name):
                try:
                    # lstat: a link is judged (and refused) as itself, never its target.
                    st = entry.stat(follow_symlinks=False)
                except OSError:
                    continue
                yield FileEntry(f"{prefix}{name}", entry.path, st.st_size, st.st_mtime_ns)
            elif links is not None and entry.is_symlink():
                links.append(f"{prefix}{name}")
        stack.extend(reversed(subdirs))


def department_folders(root: Path) -> list[Path]:
    """The department folders directly under `root`, in name order (a link to a
    folder is not one: it could lead out of the root)."""
    return sorted(
        p for p in root.iterdir() if p.is_dir() and not p.is_symlink() and not is_hidden(p.name)
    )


def id_key(article_id: str) -> str:
    """Two ids that differ only in case or Unicode form name the same URL."""
    return unicodedata.normalize("NFC", article_id).casefold()
