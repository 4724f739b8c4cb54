"""Reading a file of the content root: a regular file, within its size limit.

The content root is written by many hands, so every file in it (articles,
documents, sidecars, department files, the glossary, value streams) is read
through `read_regular_file`: only a regular file, never through a symbolic
link (which could point out of the root, at `/dev/zero`, or at a named pipe
that blocks its reader forever), and never more than its size limit plus
one byte. Everything else is a `ContentError` of kind `not_a_file` or
`too_large`, which the scanner reports and skips.

Nor is a file with more than one name (a hard link) read: its other name may
lie outside the department's folder, where someone else keeps a file the
content owner could not publish, and the indexer may run with rights the owner
has not. The kernel's `protected_hardlinks` does not close this when the owner
may read the file, or when that setting is off; a copy costs disk space only.
Such a file is a `ContentError` of kind `hard_link`, reported like a link.

The scanner lists the files of the root without following a link to a
folder, but a file is read later (after other files' extraction, seconds or
minutes on): a folder swapped for a link in between would be followed, out of
the root, by a reader that opens the file by its path. So a file the scanner
listed is read with `read_content_file`: every folder from the content root
down is opened without following a link (openat, O_NOFOLLOW), and a link met
on the way is a `ContentError` of kind `not_a_file`.
"""

from __future__ import annotations

import contextlib
import errno
import os
import stat
from collections.abc import Iterator
from pathlib import Path

from kb.content.problem_texts import content_error
from kb.errors import ContentError

# Department files, glossaries and value-stream files are small; a bigger one
# is a mistake (or an attempt to make every reader allocate without end).
SETTINGS_FILE_MAX_BYTES = 1_000_000
# What open() says for a symbolic link under O_NOFOLLOW, and for a socket.
_NOT_A_FILE_ERRNOS = frozenset({errno.ELOOP, errno.ENXIO, errno.EMLINK})
_FOLDER_FLAGS = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC


def read_regular_file(
    path: Path | str,
    max_bytes: int,
    display: str,
    *,
    not_a_file: str = "not_a_file",
    too_large: str = "too_large_file",
    dir_fd: int | None = None,
) -> bytes:
    """The bytes of `path` if it is a regular file of at most `max_bytes` bytes.

    The file is opened without following a symbolic link and without blocking
    (a named pipe would otherwise wait for a writer forever); `fstat` on the
    open file then decides, so nothing can be swapped in between. At most
    `max_bytes` + 1 bytes are read, so a file that grows while it is read is
    refused too. Raises `ContentError` (kind `not_a_file`, `hard_link`,
    `too_large`, `io`, or `missing` when there is no such file) naming `display`. With `dir_fd`,
    `path` is a name inside that open folder (openat). `not_a_file` and
    `too_large` name the texts (`kb.content.problem_texts`) whose hints fit the
    caller's file."""
    flags = os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC
    try:
        fd = os.open(path, flags, dir_fd=dir_fd)
    except FileNotFoundError:
        raise content_error("file_missing", display, kind="missing") from None
    except OSError as exc:
        if exc.errno in _NOT_A_FILE_ERRNOS:
            raise content_error(not_a_file, display, kind="not_a_file") from None
        raise content_error("read_error", display, kind="io", reason=exc.strerror) from None
    with os.fdopen(fd, "rb") as handle:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise content_error(not_a_file, display, kind="not_a_file")
        if info.st_nlink > 1:
            raise content_error("hard_link", display, kind="hard_link", names=info.st_nlink)
        size = info.st_size
        raw = b"" if size > max_bytes else handle.read(max_bytes + 1)
    size = max(size, len(raw))
    if size > max_bytes:
        raise content_error(
            too_large, display, kind="too_large", size=f"{size:,}", limit=f"{max_bytes:,}"
        )
    return raw


@contextlib.contextmanager
def content_folder(path: Path | str, article_id: str, display: str) -> Iterator[tuple[int, str]]:
    """The open folder of the file at `path`, which `article_id` names below the
    content root (its parts: the folders from the root down, then the file), and
    the file's name in it. The root is opened as the operator named it; every
    folder below it without following a link (ContentError: `linked_folder`, kind
    `not_a_file`; `file_missing`; `read_error`)."""
    fd, name = open_content_folder(path, article_id, display)
    try:
        yield fd, name
    finally:
        os.close(fd)


def open_content_folder(path: Path | str, article_id: str, display: str) -> tuple[int, str]:
    """As `content_folder`: the folder open (the caller closes it) and the name."""
    root, *names = _below_root(str(path), len(article_id.split("/")))
    *folders, name = names
    try:
        fd = os.open(root, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    except FileNotFoundError:
        raise content_error("file_missing", display, kind="missing") from None
    except OSError as exc:
        raise content_error("read_error", display, kind="io", reason=exc.strerror) from None
    for folder in folders:
        try:
            inner = os.open(folder, _FOLDER_FLAGS, dir_fd=fd)
        except OSError as exc:
            os.close(fd)
            raise _folder_problem(exc, folder, display) from None
        os.close(fd)
        fd = inner
    return fd, name


def _folder_problem(exc: OSError, folder: str, display: str) -> ContentError:
    if isinstance(exc, FileNotFoundError):
        return content_error("file_missing", display, kind="missing")
    if exc.errno in (errno.ELOOP, errno.ENOTDIR):
        return content_error("linked_folder", display, kind="not_a_file", folder=folder)
    return content_error("read_error", display, kind="io", reason=exc.strerror)


def _below_root(path: str, parts: int) -> list[str]:
    """`path` as the content root and the `parts` names below it."""
    names: list[str] = []
    for _ in range(parts):
        path, name = os.path.split(path)
        names.append(name)
    return [path or ".", *reversed(names)]


def read_content_file(
    path: Path | str, article_id: str, max_bytes: int, display: str | None = None, **texts: str
) -> bytes:
    """`read_regular_file` of the file at `path`, which `article_id` names below
    the content root (as the scanner listed it), each folder on its way opened
    without following a link (`content_folder`). `display` names the file in a
    problem (the id by default); `texts`: `read_regular_file`'s `not_a_file`
    and `too_large`."""
    shown = display or article_id
    with content_folder(path, article_id, shown) as (fd, name):
        return read_regular_file(name, max_bytes, shown, dir_fd=fd, **texts)
