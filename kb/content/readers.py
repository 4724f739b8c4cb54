"""Where a file under the content root becomes an `Article`, by file type.

`READERS` maps a file name suffix to the function that reads such a file.
A reader gets the file's bytes and its id and returns the article with any
non-fatal warnings, or raises `ContentError` (what, where, what to do). The
checks every file type shares (inside a department folder, a regular file, not
too large) happen once, in `read_article`, before a reader sees the bytes.

To support a new file type, add its suffix and reader to `READERS`; the
scanner, `kb validate`, the indexer and `kb index --watch` then pick it up.
Readers that need heavy libraries import them inside the function, so that
listing files stays cheap.
"""

from __future__ import annotations

import os
from typing import Protocol

from kb.content.article_images import DEFAULT_IMAGE_MAX_BYTES, FolderImages
from kb.content.images import ImageReader
from kb.content.markdown_article import DEFAULT_RENDER_SECONDS, parse_article
from kb.content.problem_texts import content_error
from kb.content.regular_files import read_content_file
from kb.extract.factory import BY_EXTENSION, UNSUPPORTED
from kb.extract.problem_texts import UNSUPPORTED_KEYS
from kb.records import CONTROL_CHARACTERS, Article, Problem
from kb.validators import BIDI_CONTROL


class ArticleReader(Protocol):
    """Reads one content file's bytes into an article (raises `ContentError`),
    rendering it within `render_seconds`, its pictures through `images`."""

    def __call__(
        self,
        raw: bytes,
        article_id: str,
        *,
        max_bytes: int,
        render_seconds: float | None,
        images: ImageReader | None,
    ) -> tuple[Article, list[Problem]]: ...


READERS: dict[str, ArticleReader] = {
    ".md": parse_article,
}


def suffix_of(name: str) -> str:
    dot = name.rfind(".")
    return name[dot:].lower() if dot > 0 else ""


# Documents (kb.content.documents) are read in batches through the extraction
# sandbox and cache, not one by one here; the formats next to them that cannot
# be read (.doc, .rtf, spreadsheets) are listed so each gets a line saying what to do.
DOCUMENT_SUFFIXES = frozenset(BY_EXTENSION) | frozenset(UNSUPPORTED)
CONTENT_SUFFIXES = (*READERS, *sorted(DOCUMENT_SUFFIXES))


# Spreadsheets in a department's folder are each reported as not published, and
# why; one in the content root, where no department's content lies, is not content.
SPREADSHEET_SUFFIXES = frozenset(
    s for s, k in UNSUPPORTED_KEYS.items() if k.endswith("spreadsheet")
)


def has_reader(name: str, *, in_department: bool = True) -> bool:
    """Whether files called `name` are content (a reader exists for their type),
    in a department's folder or (`in_department` False) in the content root."""
    suffix = suffix_of(name)
    if not in_department and suffix in SPREADSHEET_SUFFIXES:
        return False
    return suffix in READERS or suffix in DOCUMENT_SUFFIXES


def is_document(article_id: str) -> bool:
    """Whether the file is a document (PDF, DOCX, ODT, HTML, text…) rather than Markdown."""
    return suffix_of(article_id) in DOCUMENT_SUFFIXES


# The longest article id, in UTF-8 bytes: room for the browser editor's 300
# characters, and well inside what a database index entry and a URL hold
# (PostgreSQL's B-tree takes about 2,700 bytes a key).
MAX_ID_BYTES = 1200


def _id_bytes(article_id: str) -> int:
    return len(article_id.encode("utf-8", "surrogatepass"))


def bad_file_name(article_id: str) -> bool:
    """Whether `article_id` cannot be an article id (see `check_file_name`)."""
    return (
        "\\" in article_id
        or CONTROL_CHARACTERS.search(article_id) is not None
        or BIDI_CONTROL.search(article_id) is not None
        or _id_bytes(article_id) > MAX_ID_BYTES
    )


def check_file_name(article_id: str) -> None:
    """A `ContentError` of kind file_name when the path cannot be an article id:
    ids are POSIX paths (kb.records.Article) printed on one line."""
    if "\\" in article_id:
        raise content_error("file_name_backslash", article_id, kind="file_name")
    if CONTROL_CHARACTERS.search(article_id):
        raise content_error("file_name_control", article_id, kind="file_name")
    if BIDI_CONTROL.search(article_id):
        # The id is the article's address and a document's download name: shown
        # reordered, `pay\u202efdp.exe.docx` reads as another file's name.
        raise content_error("file_name_direction", article_id, kind="file_name")
    if _id_bytes(article_id) > MAX_ID_BYTES:
        size, most = f"{_id_bytes(article_id):,}", f"{MAX_ID_BYTES:,}"
        raise content_error("file_name_long", article_id, kind="file_name", size=size, most=most)


def read_article(
    path: str,
    article_id: str,
    max_bytes: int,
    render_seconds: float | None = DEFAULT_RENDER_SECONDS,
    image_max_bytes: int = DEFAULT_IMAGE_MAX_BYTES,
) -> tuple[Article, list[Problem]]:
    """Read the file at `path` (id `article_id`) with the reader for its type,
    and the pictures it shows from its folder (`kb.content.article_images`)."""
    check_file_name(article_id)
    reader = READERS.get(suffix_of(article_id))
    if reader is None:
        types = ", ".join(sorted(READERS))
        raise content_error("file_type", article_id, kind="file_type", types=types)
    if "/" not in article_id:
        raise content_error("no_department", article_id, kind="no_department")
    raw = read_content_file(path, article_id, max_bytes, too_large="too_large")
    images = FolderImages(os.path.dirname(path), image_max_bytes, article_id)
    return reader(
        raw, article_id, max_bytes=max_bytes, render_seconds=render_seconds, images=images
    )
