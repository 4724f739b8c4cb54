"""The attachment store of the settings: `attachment_store` is database or files."""

from __future__ import annotations

from pathlib import Path
from typing import cast

from kb.attachments.blobs import BlobRows, BlobStore, DatabaseBlobs, FileBlobs
from kb.settings import Settings


def blob_store(settings: Settings, store: object) -> BlobStore:
    """Where attachments' bytes go: the store's database, or `attachment_dir`."""
    if settings.attachment_store == "files":
        return FileBlobs(Path(settings.attachment_dir))
    return DatabaseBlobs(cast(BlobRows, store))
