"""`s3`: snapshots in an S3-compatible object store (AWS S3, MinIO, Ceph…).

Keys under the configured prefix: `files/<sha256>` (each distinct file once),
`snapshots/<name>.json` (manifests, with their SHA-256 and the nanosecond
they were published in the object's metadata: two snapshots of one second are
ordered by it when old ones are removed) and `CURRENT` (the current snapshot's name). A PUT is atomic in S3,
so moving `CURRENT` is the switch; uploads of large files are multipart and
only appear once complete. Object stores have no notifications a node could
cheaply wait on, so nodes poll `CURRENT` every `snapshot_poll_seconds`.

Credentials come from boto3's usual sources (AWS_ACCESS_KEY_ID and
AWS_SECRET_ACCESS_KEY, a profile, an instance role); they belong to the
operator's environment, never to the content folder. boto3 is an optional
dependency (`pip install 'spoc-kb[s3]'`).
"""

from __future__ import annotations

import hashlib
import json
import logging
import time
from collections import Counter
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from indexer import snapshot
from kb.errors import ConfigError, SnapshotStoreError

logger = logging.getLogger(__name__)

_DELETE_BATCH = 1000
PUBLISHED = "published-ns"  # a manifest's metadata: when it was published, in ns


class S3SnapshotStore:
    """Snapshots in one bucket under one prefix (see the module docstring)."""

    replicated = True

    def __init__(self, client: Any, bucket: str, prefix: str, poll_seconds: float) -> None:
        self.client = client
        self.bucket = bucket
        self.prefix = prefix if not prefix or prefix.endswith("/") else prefix + "/"
        self.poll_seconds = poll_seconds

    @classmethod
    def connect(
        cls, bucket: str, prefix: str, endpoint: str, region: str, poll_seconds: float
    ) -> S3SnapshotStore:
        if not bucket:
            raise ConfigError(
                "snapshot_store is s3 but no bucket is set; set snapshot_s3_bucket "
                "(KB_SNAPSHOT_S3_BUCKET)"
            )
        try:
            import boto3
        except ModuleNotFoundError:
            raise ConfigError(
                "snapshot_store is s3 but boto3 is not installed; pip install 'spoc-kb[s3]'"
            ) from None
        client = boto3.client("s3", endpoint_url=endpoint or None, region_name=region or None)
        return cls(client, bucket, prefix, poll_seconds)

    def _key(self, *parts: str) -> str:
        return self.prefix + "/".join(parts)

    @contextmanager
    def _call(self, what: str) -> Iterator[None]:
        from botocore.exceptions import BotoCoreError, ClientError

        try:
            yield
        except (BotoCoreError, ClientError) as exc:
            raise SnapshotStoreError(
                f"snapshot store s3://{self.bucket}/{self.prefix}: could not {what}: {exc}; "
                "check snapshot_s3_* settings, the credentials and that the server is reachable"
            ) from exc

    def _get_text(self, key: str, what: str) -> tuple[str, dict[str, str]] | None:
        from botocore.exceptions import ClientError

        try:
            with self._call(what):
                answer = self.client.get_object(Bucket=self.bucket, Key=key)
                body = answer["Body"].read().decode("utf-8")
        except SnapshotStoreError as exc:
            cause = exc.__cause__
            if isinstance(cause, ClientError) and cause.response.get("Error", {}).get("Code") in (
                "NoSuchKey",
                "404",
            ):
                return None
            raise
        return body, dict(answer.get("Metadata") or {})

    def current(self) -> str | None:
        found = self._get_text(self._key("CURRENT"), "read the current snapshot")
        return found[0].strip() or None if found else None

    def manifest_text(self, name: str) -> str | None:
        found = self._get_text(self._key("snapshots", f"{name}.json"), f"read manifest {name}")
        if found is None:
            return None
        body, meta = found
        if meta.get("sha256") != hashlib.sha256(body.encode("utf-8")).hexdigest():
            raise SnapshotStoreError(
                f"snapshot store s3://{self.bucket}/{self.prefix}: the manifest of {name} "
                "does not match its checksum; publish a new snapshot with `kb index --full`"
            )
        return body

    def _list(self, folder: str) -> list[str]:
        keys: list[str] = []
        with self._call(f"list {folder}"):
            pages = self.client.get_paginator("list_objects_v2").paginate(
                Bucket=self.bucket, Prefix=self._key(folder) + "/"
            )
            for page in pages:
                keys.extend(str(item["Key"]) for item in page.get("Contents", []))
        return keys

    def missing(self, digests: Iterable[str]) -> set[str]:
        stored = {key.rsplit("/", 1)[-1] for key in self._list("files")}
        return set(digests) - stored

    def upload(self, digest: str, path: Path) -> None:
        with self._call(f"upload {path.name}"):
            self.client.upload_file(str(path), self.bucket, self._key("files", digest))

    def download(self, digest: str, target: Path) -> None:
        with self._call(f"download file {digest[:12]}"):
            self.client.download_file(self.bucket, self._key("files", digest), str(target))

    def publish(self, name: str, manifest_text: str) -> None:
        digest = hashlib.sha256(manifest_text.encode("utf-8")).hexdigest()
        with self._call(f"publish {name}"):
            self.client.put_object(
                Bucket=self.bucket,
                Key=self._key("snapshots", f"{name}.json"),
                Body=manifest_text.encode("utf-8"),
                Metadata={"sha256": digest, PUBLISHED: str(time.time_ns())},
                ContentType="application/json",
            )
            self.client.put_object(
                Bucket=self.bucket, Key=self._key("CURRENT"), Body=(name + "\n").encode("utf-8")
            )

    def wait(self, timeout: float) -> None:
        time.sleep(min(timeout, self.poll_seconds))

    def remove_unused(self, keep: int) -> int:
        current = self.current()
        manifests = sorted(self._list("snapshots"))
        names = self._oldest_first(
            [key.rsplit("/", 1)[-1].removesuffix(".json") for key in manifests]
        )
        kept = set(names[-max(keep, 1) :]) | ({current} if current else set())
        needed: set[str] = set()
        for name in sorted(kept):
            text = self.manifest_text(name)
            if text is None:
                continue
            needed.update(str(i["sha256"]) for i in (json.loads(text).get("files") or {}).values())
        doomed = [self._key("snapshots", f"{n}.json") for n in names if n not in kept]
        unused = [k for k in self._list("files") if k.rsplit("/", 1)[-1] not in needed]
        for start in range(0, len(doomed + unused), _DELETE_BATCH):
            batch = (doomed + unused)[start : start + _DELETE_BATCH]
            with self._call("remove old snapshots"):
                self.client.delete_objects(
                    Bucket=self.bucket, Delete={"Objects": [{"Key": k} for k in batch]}
                )
        return len(unused)

    def _oldest_first(self, names: list[str]) -> list[str]:
        """Snapshots by the second in their name, then, among those of one second
        (whose names differ only by a random suffix), by when they were published."""
        seconds = Counter(snapshot.published_order(n, 0)[0] for n in names)

        def place(name: str) -> tuple[str, int]:
            second = snapshot.published_order(name, 0)[0]
            return snapshot.published_order(
                name, self._published_ns(name) if seconds[second] > 1 else 0
            )

        return sorted(names, key=place)

    def _published_ns(self, name: str) -> int:
        """When a manifest was published: its metadata, or (one pushed by an
        older version) the object's time, which S3 keeps to the second."""
        with self._call(f"read manifest {name}"):
            head = self.client.head_object(
                Bucket=self.bucket, Key=self._key("snapshots", f"{name}.json")
            )
        try:
            return int((head.get("Metadata") or {})[PUBLISHED])
        except (KeyError, ValueError):
            return int(head["LastModified"].timestamp()) * 1_000_000_000

    def close(self) -> None:
        pass
