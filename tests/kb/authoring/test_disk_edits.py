"""An article edited on disk (by an editor, a sync, a script: writers that do
not take the edit lock) while a save from the browser is being checked and
recorded: the edit on disk is kept as a version of its own and the save is
refused as stale with both texts, never written over it."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from kb.authoring.errors import StaleEditError
from kb.authoring.records import Action, ArticleVersion
from kb.authoring.service import AuthoringService
from tests.kb.authoring.test_service import ARTICLE, CORA, fields_of, root, service

__all__ = ["root", "service"]  # fixtures shared with the service's tests

ON_DISK = ARTICLE.replace("Open the client.", "Open the client (edited on disk).")


def test_an_edit_on_disk_during_a_save_is_kept_and_the_save_is_stale(
    service: AuthoringService, root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    edited = replace(fields_of(service, "it/vpn.md"), summary="Typed in the browser.")
    add_version = service.versions.add_version

    def recorded_then_edited_on_disk(version: ArticleVersion) -> ArticleVersion:
        stored = add_version(version)
        if version.author:  # the browser's save: the file changes on disk right now
            (root / "it" / "vpn.md").write_text(ON_DISK, encoding="utf-8")
        return stored

    monkeypatch.setattr(service.versions, "add_version", recorded_then_edited_on_disk)
    with pytest.raises(StaleEditError) as caught:
        service.save(CORA, "it/vpn.md", edited, base_version=1)
    assert caught.value.status == 412
    assert (root / "it" / "vpn.md").read_text(encoding="utf-8") == ON_DISK
    assert caught.value.current.text == ON_DISK and caught.value.current.number == 2
    assert "summary: Typed in the browser." in caught.value.yours
    history = service.history(CORA, "it/vpn.md")
    assert [(v.number, v.action) for v in history][-1] == (2, Action.DISK)
    assert not any("Typed in the browser." in v.text for v in history)
    assert service.changed == []  # type: ignore[attr-defined]
    assert not list(root.rglob(".kb-*.tmp"))
    monkeypatch.undo()
    # Merged onto the version found on disk, the save goes through.
    merged = replace(fields_of(service, "it/vpn.md"), summary="Typed in the browser.")
    service.save(CORA, "it/vpn.md", merged, base_version=2)
    saved = (root / "it" / "vpn.md").read_text(encoding="utf-8")
    assert "edited on disk" in saved and "summary: Typed in the browser." in saved
