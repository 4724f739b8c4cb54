"""Where attached files' bytes are kept: in the database, or in a folder.

Both keep a file once per content, under its SHA-256, and check the bytes
against it whenever they are read: a file damaged on disk or in the
database is refused (`StoreError`) instead of being handed out. The
database store shares the app's store (its `attachment_blobs` table); the
folder store writes each file to a temporary name, syncs it and renames it
into place, so a crash never leaves half a file under a checksum.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Protocol

from kb.authoring.files import write_atomically
from kb.errors import StoreError


def digest_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def checked(digest: str, data: bytes | None) -> bytes:
    """`data` when it is there and matches `digest`; StoreError otherwise."""
    if data is None:
        raise StoreError(
            f"attachment file {digest} is missing from the attachment store; restore it from "
            "the backup"
        )
    if digest_of(data) != digest:
        raise StoreError(
            f"attachment file {digest} does not match its checksum (damaged); restore it from "
            "the backup"
        )
    return data


class BlobStore(Protocol):
    """Bytes by their SHA-256."""

    def put(self, data: bytes) -> str:
        """Keep `data` (once per content); returns its SHA-256."""
        ...

    def get(self, digest: str) -> bytes:
        """The bytes of `digest`, checked; StoreError when missing or damaged."""
        ...

    def has(self, digest: str) -> bool:
        """Whether bytes of `digest` are kept (not read, so not checked: a quick
        look for a page that lists many versions; `get` still refuses damage)."""
        ...


class BlobRows(Protocol):
    """What the database blob store needs from the store (`kb.store.sql_attachments`)."""

    def put_blob(self, digest: str, data: bytes) -> None: ...

    def get_blob(self, digest: str) -> bytes | None: ...

    def has_blob(self, digest: str) -> bool: ...


class DatabaseBlobs:
    """Files in the store's own database (the default: one thing to back up)."""

    def __init__(self, rows: BlobRows) -> None:
        self.rows = rows

    def put(self, data: bytes) -> str:
        digest = digest_of(data)
        self.rows.put_blob(digest, data)
        return digest

    def get(self, digest: str) -> bytes:
        return checked(digest, self.rows.get_blob(digest))

    def has(self, digest: str) -> bool:
        return self.rows.has_blob(digest)


class FileBlobs:
    """Files in a folder, `ab/abcdef…` by SHA-256."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def _path(self, digest: str) -> Path:
        return self.folder / digest[:2] / digest

    def put(self, data: bytes) -> str:
        digest = digest_of(data)
        path = self._path(digest)
        if path.is_file() and path.stat().st_size == len(data):
            return digest
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            write_atomically(path, data)
        except OSError as exc:
            raise StoreError(f"could not keep an attachment in {self.folder}: {exc}") from exc
        return digest

    def get(self, digest: str) -> bytes:
        try:
            data: bytes | None = self._path(digest).read_bytes()
        except FileNotFoundError:
            data = None
        except OSError as exc:
            raise StoreError(f"could not read attachment file {digest}: {exc}") from exc
        return checked(digest, data)

    def has(self, digest: str) -> bool:
        return self._path(digest).is_file()
