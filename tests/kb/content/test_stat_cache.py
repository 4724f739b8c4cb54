"""`FileCache`: a value read from a file is kept exactly while the file is unchanged."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from kb.content.stat_cache import FileCache


class Reader:
    def __init__(self, path: Path) -> None:
        self.path, self.reads = path, 0

    def __call__(self) -> str:
        self.reads += 1
        return self.path.read_text(encoding="utf-8")


def test_a_value_is_kept_until_the_file_changes_even_with_the_same_size_and_time(
    tmp_path: Path,
) -> None:
    path = tmp_path / "a.md"
    path.write_text("one", encoding="utf-8")
    cache: FileCache[str] = FileCache()
    read = Reader(path)
    assert cache.get(str(path), read) == "one" and cache.get(str(path), read) == "one"
    assert read.reads == 1
    before = os.stat(path)
    path.write_text("two", encoding="utf-8")  # same size, then the same mtime
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert cache.get(str(path), read) == "two"
    replaced = tmp_path / "b.md"
    replaced.write_text("six", encoding="utf-8")
    os.utime(replaced, ns=(before.st_atime_ns, before.st_mtime_ns))
    os.replace(replaced, path)  # an atomic save: another inode
    assert cache.get(str(path), read) == "six"
    assert read.reads == 3


def test_what_else_the_value_depends_on_is_part_of_the_key(tmp_path: Path) -> None:
    path = tmp_path / "a.md"
    path.write_text("one", encoding="utf-8")
    cache: FileCache[str] = FileCache()
    read = Reader(path)
    cache.get(str(path), read, also=("limit", 1))
    cache.get(str(path), read, also=("limit", 2))
    cache.get(str(path), read, also=("limit", 2))
    assert read.reads == 2 and len(cache) == 1


def test_a_missing_file_is_read_each_time_and_the_cache_stays_bounded(tmp_path: Path) -> None:
    cache: FileCache[str] = FileCache(max_entries=2)
    assert cache.get(str(tmp_path / "gone.md"), lambda: "computed") == "computed"
    assert len(cache) == 0
    for name in "abc":
        (tmp_path / name).write_text(name, encoding="utf-8")
        cache.get(str(tmp_path / name), Reader(tmp_path / name))
    assert len(cache) == 2
    with pytest.raises(ValueError, match="at least 1"):
        FileCache(max_entries=0)


def test_a_value_kept_under_a_key_the_caller_knows_is_computed_again_when_it_differs() -> None:
    cache: FileCache[str] = FileCache(max_entries=2)
    computed: list[str] = []

    def compute(value: str) -> str:
        computed.append(value)
        return value

    assert cache.kept("a.md", "sha-1", lambda: compute("one")) == "one"
    assert cache.kept("a.md", "sha-1", lambda: compute("again")) == "one"
    assert cache.kept("a.md", "sha-2", lambda: compute("two")) == "two"
    assert computed == ["one", "two"] and len(cache) == 1

    def fails() -> str:
        raise OSError("busy")

    with pytest.raises(OSError):
        cache.kept("b.md", "sha-3", fails)
    assert cache.kept("b.md", "sha-3", lambda: compute("three")) == "three"  # nothing kept


def test_holds_says_whether_a_value_is_kept_under_a_key() -> None:
    cache: FileCache[str] = FileCache()
    assert not cache.holds("a.md", "sha-1")
    cache.kept("a.md", "sha-1", lambda: "one")
    assert cache.holds("a.md", "sha-1")
    assert not cache.holds("a.md", "sha-2") and not cache.holds("b.md", "sha-1")
