"""Keyed signatures of snapshot manifests, for the shared snapshot stores.

Without a key, a node that copies a snapshot from the store checks each file
against the SHA-256 its manifest lists, and the manifest against the SHA-256
stored beside it (`manifest_sha256`, an S3 object's metadata). Both are
written by whoever can write the store, so someone who can (the bucket's
credentials, the database's snapshot tables) could publish edited files with
a manifest edited to match, and every node would serve them.

With a shared store (`snapshot_store` database or s3) every node must have
`secret_key`, and the indexer shares it: the indexer then adds to each
manifest an HMAC-SHA256 of its content under a key derived from
`secret_key`, and a node refuses a snapshot whose manifest carries no such
signature or one that does not match, naming the snapshot, and keeps serving
the one it has. The store never holds the secret, so it cannot forge one.

Not covered: the local index folder (whoever writes it runs as the service
and can read its settings), snapshots of the `files` store (there is nothing
shared to protect), a snapshot signed before being replaced by an older
signed one of the same key (a replay: the pointer itself is not signed; the
signed `sequence` of `indexer.snapshot_order` catches it), and anyone who
knows `secret_key`.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from typing import Any

from kb.errors import SnapshotStoreError
from kb.settings import Settings

SIGNATURE = "signature"  # manifest key: hex HMAC-SHA256 of the rest of the manifest
_PURPOSE = b"spoc-kb snapshot manifest signature v1"


def signing_key(settings: Settings) -> str:
    """The secret manifests are signed and checked with: `secret_key` with a
    shared snapshot store (where every node must set it), else none."""
    return settings.secret_key if settings.snapshot_store != "files" else ""


def _digest(manifest: dict[str, Any], secret: str) -> str:
    key = hmac.new(secret.encode("utf-8"), _PURPOSE, hashlib.sha256).digest()
    rest = {k: v for k, v in manifest.items() if k != SIGNATURE}
    body = json.dumps(rest, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)
    return hmac.new(key, body.encode("utf-8"), hashlib.sha256).hexdigest()


def sign(manifest: dict[str, Any], secret: str) -> dict[str, Any]:
    """The manifest with its signature (unchanged without a secret)."""
    if not secret:
        return manifest
    # Through JSON first, so that what is signed is what a reader will parse.
    plain = json.loads(json.dumps(manifest, default=str))
    return {**plain, SIGNATURE: _digest(plain, secret)}


def check(manifest_text: str, secret: str, name: str) -> None:
    """Raise `SnapshotStoreError` naming snapshot `name` unless its manifest is
    signed with `secret` (nothing is checked without one)."""
    if not secret:
        return
    try:
        manifest = json.loads(manifest_text)
    except ValueError as exc:
        raise SnapshotStoreError(f"the manifest of {name} is not valid JSON: {exc}") from exc
    given = manifest.get(SIGNATURE) if isinstance(manifest, dict) else None
    if not isinstance(given, str):
        raise SnapshotStoreError(
            f"the manifest of snapshot {name} is not signed, but secret_key is set: it was "
            "published by an indexer without secret_key or by an older version, or its "
            "signature was taken off. Give `kb index` the nodes' secret_key and run "
            "`kb index --full` to publish a signed snapshot; the old snapshot stays"
        )
    if not hmac.compare_digest(given.encode(), _digest(manifest, secret).encode()):
        raise SnapshotStoreError(
            f"the manifest of snapshot {name} does not match its signature: it was changed "
            "after the indexer signed it, or signed with another secret_key. Check who can "
            "write the snapshot store, then run `kb index --full`; the old snapshot stays"
        )
