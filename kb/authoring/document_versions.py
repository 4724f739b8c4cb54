"""The versions of an uploaded document: who, when, its SHA-256 and size, and
its bytes, kept by content in the attachment store (`kb.attachments.blobs`,
the database by default) so that an earlier version can be restored and a
version waiting for review can be read by the reviewer.

A document has no front matter to carry its status, so the status is the
version's: `published` when its bytes were written into the content folder
(an upload, an approval, a restore, or a change found on disk), `review`
when they wait for a second content owner (nothing written, nothing
indexed), `draft` when that review rejected them. The version text is one
line, `<id>: <n> bytes, SHA-256 <hex>`, which the history reads the size
from; binary versions are never diffed.
"""

from __future__ import annotations

import hashlib
import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Protocol, TypeVar

from kb.attachments.blobs import BlobStore
from kb.authoring import files, version_notes
from kb.authoring.recording import store_version
from kb.authoring.records import Action, ArticleVersion
from kb.authoring.service import AuthoringService
from kb.content.regular_files import read_regular_file
from kb.errors import ConflictError, ContentError, KbError, StoreError
from kb.records import Status

logger = logging.getLogger(__name__)
_SIZE = re.compile(r": (\d+) bytes, SHA-256 ")


@dataclass(frozen=True)
class DocumentVersion:
    """One version of a document as its history shows it."""

    number: int
    ts: datetime
    author: str
    action: Action
    status: Status
    message: str
    sha256: str
    size: int | None  # None: recorded before sizes were (shown as unknown)

    @classmethod
    def of(cls, version: ArticleVersion) -> DocumentVersion:
        found = _SIZE.search(version.text)
        return cls(
            version.number,
            version.ts,
            version.author,
            version.action,
            version.status,
            version.message,
            version.content_hash,
            int(found.group(1)) if found else None,
        )

    def as_dict(self) -> dict[str, object]:
        return {
            "version": self.number,
            "author": self.author or None,
            "ts": self.ts.isoformat(),
            "action": self.action.value,
            "status": self.status.value,
            "message": self.message,
            "sha256": self.sha256,
            "size": self.size,
        }


class _Stated(Protocol):
    @property
    def action(self) -> Action: ...

    @property
    def status(self) -> Status: ...


V = TypeVar("V", bound=_Stated)


def pending(versions: Sequence[V]) -> V | None:
    """The version waiting for review: the newest one that is not a change found
    on disk, when its status is review (None otherwise)."""
    for version in reversed(versions):
        if version.action is not Action.DISK:
            return version if version.status is Status.REVIEW else None
    return None


def live(versions: Sequence[V]) -> V | None:
    """The newest version whose bytes went into the content folder; None when
    the document was deleted since (a file there again is a change on disk)."""
    for version in reversed(versions):
        if version.action is Action.DELETE:
            return None
        if version.status is Status.PUBLISHED:
            return version
    return None


class DocumentVersions:
    """Versions of the documents of `authoring`'s content root, bytes in `blobs`
    (None: bytes are not kept; nothing can be restored or reviewed)."""

    def __init__(
        self, authoring: AuthoringService, blobs: BlobStore | None, max_bytes: int
    ) -> None:
        self.authoring, self.blobs, self.max_bytes = authoring, blobs, max_bytes

    def on_disk(self, article_id: str) -> bytes | None:
        """The file's bytes now (None when there is none that can be read)."""
        try:
            with files.article_folder(self.authoring.root, article_id, document=True) as (fd, n):
                return read_regular_file(n, self.max_bytes, article_id, dir_fd=fd)
        except (ContentError, KbError, OSError):
            return None

    def current(self, article_id: str) -> int:
        """The version an upload bases on: the newest stored one, or the one after it
        when the file changed on disk since its last published version (0: none)."""
        versions = self.authoring.versions.versions(article_id)
        raw = self.on_disk(article_id)
        disk = "" if raw is None else hashlib.sha256(raw).hexdigest()
        if not versions:
            return 1 if disk else 0
        published = live(versions)
        same = disk == (published.content_hash if published else "")
        return versions[-1].number if same else versions[-1].number + 1

    def sync(self, article_id: str) -> None:
        """Record the file as found on disk when it is not its last published
        version (changed or added there); call inside the edit lock."""
        raw = self.on_disk(article_id)
        if raw is None:
            return
        versions = self.authoring.versions.versions(article_id)
        published = live(versions)
        if published is not None and published.content_hash == hashlib.sha256(raw).hexdigest():
            return
        found = version_notes.found_on_disk(not versions)
        self.add(article_id, raw, "", Action.DISK, Status.PUBLISHED, found)

    def add(
        self, article_id: str, data: bytes, by: str, action: Action, status: Status, message: str
    ) -> ArticleVersion:
        """A new version of `data` (kept in the blob store first), numbered after the newest."""
        digest = hashlib.sha256(data).hexdigest()
        if self.blobs is not None:
            self.blobs.put(data)
        latest = self.authoring.versions.latest(article_id)
        return store_version(
            self.authoring,
            article_id,
            1 if latest is None else latest.number + 1,
            f"{article_id}: {len(data)} bytes, SHA-256 {digest}\n",
            author=by,
            action=action,
            status=status,
            message=message,
            content_hash=digest,
        )

    def restate(
        self, version: ArticleVersion, by: str, action: Action, status: Status, message: str
    ) -> ArticleVersion:
        """A new version of `version`'s bytes (kept already) with another status."""
        latest = self.authoring.versions.latest(version.article_id)
        return self.authoring.versions.add_version(
            replace(
                version,
                number=1 if latest is None else latest.number + 1,
                author=by,
                action=action,
                status=status,
                message=message.strip()[:500],
                ts=self.authoring.clock(),
            )
        )

    def missing(self, versions: Sequence[ArticleVersion]) -> set[int]:
        """The numbers of `versions` whose file the attachment store does not hold
        (recorded before files were kept, or lost by the store since), so that a
        history shows it when it is read, not first when someone approves or
        downloads it. Empty without a store; a store that cannot be asked is
        logged and taken as holding them (the download still says what is wrong)."""
        if self.blobs is None:
            return set()
        held: dict[str, bool] = {}
        try:
            for v in versions:
                if v.content_hash not in held:
                    held[v.content_hash] = self.blobs.has(v.content_hash)
        except (StoreError, OSError) as exc:
            logger.warning("authoring: cannot look for document files: %s", exc)
            return set()
        return {v.number for v in versions if not held[v.content_hash]}

    def data(self, version: ArticleVersion) -> bytes:
        """The bytes of `version`; a `ConflictError` saying why when they were not kept."""
        if self.blobs is not None:
            try:
                return self.blobs.get(version.content_hash)
            except StoreError as exc:
                logger.warning(
                    "authoring: %s version %d: %s", version.article_id, version.number, exc
                )
        raise ConflictError(
            f"the file of version {version.number} of {version.article_id} was not kept "
            "(recorded before document versions kept their files, or the store lost it); "
            "choose another version, or upload the document again",
            details={"id": version.article_id, "version": version.number, "reason": "file_missing"},
            key="document_version_gone",
            values={"id": version.article_id, "version": version.number},
        )
