"""What tells a content file unchanged between two readings of the content root.

A reading (`kb.content.scanner.scan_content`) takes an article over from the
reading before it, unread, when the article's stamp is what it was then, as
`kb index` judges files unchanged (`indexer.plan`), with the same stamps:

- a Markdown article: its file's size and modification time, with those of
  every picture of its folder its page names (`stamp_with_images`), so a
  picture replaced, added or removed is read again without the article
  being touched;
- a document (PDF, Word, ODT, HTML, text): its file's, its sidecar's and its
  department's document defaults (`document_stamp`), so a changed sidecar or
  `documents:` setting reads it again.

A stamp is taken so that it can never be newer than what was read: a
document's before it is read (the sidecar and the defaults are known then),
and a file found by the walk has its size and time from before. A Markdown
article's pictures are known only once it is read; one whose file changed
within `RACY_SECONDS` of the reading's start (or after it) may have changed
while it was read, so such an article gets no stamp and the next reading
reads it again.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

from kb.content.article_images import local_images, stamp_with_images, stamped_images
from kb.content.disk_names import path_on_disk
from kb.content.documents import DocumentDefaults, document_stamp, load_defaults
from kb.content.files import FileEntry, department_path
from kb.content.readers import bad_file_name, is_document
from kb.records import Article

RACY_SECONDS = 2.0  # file times coarser than this are not trusted to order writes


def read_as_document(entry: FileEntry) -> bool:
    """Whether the scanner reads `entry` as a document (one of a department's
    folder with a document's suffix and a name it accepts)."""
    return is_document(entry.id) and "/" in entry.id and not bad_file_name(entry.id)


class ScanStamps:
    """The stamps of one reading of the content root `root`, begun now."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.started_ns = time.time_ns()
        self._defaults: dict[str, DocumentDefaults] = {}

    def document(self, entry: FileEntry) -> str:
        """A document's stamp as its files are now."""
        department = entry.id.split("/", 1)[0]
        if department not in self._defaults:
            self._defaults[department] = load_defaults(department_path(self.root, department))
        return document_stamp(
            entry.size, entry.mtime_ns, Path(entry.path), self._defaults[department]
        )

    def current(self, entry: FileEntry, kept: str) -> str:
        """`entry`'s stamp now, to compare with `kept`, the one an earlier reading
        gave it (whose pictures are the ones to look at again)."""
        if read_as_document(entry):
            return self.document(entry)
        folder = os.path.dirname(entry.path)
        return stamp_with_images(entry.stat_key, folder, stamped_images(kept))

    def after_reading(self, entry: FileEntry, article: Article, before: str | None) -> str | None:
        """The stamp to keep for `article`, just read from `entry` (`before`: a
        document's, taken before it was read); None when a picture of it may
        have changed while it was read."""
        if before is not None:
            return before
        folder = os.path.dirname(entry.path)
        pictures = local_images(article)
        newest = self.started_ns - int(RACY_SECONDS * 1e9)
        for relative in pictures:
            try:
                changed = os.lstat(path_on_disk(folder, relative)).st_mtime_ns
            except OSError:
                continue  # missing: stamped as missing, so its arrival is seen
            if changed >= newest:
                return None
        return stamp_with_images(entry.stat_key, folder, pictures)
