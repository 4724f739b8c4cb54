"""What was read from a content file, kept while the file is unchanged.

A page that lists a department's articles needs each file's title, status and
problem, and reading them means rendering every body (hundreds of
milliseconds for a few hundred articles, on every view). `FileCache` keeps
what was computed from a file under its `lstat`: device, inode, size,
modification and change time. Any write changes the change time (which no
user can set back), and an atomic replace changes the inode too, so a changed
file is always read again. The file is `lstat`-ed *before* it is read: if it
changes in between, the value read is kept under the old key, which never
comes back, and the next look reads the file again. A caller that knows the
file's state otherwise (the SHA-256 of bytes it read, or the `lstat` of a file
opened without following a link) passes it as the key itself (`kept`).
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

T = TypeVar("T")

# About a few hundred bytes a value: 50,000 files stay within a few tens of MiB.
DEFAULT_MAX_ENTRIES = 50_000


class FileCache(Generic[T]):
    """Values computed from files, each kept while its file's `lstat` is unchanged."""

    def __init__(self, max_entries: int = DEFAULT_MAX_ENTRIES) -> None:
        if max_entries < 1:
            raise ValueError(f"max_entries must be at least 1, got {max_entries!r}")
        self.max_entries = max_entries
        self._values: dict[str, tuple[Hashable, T]] = {}
        self._lock = threading.Lock()

    def get(self, path: str, compute: Callable[[], T], *, also: Hashable = ()) -> T:
        """The value of `compute()` for the file at `path`, computed again when the
        file changed or `also` (what else the value depends on, such as settings)
        differs; a file that cannot be `lstat`-ed is computed and not kept."""
        try:
            info = os.lstat(path)
        except OSError:
            return compute()
        key = (info.st_dev, info.st_ino, info.st_size, info.st_mtime_ns, info.st_ctime_ns, also)
        return self.kept(path, key, compute)

    def kept(self, name: str, key: Hashable, compute: Callable[[], T]) -> T:
        """The value of `compute()` kept under `name` while `key` (what tells the
        file's state: its `lstat` as `get` takes it, or its bytes' hash) is the
        same; a `compute()` that raises keeps nothing."""
        with self._lock:
            held = self._values.get(name)
        if held is not None and held[0] == key:
            return held[1]
        value = compute()
        with self._lock:
            self._values.pop(name, None)
            while len(self._values) >= self.max_entries:  # the oldest first
                del self._values[next(iter(self._values))]
            self._values[name] = (key, value)
        return value

    def holds(self, name: str, key: Hashable) -> bool:
        """Whether a value is kept under `name` for `key` (`kept` would not compute)."""
        with self._lock:
            held = self._values.get(name)
        return held is not None and held[0] == key

    def __len__(self) -> int:
        return len(self._values)
