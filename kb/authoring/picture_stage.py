"""Pictures uploaded in the editor, held outside the content folder until saved.

A picture uploaded while an article is edited is not part of the content yet:
the author may cancel, or never save. So `PictureUploads.upload` checks it and
puts it here (`picture_staging_dir`, operator's state, never read by the
scanner), and `PictureUploads.publish_staged` writes into the article's folder
the staged pictures that the article names once it is saved. A staged picture
nobody saved is removed after `picture_staging_hours` (`sweep`, run at each
upload and save), so a cancelled edit leaves nothing behind.

Each article has one folder here, named by the SHA-256 of its id (an id never
becomes a path); in it each picture under its checked name (a lower-case slug
with a picture's extension, `kb.authoring.picture_checks.picture_name`) and beside it
`<name>.json`: the article id, who uploaded it and whether it replaces a
picture of that name. A second upload of a name for the same article replaces
the staged one. Files are written atomically (`files.write_atomically`), and a
staged picture is read back at most `max_bytes`.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from kb.authoring import files

logger = logging.getLogger(__name__)

_META = ".json"


@dataclass(frozen=True)
class StagedPicture:
    """A picture waiting for its article to be saved."""

    article_id: str
    name: str
    author: str
    replace: bool
    data: bytes


class PictureStage:
    """The staged pictures under `folder`, each kept `keep_seconds` after its upload."""

    def __init__(
        self,
        folder: Path,
        *,
        keep_seconds: float = 24 * 3600,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.folder = folder
        self.keep_seconds = keep_seconds
        self.clock = clock

    def _of(self, article_id: str) -> Path:
        return self.folder / hashlib.sha256(article_id.encode("utf-8")).hexdigest()[:32]

    def put(self, article_id: str, name: str, data: bytes, *, author: str, replace: bool) -> None:
        """Hold `data` as the picture `name` of `article_id` until the article is saved."""
        self.sweep()
        held = self._of(article_id)
        held.mkdir(parents=True, exist_ok=True, mode=0o700)
        files.write_atomically(held / name, data)
        meta = {"article": article_id, "author": author, "replace": replace}
        files.write_atomically(held / f"{name}{_META}", json.dumps(meta))
        logger.info("authoring: %s staged the picture %s for %s", author, name, article_id)

    def get(self, article_id: str, name: str, max_bytes: int) -> StagedPicture | None:
        """The staged picture `name` of `article_id`, None without one (or one past
        `max_bytes`, or whose record does not read)."""
        held = self._of(article_id)
        try:
            meta = json.loads((held / f"{name}{_META}").read_text(encoding="utf-8"))
            with open(held / name, "rb") as handle:
                data = handle.read(max_bytes + 1)
        except (OSError, ValueError):
            return None
        if meta.get("article") != article_id or len(data) > max_bytes:
            return None
        return StagedPicture(
            article_id, name, str(meta.get("author", "")), meta.get("replace") is True, data
        )

    def names(self, article_id: str) -> list[str]:
        """The names of the pictures staged for `article_id`, sorted."""
        try:
            listed = os.listdir(self._of(article_id))
        except OSError:
            return []
        return sorted(n for n in listed if not n.endswith(_META) and not n.startswith("."))

    def drop(self, article_id: str, name: str) -> None:
        """Forget the staged picture `name` of `article_id` (written, or refused for good)."""
        held = self._of(article_id)
        for path in (held / name, held / f"{name}{_META}"):
            with contextlib.suppress(FileNotFoundError):
                path.unlink()
        with contextlib.suppress(OSError):
            held.rmdir()  # only when empty

    def sweep(self) -> int:
        """Remove the staged pictures older than `keep_seconds`; returns how many."""
        cutoff = self.clock() - self.keep_seconds
        removed = 0
        try:
            folders = list(self.folder.iterdir())
        except OSError:
            return 0
        for held in folders:
            try:
                entries = list(held.iterdir())
            except OSError:
                continue
            for entry in entries:
                with contextlib.suppress(OSError):
                    if entry.lstat().st_mtime < cutoff:
                        entry.unlink()
                        removed += not entry.name.endswith(_META)
            with contextlib.suppress(OSError):
                held.rmdir()  # only when empty
        if removed:
            logger.info("authoring: removed %d staged pictures no saved article named", removed)
        return removed
