"""Which published articles already name a picture that is not there yet.

A published article may name a picture its folder does not hold (a name
mistyped, a file never copied in, one deleted since): its page shows the alt
text. Under the four-eyes rule that article was approved as it shows now, so
a picture uploaded under that very name would change the published page at
the next index run with one pair of eyes. `published_naming` finds such
articles before an upload is written (`kb.authoring.pictures` refuses it).

A picture is shown only by articles of its own folder or a folder above it in
the department (`kb.content.images`: no `..`), so only those are read; each is
read from disk as the scanner reads it (no link followed, at most
`max_file_bytes`, rendered within `render_seconds`), and an article whose
status is not `published`, or that cannot be read, names nothing a reader
sees. Names are compared in any letter case and Unicode form, as the upload
compares them with the files already there.
"""

from __future__ import annotations

import logging
import os
import posixpath
from pathlib import Path

from kb.authoring import files
from kb.content.article_images import local_images
from kb.content.files import is_hidden
from kb.content.markdown_article import parse_article, read_status
from kb.content.readers import READERS, suffix_of
from kb.content.regular_files import read_regular_file
from kb.errors import ContentError, KbError
from kb.records import Status
from kb.validators import normal_name

logger = logging.getLogger(__name__)


def _key(path: str) -> str:
    return normal_name(path).casefold()


def _articles_in(root: Path, folder: str) -> list[str]:
    """The ids of the Markdown articles directly in `folder` (walked without
    following a link; none when it cannot be opened)."""
    try:
        with files.article_folder(root, f"{folder}/x.md") as (opened, _):
            names = sorted(os.listdir(opened))
    except (OSError, KbError):
        return []
    return [
        f"{folder}/{name}" for name in names if not is_hidden(name) and suffix_of(name) in READERS
    ]


def _raw(root: Path, article_id: str, max_bytes: int) -> bytes | None:
    try:
        with files.article_folder(root, article_id) as (folder, name):
            return read_regular_file(name, max_bytes, article_id, dir_fd=folder)
    except (OSError, KbError):
        return None


def names_picture(raw: bytes, article_id: str, target: str, render_seconds: float) -> bool:
    """Whether the published article `article_id` (its file's bytes) names the
    picture `target` (a path below the content root)."""
    try:
        if read_status(raw, article_id, len(raw)) is not Status.PUBLISHED:
            return False
    except ContentError:
        return False
    lowered = raw.lower()
    if b"![" not in lowered and b"<img" not in lowered:
        return False  # nothing that can show a picture: no need to render it
    try:
        article, _ = parse_article(
            raw, article_id, max_bytes=len(raw), render_seconds=render_seconds
        )
    except ContentError:
        return False  # not published: the scanner refuses it too
    folder = posixpath.dirname(article_id)
    return any(_key(f"{folder}/{shown}") == _key(target) for shown in local_images(article))


def published_naming(
    root: Path, beside: str, picture: str, *, max_bytes: int, render_seconds: float
) -> list[str]:
    """The published articles that name the picture `picture`, to be written in
    the folder of the article `beside` (see the module), in folder order."""
    folder = beside.rsplit("/", 1)[0]
    target = f"{folder}/{picture}"
    parts = folder.split("/")
    found = []
    for depth in range(len(parts), 0, -1):
        for article_id in _articles_in(root, "/".join(parts[:depth])):
            raw = _raw(root, article_id, max_bytes)
            if raw is not None and names_picture(raw, article_id, target, render_seconds):
                found.append(article_id)
    if found:
        logger.info("authoring: %s is named by the published %s", target, ", ".join(found))
    return found
