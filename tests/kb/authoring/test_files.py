"""Writing article files: a new file is put in place without a second name."""

from __future__ import annotations

import os
import sys
import threading
from pathlib import Path

import pytest

from kb.authoring import no_replace
from kb.authoring.files import id_parts, new_article_id, write_article
from kb.content.readers import check_file_name
from kb.errors import ContentError, ValidationError
from kb.validators import BIDI_CONTROLS

LINUX = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="renameat2 is Linux's")


@pytest.fixture
def root(tmp_path: Path) -> Path:
    (tmp_path / "it").mkdir()
    return tmp_path


def _no_link(*args: object, **kwargs: object) -> None:
    raise AssertionError("a new article was given a second name (a hard link)")


def _names(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


@pytest.mark.parametrize("control", [chr(c) for c in BIDI_CONTROLS])
def test_no_id_is_written_that_the_scanner_would_refuse_for_reordering_text(control: str) -> None:
    """Each control the scanner refuses in a file name is refused in an id typed
    in the browser or sent to the API, before any file is written."""
    for article_id, document in ((f"it/pay{control}fdp.md", False), (f"it/a{control}/b.pdf", True)):
        with pytest.raises(ContentError):
            check_file_name(article_id)
        with pytest.raises(ValidationError) as refused:
            id_parts(article_id, document=document)
        assert refused.value.key == "name_reorders_text"
        assert control not in refused.value.message
        assert f"U+{ord(control):04X}" in refused.value.message
    with pytest.raises(ValidationError) as refused:
        new_article_id("it", f"pay{control}fdp")
    assert refused.value.key == "name_reorders_text"


@LINUX
def test_a_new_article_never_has_a_second_name(root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # A link, even for a moment, is what an index run would report as a
    # hard_link error for the new article.
    monkeypatch.setattr(os, "link", _no_link)
    write_article(root, "it/vpn.md", "# VPN\n", exclusive=True)
    info = os.stat(root / "it" / "vpn.md")
    assert info.st_nlink == 1 and (info.st_mode & 0o777) == 0o644
    assert (root / "it" / "vpn.md").read_text() == "# VPN\n"
    assert _names(root / "it") == ["vpn.md"]  # no temporary file left


@pytest.mark.parametrize("at_once", [True, False], ids=["renameat2", "link-fallback"])
def test_a_new_article_never_replaces_one_already_there(
    root: Path, monkeypatch: pytest.MonkeyPatch, at_once: bool
) -> None:
    if not at_once:
        monkeypatch.setattr(no_replace, "_renameat2", lambda: None)
    (root / "it" / "vpn.md").write_text("# Theirs\n")
    with pytest.raises(FileExistsError):
        write_article(root, "it/vpn.md", "# Mine\n", exclusive=True)
    assert (root / "it" / "vpn.md").read_text() == "# Theirs\n"
    assert os.stat(root / "it" / "vpn.md").st_nlink == 1
    assert _names(root / "it") == ["vpn.md"]


@LINUX
def test_a_name_taken_after_the_check_is_still_never_replaced(
    root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another writer creating the file between the check and the rename: the
    rename itself refuses, and the other writer's text stays."""
    real_fsync = os.fsync
    folder = root / "it"

    def fsync_then_race(fd: int) -> None:
        real_fsync(fd)
        if not (folder / "vpn.md").exists():
            (folder / "vpn.md").write_text("# Theirs\n")

    monkeypatch.setattr(os, "fsync", fsync_then_race)
    monkeypatch.setattr(os, "link", _no_link)
    with pytest.raises(FileExistsError):
        write_article(root, "it/vpn.md", "# Mine\n", exclusive=True)
    assert (folder / "vpn.md").read_text() == "# Theirs\n"
    assert _names(folder) == ["vpn.md"]


def test_writers_creating_one_new_article_at_once_have_one_winner(root: Path) -> None:
    writers = 8
    start = threading.Barrier(writers)
    won: list[int] = []
    refused: list[int] = []

    def create(n: int) -> None:
        start.wait()
        try:
            write_article(root, "it/vpn.md", f"# Writer {n}\n", exclusive=True)
        except FileExistsError:
            refused.append(n)
        else:
            won.append(n)

    threads = [threading.Thread(target=create, args=(n,)) for n in range(writers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(won) == 1 and len(refused) == writers - 1
    assert (root / "it" / "vpn.md").read_text() == f"# Writer {won[0]}\n"
    assert os.stat(root / "it" / "vpn.md").st_nlink == 1
    assert _names(root / "it") == ["vpn.md"]
