"""Snapshot folders for tests that move snapshots, made without a model.

`make_snapshot` writes real files and a real manifest (`checksum_files`) and
publishes the folder in an index folder, as `kb index` would; `FIRST` and
`SECOND` are the files of two consecutive snapshots that share some files.
"""

from __future__ import annotations

from pathlib import Path

from indexer import snapshot

FIRST = {
    "meta.db": b"meta one" * 1000,
    "keyword/_MAIN_1.toc": b"toc one",
    "keyword/seg_a": b"A" * 5000,
}
SECOND = {**FIRST, "meta.db": b"meta two" * 1000, "keyword/seg_b": b"B" * 3000}


def make_snapshot(
    index_dir: Path, name: str, files: dict[str, bytes], secret: str = "", sequence: int = 0
) -> Path:
    """A complete, locally published snapshot folder holding `files`, its
    manifest signed with `secret` when one is given and numbered `sequence`
    when that is not 0 (`indexer.snapshot_order`)."""
    folder = snapshot.snapshots_dir(index_dir) / name
    for rel, data in files.items():
        (folder / rel).parent.mkdir(parents=True, exist_ok=True)
        (folder / rel).write_bytes(data)
    manifest: dict[str, object] = {"articles": 1, snapshot.FILES: snapshot.checksum_files(folder)}
    if sequence:
        manifest["sequence"] = sequence
    snapshot.write_manifest(folder, manifest, secret)
    snapshot.publish(index_dir, folder)
    return folder
