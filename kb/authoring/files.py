"""Which file an article id names, and writing it safely.

Writing into the content folder from the web is a way in for an attacker, so
every id is checked before a path is built from it: an id is
`<department>/<name>.md` (deeper folders only for files that already exist),
no part may be empty, `.`, `..`, hidden or `_`-prefixed, new names are
lower-case slugs, and the resolved path must stay inside the department's
folder (a symbolic link pointing out of it is refused). Files are replaced
atomically (temporary file, fsync, rename), so a reader or the indexer sees
the old text or the new one, never half of it. `edit_lock` serialises
writers of one content root across processes (an advisory `flock` on a
hidden file the scanner never reads).
"""

from __future__ import annotations

import fcntl
import os
import re
import stat
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path, PurePosixPath

from kb.authoring.records import text_hash
from kb.content.article_text import decode_text
from kb.content.files import id_key, is_hidden
from kb.content.regular_files import read_regular_file
from kb.errors import ContentError, NotFoundError, ValidationError

SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{0,79}$")
LOCK_FILE = ".kb-edit.lock"


def _refuse(article_id: str, why: str) -> ValidationError:
    return ValidationError(
        f"{article_id!r} is not an article id you can write: {why}; ids look like "
        "hr/sick-leave.md (department folder, then a lower-case name ending in .md)",
        details={"field": "id", "value": article_id},
        key="bad_article_id",
        values={"value": article_id},
    )


def id_parts(article_id: str) -> tuple[str, ...]:
    """The parts of a well-formed Markdown article id (ValidationError otherwise)."""
    if not isinstance(article_id, str) or not article_id or len(article_id) > 300:
        raise _refuse(str(article_id)[:300], "it is empty or too long")
    if "\\" in article_id or "\x00" in article_id or article_id.startswith("/"):
        raise _refuse(article_id, "it must be a relative path with '/' between folders")
    parts = PurePosixPath(article_id).parts
    if len(parts) < 2 or "/".join(parts) != article_id:
        raise _refuse(article_id, "it must name a file inside a department folder")
    if any(p in (".", "..") or is_hidden(p) for p in parts):
        raise _refuse(article_id, "no part may be '.', '..' or start with '.' or '_'")
    if not parts[-1].lower().endswith(".md"):  # `Guide.MD` is an article too
        raise _refuse(article_id, "only Markdown articles (.md) are edited in the browser")
    return parts


def new_article_id(department: str, slug: str) -> str:
    """The id of a new article `slug` in `department` (both checked)."""
    if not SLUG.match(slug or ""):
        raise ValidationError(
            f"name {slug!r} must be 1-80 lower-case letters, digits and '-' "
            "(it becomes the file name and the URL)",
            details={"field": "slug", "value": slug},
            key="bad_slug",
            values={"value": slug},
        )
    article_id = f"{department}/{slug}.md"
    id_parts(article_id)
    return article_id


def article_file(root: Path, article_id: str, *, must_exist: bool) -> Path:
    """The file of `article_id` under the content root, checked (see the module)."""
    parts = id_parts(article_id)
    department = root / parts[0]
    if not department.is_dir() or department.is_symlink():
        raise NotFoundError(
            f"there is no department folder {parts[0]!r} in the content folder",
            details={"department": parts[0]},
            key="no_department",
            values={"department": parts[0]},
        )
    path = department.joinpath(*parts[1:])
    base, parent = os.path.realpath(department), os.path.realpath(path.parent)
    if parent != base and not parent.startswith(base + os.sep):
        raise _refuse(article_id, "it leads out of its department folder")
    try:
        info = os.lstat(path)
    except FileNotFoundError:
        if must_exist:
            raise NotFoundError(
                f"no article {article_id!r} in the content folder",
                details={"id": article_id},
                key="no_article_file",
                values={"id": article_id},
            ) from None
        return path
    if not stat.S_ISREG(info.st_mode):
        raise _refuse(article_id, "it is not a regular file (links are not followed)")
    return path


def same_id_file(path: Path, article_id: str) -> str | None:
    """The id of a file beside `path` whose id differs from `article_id` only in
    letter case or Unicode form (`it/VPN.md` for `it/vpn.md`), None without one:
    both would be one article, and the one already there would keep it."""
    key = id_key(article_id)
    folder = article_id.rsplit("/", 1)[0]
    try:
        names = os.listdir(path.parent)
    except OSError:
        return None
    return next((f"{folder}/{n}" for n in sorted(names) if id_key(f"{folder}/{n}") == key), None)


def read_text(path: Path, max_bytes: int, article_id: str) -> str | None:
    """The file's text (None when it does not exist); never follows a link and
    never reads more than `max_bytes` + 1 bytes. A file over `max_bytes` is a
    `ContentError` (kind too_large): its first part alone, opened in the editor
    and saved, would drop the rest of the article. So is text that is not UTF-8
    (kind encoding, with the line and byte): a replacement character for the bad
    byte, saved, would lose it."""
    try:
        raw = read_regular_file(
            path,
            max_bytes,
            article_id,
            too_large_hint="split the article into smaller ones on disk, or raise max_file_bytes",
        )
    except ContentError as exc:
        if exc.kind == "missing":
            return None
        raise
    return decode_text(raw, article_id)


def holds(root: Path, article_id: str, content_hash: str, max_bytes: int) -> bool:
    """Whether `article_id`'s file is there and holds the text of `content_hash`
    (read as `article_file` and `read_text` do: no link is followed)."""
    try:
        path = article_file(root, article_id, must_exist=True)
        text = read_text(path, max_bytes, article_id)
    except (NotFoundError, ValidationError, ContentError):
        return False
    return text is not None and text_hash(text) == content_hash


def write_atomically(path: Path, text: str | bytes, *, exclusive: bool = False) -> None:
    """Replace (or, `exclusive`, create) `path` with `text` (or bytes) in one rename."""
    data = text.encode("utf-8") if isinstance(text, str) else text
    if exclusive and os.path.lexists(path):
        raise FileExistsError(path)
    mode = 0o644
    with suppress(FileNotFoundError):
        mode = os.lstat(path).st_mode & 0o777
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, mode)
        if exclusive:
            os.link(tmp, path)  # fails if another writer created it meanwhile
            os.unlink(tmp)
        else:
            os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    folder = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(folder)
    finally:
        os.close(folder)


@contextmanager
def edit_lock(root: Path) -> Iterator[None]:
    """Hold the content root's edit lock (one writer at a time, all processes)."""
    fd = os.open(root / LOCK_FILE, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        fcntl.flock(fd, fcntl.LOCK_UN)
        os.close(fd)
