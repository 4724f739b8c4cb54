"""Which snapshots an index run removes: all but the newest `keep_snapshots`
published ones, the current one always kept. Two runs within one second get
names that differ only by a random suffix; the newer is the one whose manifest
was written later, not the one whose suffix sorts last (a CI run kept the older
of two snapshots published within a second, and the test of searches during
snapshot swaps found two folders where one was due)."""

from __future__ import annotations

import os
from pathlib import Path

from indexer import snapshot


def published(index_dir: Path, name: str, written_ns: int) -> Path:
    folder = snapshot.snapshots_dir(index_dir) / name
    folder.mkdir(parents=True)
    manifest = folder / snapshot.MANIFEST
    manifest.write_text("{}", encoding="utf-8")
    os.utime(manifest, ns=(written_ns, written_ns))
    return folder


def test_the_newer_of_two_snapshots_of_one_second_is_kept(tmp_path: Path) -> None:
    second = "20261203T034859"
    older = published(tmp_path, f"{second}-ffffffff", 1_000_000_000)
    newer = published(tmp_path, f"{second}-00000000", 1_500_000_000)
    (tmp_path / "CURRENT").write_text(newer.name, encoding="utf-8")
    assert snapshot.collect_garbage(tmp_path, keep=1) == [older.name]
    assert [p.name for p in snapshot.snapshots_dir(tmp_path).iterdir()] == [newer.name]


def test_older_seconds_go_first_whatever_their_files_times(tmp_path: Path) -> None:
    first = published(tmp_path, "20261203T034858-00000000", 2_000_000_000)  # copied later
    second = published(tmp_path, "20261203T034859-ffffffff", 1_000_000_000)
    third = published(tmp_path, "20261203T034900-11111111", 1_000_000_000)
    (tmp_path / "CURRENT").write_text(third.name, encoding="utf-8")
    assert snapshot.collect_garbage(tmp_path, keep=2) == [first.name]
    assert sorted(p.name for p in snapshot.snapshots_dir(tmp_path).iterdir()) == [
        second.name,
        third.name,
    ]
