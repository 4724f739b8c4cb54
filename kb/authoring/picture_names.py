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

Rendering is the whole cost (about 20 ms an article on a loaded machine: 6 s
for a folder of 500, all under the edit lock; docs/benchmarks.md), so it is
done only where its answer can differ:

- an article the index read from the very bytes on disk now is not rendered:
  the indexer recorded what it names (`indexed`, `indexer.named_pictures`),
  and what an article names depends on its bytes alone; an article changed
  since the index run, new, or not indexed (a draft, one the index refused)
  is rendered, and one deleted is not read at all, whatever the index holds;
- an article whose text cannot hold the name is not rendered (`could_name`):
  the name, in any letter case and Unicode form, is in neither its text nor
  anything the text could turn into (no URL escape, character reference,
  Markdown escape, template tag, attribute list or control character that
  would make letters of other text: `%2E`, `&#`, `&name`, `\\`, `{`);
- an article that was rendered is not rendered again while its bytes are the
  same (`rendered_names`, by SHA-256: what it names depends on nothing else);
- the upload reads the folder once before taking the edit lock, so under the
  lock only articles changed in between are rendered again.

Only the articles read from the folders on disk are looked up in the index,
by their ids, so the index adds no article the folders do not hold.
"""

from __future__ import annotations

import hashlib
import logging
import os
import posixpath
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from itertools import islice
from pathlib import Path

from kb.authoring import files
from kb.content.article_images import IndexedPictures, local_images
from kb.content.files import is_hidden
from kb.content.markdown_article import decode_article, parse_article, read_status
from kb.content.readers import READERS, suffix_of
from kb.content.regular_files import read_regular_file
from kb.content.stat_cache import FileCache
from kb.errors import ContentError, KbError
from kb.records import Status
from kb.validators import normal_name

logger = logging.getLogger(__name__)

# Of the articles `ids`, those the index read, with what each names (`indexed_pictures`).
IndexedNames = Callable[[Sequence[str]], Mapping[str, IndexedPictures]]
# Articles looked up in the index at a time (and held in memory meanwhile).
_BATCH = 500

# What `urlsplit` drops from anywhere in an address.
_URL_DROPS = str.maketrans("", "", "\t\r\n")
# What the Markdown, its template tags or URL decoding could turn into other
# letters: URL escapes (`%` and two hex digits), character references (`&`
# and `#` or a name), backslash escapes, template tags and attribute lists,
# and control characters that a step drops.
_MAY_HIDE_LETTERS = re.compile(r"%[0-9A-Fa-f]{2}|&[#A-Za-z]|[\\{\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def name_key(path: str) -> str:
    return normal_name(path).casefold()


def could_name(text: str, name: str) -> bool:
    """Whether the article `text` may name a picture called `name` (False only
    when it certainly does not: see the module). A picture's address is
    compared in `name_key`'s form, and a URL is not whole in the text when tabs
    or line breaks split it (`urlsplit` drops them: `form%\\n2Epng` is
    `form.png`), so they are left out of the text, and all white space where
    the name is looked for, after the letters are put in `name_key`'s form (a line
    break keeps a letter and an accent after it apart)."""
    if not name.isascii() or _MAY_HIDE_LETTERS.search(text.translate(_URL_DROPS)):
        return True
    return name_key(name) in "".join(name_key(text).split())


def rendered_names(
    raw: bytes, article_id: str, render_seconds: float, named: FileCache[frozenset[str]]
) -> frozenset[str]:
    """The keys of the pictures the article `article_id` (its file's bytes)
    shows or would show, as published; none when it is not published or
    cannot be read. `named` keeps them while the bytes are the same (by their
    SHA-256: nothing else changes them); a render past `render_seconds` is
    not kept, as it may succeed when the machine is less busy."""
    digest = hashlib.sha256(raw).hexdigest()
    try:
        return named.kept(article_id, digest, lambda: _rendered(raw, article_id, render_seconds))
    except ContentError:
        return frozenset()


def _rendered(raw: bytes, article_id: str, render_seconds: float) -> frozenset[str]:
    """`rendered_names`, rendered now (ContentError for a render out of time)."""
    try:
        if read_status(raw, article_id, len(raw)) is not Status.PUBLISHED:
            return frozenset()
        lowered = raw.lower()
        if b"![" not in lowered and b"<img" not in lowered:
            return frozenset()  # nothing that can show a picture: no need to render it
        article, _ = parse_article(
            raw, article_id, max_bytes=len(raw), render_seconds=render_seconds
        )
    except ContentError as exc:
        if exc.kind == "render_time":
            raise
        return frozenset()  # not published: the scanner refuses it too
    folder = posixpath.dirname(article_id)
    return frozenset(name_key(f"{folder}/{shown}") for shown in local_images(article))


def _articles_in(root: Path, folder: str, max_bytes: int) -> Iterator[tuple[str, bytes]]:
    """The ids and bytes of the Markdown articles directly in `folder`, read as
    the scanner reads them (the folder walked and each file opened without
    following a link, at most `max_bytes`); none that cannot be read."""
    try:
        with files.article_folder(root, f"{folder}/x.md") as (opened, _):
            for name in sorted(os.listdir(opened)):
                if is_hidden(name) or suffix_of(name) not in READERS:
                    continue
                article_id = f"{folder}/{name}"
                try:
                    raw = read_regular_file(name, max_bytes, article_id, dir_fd=opened)
                except (OSError, KbError):
                    continue
                yield article_id, raw
    except (OSError, KbError):
        return


def names_picture(
    raw: bytes,
    article_id: str,
    target: str,
    render_seconds: float,
    named: FileCache[frozenset[str]] | None = None,
) -> bool:
    """Whether the published article `article_id` (its file's bytes) names the
    picture `target` (a path below the content root); `named` keeps what
    rendered articles name."""
    if not _may_name(raw, article_id, target):
        return False
    kept = named if named is not None else FileCache()  # empty: falsy
    shown = rendered_names(raw, article_id, render_seconds, kept)
    return name_key(target) in shown


def _may_name(raw: bytes, article_id: str, target: str) -> bool:
    """Whether the article `article_id` (its file's bytes) may name the picture
    `target`: its text can hold the name (`could_name`)."""
    try:
        text = decode_article(raw, article_id, len(raw))
    except ContentError:
        return False  # not published: the scanner refuses it too
    return could_name(text, posixpath.basename(target))


def take_indexed(
    listed: Sequence[tuple[str, bytes]], named: FileCache[frozenset[str]], indexed: IndexedNames
) -> int:
    """Keep in `named` what the index records of the articles `listed` (ids and
    bytes read now) that it read from those very bytes (by their SHA-256), as
    if they had been rendered; returns how many. Articles `named` keeps for
    their bytes already are not looked up."""
    digests = {article_id: hashlib.sha256(raw).hexdigest() for article_id, raw in listed}
    wanted = [aid for aid, digest in digests.items() if not named.holds(aid, digest)]
    taken = 0
    for article_id, recorded in indexed(wanted).items() if wanted else ():
        digest = digests.get(article_id)
        if digest is None or recorded.content_hash != digest:
            continue  # changed since the index run: rendered
        folder = posixpath.dirname(article_id)
        keys = frozenset(name_key(f"{folder}/{name}") for name in recorded.names)
        named.kept(article_id, digest, keys.copy)
        taken += 1
    return taken


def published_naming(
    root: Path,
    beside: str,
    picture: str,
    *,
    max_bytes: int,
    render_seconds: float,
    named: FileCache[frozenset[str]] | None = None,
    indexed: IndexedNames | None = None,
) -> list[str]:
    """The published articles that name the picture `picture`, to be written in
    the folder of the article `beside` (see the module), in folder order;
    `named` keeps what rendered articles name for the next call, `indexed`
    (when given) answers what the index read of the articles."""
    folder = beside.rsplit("/", 1)[0]
    target = f"{folder}/{picture}"
    parts = folder.split("/")
    named = named if named is not None else FileCache()
    found: list[str] = []
    for depth in range(len(parts), 0, -1):
        listed = _articles_in(root, "/".join(parts[:depth]), max_bytes)
        while batch := list(islice(listed, _BATCH)):
            # Only those that may name it are looked up in the index or rendered.
            maybe = [(aid, raw) for aid, raw in batch if _may_name(raw, aid, target)]
            if indexed is not None and maybe:
                take_indexed(maybe, named, indexed)
            found.extend(
                article_id
                for article_id, raw in maybe
                if name_key(target) in rendered_names(raw, article_id, render_seconds, named)
            )
    if found:
        logger.info("authoring: %s is named by the published %s", target, ", ".join(found))
    return found
