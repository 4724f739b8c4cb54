"""The pictures of a Markdown article, read from its folder and checked by their bytes.

A picture whose address may be shown (`kb.content.images`) is read from the
article's folder as every content file is read (`read_regular_file`: a
regular file with one name, never through a link, at most `image_max_bytes`
+ 1 bytes), each folder on its way opened without following a link, so a
link in the folder can never lead out of it. Its type comes from its first
bytes (PNG, JPEG, GIF, WebP), never from its name: a `.png` holding HTML or
SVG is refused. What is shown becomes an `ArticleImage` (its SHA-256, type and
size); the indexer keeps its bytes with the snapshot under that SHA-256
(`indexer.originals`), and the web app serves them from there, never from the
content folder. Each picture that is not shown is a warning with its line.
A name written in one Unicode form ("Büro.png" composed, NFC) finds the file
saved in the other (decomposed, NFD, as macOS writes it), and the reverse.

The indexer recognises an unchanged Markdown file by its size and time; an
article with pictures adds theirs (`stamp_with_images`), so replacing or
adding a picture is picked up without touching the article.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import json
import os
import posixpath
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from urllib.parse import unquote

from kb.content.disk_names import name_on_disk, path_on_disk
from kb.content.images import ImageReference, image_sources, warning_of
from kb.content.problem_texts import NOT_SHOWN_HINT, content_error
from kb.content.regular_files import open_content_folder, read_regular_file
from kb.content.stat_cache import FileCache
from kb.errors import ContentError
from kb.records import Article, ArticleImage, Problem, Severity

DEFAULT_IMAGE_MAX_BYTES = 5_000_000
_FOLDER_FLAGS = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC


def sniff_image(data: bytes) -> str | None:
    """The media type of a PNG, JPEG, GIF or WebP picture's bytes; None otherwise."""
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if data.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if data.startswith((b"GIF87a", b"GIF89a")):
        return "image/gif"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    return None


def is_markup(data: bytes) -> bool:
    """Whether `data` begins as markup does (HTML or SVG, after any white space)."""
    return data.lstrip()[:1] == b"<"


def not_a_picture(data: bytes) -> str:
    """Why `data`, which `sniff_image` does not take, is no picture that is shown
    (the key of its text in `kb.content.problem_texts`)."""
    if not data:
        return "image_empty"
    if is_markup(data):
        return "image_markup"
    return "image_not_picture"


@contextlib.contextmanager
def image_folder(
    folder: str, relative: str, display: str, article_id: str | None = None
) -> Iterator[tuple[int, str]]:
    """The open folder of the file `relative` below the folder `folder` (on
    disk) and the file's name in it, every folder on the way opened without
    following a link (ContentError); each name found in the Unicode form its
    folder holds it (`name_on_disk`). With `article_id`, the id of the article
    in `folder` below the content root, the folders from the root down to
    `folder` too (`kb.content.regular_files.open_content_folder`)."""
    *folders, name = relative.split("/")
    try:
        if article_id is None:
            fd = os.open(folder, _FOLDER_FLAGS)
        else:  # the file's own name is not opened here: any stands for it
            fd, _ = open_content_folder(os.path.join(folder, "-"), article_id, display)
    except OSError as exc:
        raise ContentError(
            f"cannot open the article's folder: {exc.strerror}", path=display
        ) from None
    try:
        for part in folders:
            try:
                inner = os.open(name_on_disk(fd, part), _FOLDER_FLAGS, dir_fd=fd)
            except FileNotFoundError:
                raise ContentError("file does not exist", path=display, kind="missing") from None
            except OSError as exc:
                kind = "not_a_file" if exc.errno in (errno.ELOOP, errno.ENOTDIR) else "io"
                raise ContentError(
                    f"folder {part!r}: {exc.strerror}", path=display, kind=kind
                ) from None
            os.close(fd)
            fd = inner
        yield fd, name_on_disk(fd, name)
    finally:
        os.close(fd)


def read_image(
    folder: str, relative: str, max_bytes: int, display: str, article_id: str | None = None
) -> bytes:
    """The bytes of the file `relative` below the folder `folder` (on disk),
    read as `image_folder` opens it (ContentError)."""
    with image_folder(folder, relative, display, article_id) as (fd, name):
        return read_regular_file(name, max_bytes, display, dir_fd=fd)


def is_picture_file(
    folder: str, relative: str, max_bytes: int, display: str, checked: FileCache[bool]
) -> bool:
    """Whether `read_image` reads a picture (`sniff_image`) from the file
    `relative` below `folder`. `checked` keeps the answer while the file's
    `lstat` (found without following a link: any write changes its change
    time) and `max_bytes` are the same, so an unchanged file is read once."""

    def check(fd: int, name: str) -> bool:
        return sniff_image(read_regular_file(name, max_bytes, display, dir_fd=fd)) is not None

    try:
        with image_folder(folder, relative, display) as (fd, name):
            info = os.stat(name, dir_fd=fd, follow_symlinks=False)
            key = (info.st_dev, info.st_ino, info.st_size, info.st_mtime_ns, info.st_ctime_ns)
            where = os.path.join(folder, relative)
            return checked.kept(where, (*key, max_bytes), lambda: check(fd, name))
    except (OSError, ContentError):
        return False


# The texts of why a picture's file is not read, by the kind of its `ContentError`.
_WHY = {"missing": "image_missing", "not_a_file": "image_not_a_file"}


class FolderImages:
    """Reads the pictures of an article whose file lies in `folder` (on disk).
    With `article`, that article's id below the content root, the folders from
    the root down to `folder` are opened without following a link too (the
    scanner listed the file; a folder swapped for a link since leads nowhere)."""

    def __init__(
        self, folder: str, max_bytes: int = DEFAULT_IMAGE_MAX_BYTES, article: str | None = None
    ) -> None:
        self.folder = folder
        self.max_bytes = max_bytes
        self.article = article

    def __call__(
        self, article_id: str, references: list[ImageReference]
    ) -> tuple[tuple[ArticleImage, ...], list[Problem]]:
        shown: dict[str, ArticleImage] = {}
        problems: list[Problem] = []
        for ref in references:
            if ref.problem:
                problems.append(ref.warning(article_id))
                continue
            if ref.target in shown:
                continue
            try:
                shown[ref.target] = self._read(ref)
            except ContentError as exc:
                problems.append(_not_shown(ref, article_id, exc))
        return tuple(shown.values()), problems

    def _bytes(self, ref: ImageReference) -> bytes:
        """The bytes of the file `ref` names, read from the folder (ContentError)."""
        return read_image(self.folder, ref.relative, self.max_bytes, ref.target, self.article)

    def _read(self, ref: ImageReference) -> ArticleImage:
        try:
            data = self._bytes(ref)
        except ContentError as exc:
            if exc.kind != "too_large":
                raise
            limit = f"{self.max_bytes:,}"
            raise content_error(
                "image_too_large", ref.target, kind="too_large", source=ref.quoted, limit=limit
            ) from None
        media_type = sniff_image(data)
        if media_type is None:
            raise content_error(
                not_a_picture(data), ref.target, kind="image_type", source=ref.quoted
            )
        digest = hashlib.sha256(data).hexdigest()
        return ArticleImage(ref.target, digest, media_type, len(data))


def _not_shown(ref: ImageReference, article_id: str, exc: ContentError) -> Problem:
    """The warning that the picture `ref` names is not shown, as reading its file
    (`exc`) says why; in English only where the reason has no text."""
    if exc.kind in _WHY:
        return ref.warning(article_id, _WHY[exc.kind])
    if exc.text_key:  # from `_read`, which names the picture as `ref.warning` does
        return warning_of(exc.text_key, article_id, ref.line, **exc.text_values)
    return Problem(
        article_id,
        f"image {ref.quoted} is not shown: {exc.reason}",
        hint=f"{exc.hint or 'replace the file'}; {NOT_SHOWN_HINT}",
        line=ref.line,
        severity=Severity.WARNING,
        kind="image",
    )


@dataclass(frozen=True)
class IndexedPictures:
    """What the index recorded of a Markdown article's pictures: `local_images`
    of the article read from the bytes whose SHA-256 is `content_hash`. What
    an article names depends on its bytes alone, so it holds for the file
    while the file's bytes have that hash, and for no other bytes."""

    content_hash: str
    names: tuple[str, ...]


def local_images(article: Article) -> list[str]:
    """The paths below the article's folder of every picture its stored HTML
    names in the folder, shown or not (the indexer stamps them)."""
    prefix = posixpath.dirname(article.id) + "/"
    found = []
    for source in image_sources(article.body_html):
        target = unquote(source)[1:] if source.startswith("/") else ""
        if target.startswith(prefix) and target[len(prefix) :] not in found:
            found.append(target[len(prefix) :])
    return found


def _file_stamp(folder: str, relative: str) -> str:
    try:
        info = os.lstat(path_on_disk(folder, relative))
    except OSError:
        return "-"
    return f"{info.st_size}:{info.st_mtime_ns}"


def stamp_with_images(file_stamp: str, folder: str, relatives: Sequence[str]) -> str:
    """An article file's stamp ("size:time") with those of its pictures, read
    now from `folder` ("-" for one that is missing); the file's alone without."""
    if not relatives:
        return file_stamp
    return json.dumps([file_stamp, [[r, _file_stamp(folder, r)] for r in relatives]])


def stamped_images(stamp: str) -> list[str]:
    """The pictures a stamp of `stamp_with_images` lists (none for a plain one)."""
    if not stamp.startswith("["):
        return []
    try:
        _, pictures = json.loads(stamp)
        return [str(relative) for relative, _ in pictures]
    except (ValueError, TypeError):
        return []
