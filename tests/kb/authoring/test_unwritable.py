"""A content folder that cannot take a write (disk full, read-only mount): the
save is refused with what is wrong and what to do, the file on disk keeps its
old bytes, no temporary file is left behind and no version is recorded."""

from __future__ import annotations

import errno
import os
from dataclasses import replace
from pathlib import Path

import pytest

from kb.authoring.errors import ContentUnwritableError
from kb.authoring.files import LOCK_FILE
from kb.authoring.service import AuthoringService
from tests.kb.authoring.test_service import CORA, fields_of, root, service

__all__ = ["root", "service"]  # fixtures shared with the service's tests


def _full_disk(monkeypatch: pytest.MonkeyPatch) -> None:
    def no_space(fd: int) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(os, "fsync", no_space)


def _read_only(monkeypatch: pytest.MonkeyPatch) -> None:
    real_open = os.open

    def refuse_writes(path: object, flags: int, *args: object, **kwargs: object) -> int:
        if flags & (os.O_WRONLY | os.O_RDWR | os.O_CREAT):
            raise OSError(errno.EROFS, os.strerror(errno.EROFS), str(path))
        return real_open(path, flags, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "open", refuse_writes)


def _leftovers(root: Path) -> list[str]:
    return sorted(p.name for p in root.rglob(".kb-*.tmp"))


@pytest.mark.parametrize(
    ("break_folder", "reason", "written"),
    [
        (_full_disk, "full", "it/vpn.md"),
        # A read-only folder is met first by the edit lock, before anything is read.
        (_read_only, "not_writable", "the content folder's edit lock"),
    ],
)
def test_a_save_into_a_folder_that_cannot_be_written_says_why_and_changes_nothing(
    service: AuthoringService,
    root: Path,
    monkeypatch: pytest.MonkeyPatch,
    break_folder: object,
    reason: str,
    written: str,
) -> None:
    (root / LOCK_FILE).unlink(missing_ok=True)
    edited = replace(fields_of(service, "it/vpn.md"), summary="Typed with care.")
    before = (root / "it" / "vpn.md").read_bytes()
    history = len(service.history(CORA, "it/vpn.md"))
    with monkeypatch.context() as patched:
        break_folder(patched)  # type: ignore[operator]
        with pytest.raises(ContentUnwritableError) as caught:
            service.save(CORA, "it/vpn.md", edited, base_version=1)
    assert caught.value.status == 503
    assert caught.value.details == {"id": written, "reason": reason}
    assert "nothing was changed" in caught.value.message
    assert (root / "it" / "vpn.md").read_bytes() == before
    assert _leftovers(root) == []
    assert len(service.history(CORA, "it/vpn.md")) == history
    assert service.changed == []  # type: ignore[attr-defined]
    # Once the folder is mended, the same save, on the same version, goes through.
    service.save(CORA, "it/vpn.md", edited, base_version=1)
    assert "summary: Typed with care." in (root / "it" / "vpn.md").read_text("utf-8")


def test_other_errors_of_the_file_system_are_not_taken_for_a_full_disk(
    service: AuthoringService, root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(fd: int) -> None:
        raise OSError(errno.EBADF, os.strerror(errno.EBADF))

    edited = replace(fields_of(service, "it/vpn.md"), summary="Other.")
    monkeypatch.setattr(os, "fsync", broken)
    with pytest.raises(OSError) as caught:
        service.save(CORA, "it/vpn.md", edited, base_version=1)
    assert not isinstance(caught.value, ContentUnwritableError)
