"""Putting a new file in place under a name only when the name is free.

A new article is written under a temporary name and then given its real one.
With a link (`link` then `unlink`) the file has two names for a moment, and
the content scanner refuses a file with more than one name (kind
`hard_link`): an index run in that moment reported the new article as an
error. Linux's `renameat2` with `RENAME_NOREPLACE` moves the name in one
step and fails with `EEXIST` when the name is taken, so the file never has a
second name and an article already there is never replaced. Where that call
is missing (another system, an old C library or kernel, a file system that
does not take the flag) the link and unlink of before remain.
"""

from __future__ import annotations

import ctypes
import errno
import os
import sys
from collections.abc import Callable
from functools import cache

RENAME_NOREPLACE = 1
# What renameat2 answers when the system or the file system lacks it or the flag.
_UNSUPPORTED = frozenset({errno.ENOSYS, errno.EINVAL, errno.ENOTSUP, errno.EOPNOTSUPP})

_Renameat2 = Callable[[int, bytes, int, bytes, int], int]


@cache
def _renameat2() -> _Renameat2 | None:
    if not sys.platform.startswith("linux"):
        return None
    try:
        function = ctypes.CDLL(None, use_errno=True).renameat2
    except (OSError, AttributeError):  # a C library from before glibc 2.28
        return None
    function.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p]
    function.argtypes += [ctypes.c_uint]
    function.restype = ctypes.c_int
    return function


def rename_no_replace(folder: int, source: str, target: str) -> None:
    """Rename `source` to `target`, both in the open `folder`, unless `target`
    exists (then `FileExistsError`, and `source` stays). One rename where the
    system has it, else a link and an unlink (see the module)."""
    if not _rename_at_once(folder, source, target):
        os.link(source, target, src_dir_fd=folder, dst_dir_fd=folder, follow_symlinks=False)
        os.unlink(source, dir_fd=folder)


def _rename_at_once(folder: int, source: str, target: str) -> bool:
    """True when renameat2 did it; False when this system cannot."""
    function = _renameat2()
    if function is None:
        return False
    if function(folder, os.fsencode(source), folder, os.fsencode(target), RENAME_NOREPLACE) == 0:
        return True
    code = ctypes.get_errno()
    if code in _UNSUPPORTED:
        return False
    raise OSError(code, os.strerror(code), target)
