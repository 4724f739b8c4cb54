"""Which file an article id names, and writing it safely.

Writing into the content folder from the web is a way in for an attacker, so
every id is checked before a path is built from it: an id is
`<department>/<name>.md` (deeper folders only for files that already exist),
no part may be empty, `.`, `..`, hidden or `_`-prefixed, new names are
lower-case slugs, and the resolved path must stay inside the department's
folder (a symbolic link pointing out of it is refused). That check alone
would leave a race: a link swapped in for a folder or the file between the
check and the write would be followed. So files are read and written through
`article_folder`, which walks from the content root one folder at a time with
openat and O_NOFOLLOW, and a link met on the way is refused. Files are
replaced atomically (temporary file in the same folder, fsync, rename within
that open folder), so a reader or the indexer sees the old text or the new
one, never half of it. `edit_lock` serialises
writers of one content root across processes (an advisory `flock` on a
hidden file the scanner never reads).
"""

from __future__ import annotations

import errno
import fcntl
import os
import re
import secrets
import stat
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path, PurePosixPath

from kb.authoring.errors import writing
from kb.authoring.no_replace import rename_no_replace
from kb.authoring.records import FREED, ArticleVersion, text_hash
from kb.content.article_text import decode_text
from kb.content.disk_names import name_on_disk
from kb.content.files import id_key, is_hidden
from kb.content.regular_files import read_regular_file
from kb.errors import ContentError, NotFoundError, ValidationError
from kb.extract.factory import format_for
from kb.records import CONTROL_CHARACTERS
from kb.validators import normal_name, refuse_reordering_name

SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{0,79}$")
LOCK_FILE = ".kb-edit.lock"
# The longest file or folder name Linux, macOS and Windows file systems take.
NAME_MAX_BYTES = 255
# Device names on Windows, with any extension (`con.md` too): a content folder
# synced or checked out there could neither hold nor delete such a file.
WINDOWS_RESERVED = frozenset(
    ["con", "prn", "aux", "nul"] + [f"{dev}{n}" for dev in ("com", "lpt") for n in range(10)]
)


def _refuse(article_id: str, why: str) -> ValidationError:
    return ValidationError(
        f"{article_id!r} is not an article id you can write: {why}; ids look like "
        "hr/sick-leave.md (department folder, then a lower-case name ending in .md)",
        details={"field": "id", "value": article_id},
        key="bad_article_id",
        values={"value": article_id},
    )


def id_parts(article_id: str, *, document: bool = False) -> tuple[str, ...]:
    """The parts of a well-formed Markdown article id, or with `document` of a
    readable document's id (`it/vpn.pdf`; ValidationError otherwise)."""
    if not isinstance(article_id, str) or not article_id or len(article_id) > 300:
        raise _refuse(str(article_id)[:300], "it is empty or too long")
    if "\\" in article_id or "\x00" in article_id or article_id.startswith("/"):
        raise _refuse(article_id, "it must be a relative path with '/' between folders")
    if CONTROL_CHARACTERS.search(article_id):
        # The scanner refuses such a name (`check_file_name`); in a log line a
        # line break would forge another entry.
        raise _refuse(article_id, "it holds a control character such as a line break")
    refuse_reordering_name(article_id, "id")  # as `check_file_name`
    parts = PurePosixPath(article_id).parts
    if len(parts) < 2 or "/".join(parts) != article_id:
        raise _refuse(article_id, "it must name a file inside a department folder")
    if any(p in (".", "..") or is_hidden(p) for p in parts):
        raise _refuse(article_id, "no part may be '.', '..' or start with '.' or '_'")
    if any(len(p.encode("utf-8", "surrogatepass")) > NAME_MAX_BYTES for p in parts):
        raise _refuse(article_id, f"a name in it is longer than {NAME_MAX_BYTES} bytes")
    if document:
        if format_for(parts[-1]) is None:
            raise _refuse(article_id, "it is not a document the indexer reads")
    elif not parts[-1].lower().endswith(".md"):  # `Guide.MD` is an article too
        raise _refuse(article_id, "only Markdown articles (.md) are edited in the browser")
    return parts


def new_article_id(department: str, slug: str) -> str:
    """The id of a new article `slug` in `department` (both checked)."""
    refuse_reordering_name(slug, "slug")
    details = {"field": "slug", "value": slug}
    if not SLUG.match(slug or ""):
        raise ValidationError(
            f"name {slug!r} must be 1-80 lower-case letters, digits and '-' "
            "(it becomes the file name and the URL)",
            details=details,
            key="bad_slug",
            values=details,
        )
    if slug in WINDOWS_RESERVED:
        raise ValidationError(
            f"name {slug!r} is a device name on Windows, where a content folder synced or "
            "checked out could not hold the file; choose another name",
            details=details,
            key="reserved_slug",
            values=details,
        )
    article_id = f"{department}/{slug}.md"
    id_parts(article_id)
    return article_id


def _no_department(department: str) -> NotFoundError:
    return NotFoundError(
        f"there is no department folder {department!r} in the content folder",
        details={"department": department},
        key="no_department",
        values={"department": department},
    )


def _no_file(article_id: str) -> NotFoundError:
    return NotFoundError(
        f"no article {article_id!r} in the content folder",
        details={"id": article_id},
        key="no_article_file",
        values={"id": article_id},
    )


def article_file(root: Path, article_id: str, *, must_exist: bool, document: bool = False) -> Path:
    """The file of `article_id` under the content root, checked (see the module)."""
    parts = id_parts(article_id, document=document)
    department = root / name_on_disk(str(root), parts[0])
    if not department.is_dir() or department.is_symlink():
        raise _no_department(parts[0])
    path = department
    for name in parts[1:]:
        path = path / name_on_disk(str(path), name)
    base, parent = os.path.realpath(department), os.path.realpath(path.parent)
    if parent != base and not parent.startswith(base + os.sep):
        raise _link_refused(article_id)  # a folder on the way is a link out of it
    try:
        info = os.lstat(path)
    except FileNotFoundError:
        if must_exist:
            raise _no_file(article_id) from None
        return path
    if stat.S_ISLNK(info.st_mode):
        raise _link_refused(article_id)
    if not stat.S_ISREG(info.st_mode):
        raise _refuse(article_id, "it is not a regular file (links are not followed)")
    return path


@contextmanager
def article_folder(
    root: Path, article_id: str, *, document: bool = False
) -> Iterator[tuple[int, str]]:
    """The open folder of `article_id`'s file and the file's name in it.

    The folders are walked from the content root one name at a time, each
    opened relative to the one before (openat) without following a symbolic
    link, so a link put in place of a folder after `article_file` checked the
    path is refused, never followed out of the department. The content root
    itself is the operator's and may be a link."""
    parts = id_parts(article_id, document=document)
    folder = os.open(root, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    try:
        for depth, name in enumerate(parts[:-1]):
            below = _open_below(
                folder, name_on_disk(folder, name), article_id, department=depth == 0
            )
            os.close(folder)
            folder = below
        yield folder, name_on_disk(folder, parts[-1])
    finally:
        os.close(folder)


def _open_below(folder: int, name: str, article_id: str, *, department: bool) -> int:
    """The folder `name` inside the open `folder`, opened without following a link."""
    flags = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC
    try:
        return os.open(name, flags, dir_fd=folder)
    except FileNotFoundError:
        if department:
            raise _no_department(name) from None
        raise _no_file(article_id) from None
    except OSError as exc:
        if exc.errno not in (errno.ELOOP, errno.ENOTDIR):
            raise
        if stat.S_ISLNK(os.stat(name, dir_fd=folder, follow_symlinks=False).st_mode):
            raise _link_refused(article_id) from None
        raise _refuse(article_id, f"{name!r} is not a folder") from None


def _link_refused(article_id: str) -> ValidationError:
    return ValidationError(
        f"{article_id}: a folder on the way to the file, or the file itself, is a symbolic "
        "link, and links are never followed when an article is read or written; put the "
        "folder or file itself in the department folder",
        details={"field": "id", "value": article_id},
        key="article_link",
        values={"id": article_id},
    )


def same_id_file(root: Path, article_id: str) -> str | None:
    """The id of a file beside `article_id`'s whose id differs only in letter
    case or Unicode form (`it/VPN.md` for `it/vpn.md`), None without one: both
    would be one article, and the one already there would keep it."""
    key = id_key(article_id)
    prefix = article_id.rsplit("/", 1)[0]
    try:
        document = not article_id.lower().endswith(".md")
        with article_folder(root, article_id, document=document) as (folder, _):
            names = os.listdir(folder)
    except (OSError, NotFoundError):
        return None
    return next((f"{prefix}/{n}" for n in sorted(names) if id_key(f"{prefix}/{n}") == key), None)


def name_holder(root: Path, article_id: str, latest: ArticleVersion | None) -> str | None:
    """The id of what holds `article_id`'s name, None while it is free: a file of
    that id in any letter case or Unicode form (`same_id_file`), or the article
    itself while its history (`latest`, its newest version) lives on, its file
    taken out of the folder or not; a discarded draft's or a renamed article's
    name is free again (`FREED`). A new file there would be read as that
    article's next version, or never indexed."""
    existing = same_id_file(root, article_id)
    if existing is None and latest is not None and latest.action not in FREED:
        existing = article_id
    return existing


def read_text(root: Path, article_id: str, max_bytes: int) -> str | None:
    """The text of `article_id`'s file (None when it does not exist); never
    follows a link (`article_folder`) and never reads more than `max_bytes` + 1
    bytes. A file over `max_bytes` is a `ContentError` (kind too_large): its first
    part alone, opened in the editor and saved, would drop the rest of the
    article. So is text that is not UTF-8 (kind encoding, with the line and
    byte): a replacement character for the bad byte, saved, would lose it."""
    try:
        with article_folder(root, article_id) as (folder, name):
            raw = read_regular_file(
                name,
                max_bytes,
                article_id,
                too_large="too_large_on_disk",
                dir_fd=folder,
            )
    except ContentError as exc:
        if exc.kind == "missing":
            return None
        if exc.kind == "not_a_file":
            raise _link_refused(article_id) from None
        raise
    return decode_text(raw, article_id)


def holds(root: Path, article_id: str, content_hash: str, max_bytes: int) -> bool:
    """Whether `article_id`'s file is there and holds the text of `content_hash`
    (read as `article_file` and `read_text` do: no link is followed)."""
    try:
        article_file(root, article_id, must_exist=True)
        text = read_text(root, article_id, max_bytes)
    except (NotFoundError, ValidationError, ContentError):
        return False
    return text is not None and text_hash(text) == content_hash


class ChangedMeanwhile(Exception):
    """The file no longer holds the text the save was based on: it was edited on
    disk (no kb writer: they share the edit lock) while the save was checked."""


def write_article(
    root: Path,
    article_id: str,
    text: str | bytes,
    *,
    exclusive: bool = False,
    unchanged: Callable[[], bool] = lambda: True,
) -> None:
    """Replace (or, `exclusive`, create) `article_id`'s file with `text` (the bytes
    of a document, whose id then names one), in its folder as `article_folder`
    opens it: no folder on the way and not the file itself may be a symbolic link
    (`ValidationError`), whatever was checked before. `unchanged` says whether the
    file still holds what the write was based on; asked just before the file is
    replaced, a no is `ChangedMeanwhile` and nothing is written."""
    document = isinstance(text, bytes)
    raw = text if isinstance(text, bytes) else text.encode("utf-8")
    with article_folder(root, article_id, document=document) as (folder, name), writing(article_id):
        try:
            replace_in_folder(folder, name, raw, exclusive=exclusive, unchanged=unchanged)
        except _NotRegular:
            raise _link_refused(article_id) from None


def file_beside(root: Path, article_id: str, name: str) -> str | None:
    """The name of the file in `article_id`'s folder that is `name` in any letter
    case or Unicode form (one file to the reader who types either), None without
    one; the folder opened as `article_folder` opens it."""
    key = normal_name(name).casefold()
    with article_folder(root, article_id) as (folder, _):
        names = sorted(os.listdir(folder))
    return next((n for n in names if normal_name(n).casefold() == key), None)


def write_beside(root: Path, article_id: str, name: str, data: bytes, *, exclusive: bool) -> None:
    """Write `data` as the file `name` in `article_id`'s folder (a picture it
    shows), as `write_article` writes: no link followed, atomic, and with
    `exclusive` only while the name is free (`FileExistsError`)."""
    shown = f"{article_id.rsplit('/', 1)[0]}/{name}"
    with article_folder(root, article_id) as (folder, _), writing(shown):
        try:
            replace_in_folder(folder, name, data, exclusive=exclusive)
        except _NotRegular:
            raise _link_refused(shown) from None


def write_atomically(path: Path, data: str | bytes, *, exclusive: bool = False) -> None:
    """Replace (or, `exclusive`, create) `path` with `data` in one rename."""
    raw = data.encode("utf-8") if isinstance(data, str) else data
    folder = os.open(path.parent, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    try:
        replace_in_folder(folder, path.name, raw, exclusive=exclusive)
    except _NotRegular:
        raise IsADirectoryError(errno.EISDIR, "not a regular file", str(path)) from None
    finally:
        os.close(folder)


class _NotRegular(Exception):
    """The name to replace is a link, a folder or another thing not a regular file."""


def replace_in_folder(
    folder: int,
    name: str,
    data: bytes,
    *,
    exclusive: bool,
    unchanged: Callable[[], bool] = lambda: True,
) -> None:
    """Write `data` to a temporary file in the open `folder`, fsync it, then
    rename it over `name` (or, `exclusive`, rename it there only while the name
    is free, failing if another writer created it meanwhile) and fsync the folder. The temporary name is
    short and hidden (the scanner never reads it): a `.name.tmp` beside a long
    name would pass the file system's 255-byte limit."""
    try:
        info: os.stat_result | None = os.stat(name, dir_fd=folder, follow_symlinks=False)
    except FileNotFoundError:
        info = None
    if info is not None and (exclusive or not stat.S_ISREG(info.st_mode)):
        if exclusive:
            raise FileExistsError(errno.EEXIST, "already exists", name)
        raise _NotRegular(name)
    tmp = f".kb-{secrets.token_hex(8)}.tmp"
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC
    fd = os.open(tmp, flags, 0o600, dir_fd=folder)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fchmod(fd, info.st_mode & 0o777 if info is not None else 0o644)
            os.fsync(fd)
        if not unchanged():  # checked last, so that an edit on disk is hardly ever missed
            raise ChangedMeanwhile(name)
        if exclusive:
            # Never a second name for the file, not even for a moment (`no_replace`).
            rename_no_replace(folder, tmp, name)
        else:
            # A link put in place of the file since the check above is replaced
            # itself (rename never follows it): nothing is written where it points.
            os.replace(tmp, name, src_dir_fd=folder, dst_dir_fd=folder)
    except BaseException:
        with suppress(FileNotFoundError):
            os.unlink(tmp, dir_fd=folder)
        raise
    os.fsync(folder)


@contextmanager
def edit_lock(root: Path) -> Iterator[None]:
    """Hold the content root's edit lock (one writer at a time, all processes); a
    content folder that is read-only or full says so before anything is read."""
    with writing("the content folder's edit lock"):
        fd = os.open(root / LOCK_FILE, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        fcntl.flock(fd, fcntl.LOCK_UN)
        os.close(fd)
