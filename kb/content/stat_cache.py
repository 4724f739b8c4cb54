"""What was read from a content file, kept while the file is unchanged.

A page that lists a department's articles needs each file's title, status and
problem, and reading them means rendering every body (hundreds of
milliseconds for a few hundred articles, on every view). `FileCache` keeps
what was computed from a file under its `lstat`: device, inode, size,
modification and change time. Any write changes the change time (which no
user can set back), and an atomic replace changes the inode too, so a changed
file is always read again. The file is `lstat`-ed *before* it is read: if it
changes in between, the value read is kept under the old key, which never
comes back, and the next look reads the file again.
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
        with self._lock:
            held = self._values.get(path)
        if held is not None and held[0] == key:
            return held[1]
        value = compute()
        with self._lock:
            self._values.pop(path, None)
            while len(self._values) >= self.max_entries:  # the oldest first
                del self._values[next(iter(self._values))]
            self._values[path] = (key, value)
        return value

    def __len__(self) -> int:
        return len(self._values)
