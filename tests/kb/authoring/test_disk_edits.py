"""An article or document changed on disk (by an editor, a sync, a script:
writers that do not take the edit lock) while a save or upload from the
browser is being checked and recorded: the change on disk is kept as a
version of its own and the save is refused as stale, never written over it."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from kb.attachments.records import Upload
from kb.authoring.document_refusals import StaleDocumentError
from kb.authoring.documents import DocumentUploads
from kb.authoring.errors import StaleEditError
from kb.authoring.records import Action, ArticleVersion
from kb.authoring.service import AuthoringService
from kb.authoring.store import version_store
from kb.content.scanner import load_departments
from kb.store.factory import create_store
from tests.kb.authoring.test_documents import PDF
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


def test_a_document_replaced_on_disk_during_an_upload_is_kept_and_the_upload_is_stale(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "content"
    (folder / "it").mkdir(parents=True)
    (folder / "it" / "Travel.pdf").write_bytes(PDF + b"% old\n")
    store = create_store(f"sqlite:///{tmp_path / 'documents.db'}")
    authoring = AuthoringService(folder, version_store(store), lambda: load_departments(folder))
    documents = DocumentUploads(authoring, max_bytes=100_000)
    disk = PDF + b"% replaced on disk\n"
    add_version = documents.authoring.versions.add_version

    def recorded_then_replaced_on_disk(version: ArticleVersion) -> ArticleVersion:
        stored = add_version(version)
        if version.author:  # the upload: the file is replaced on disk right now
            (folder / "it" / "Travel.pdf").write_bytes(disk)
        return stored

    monkeypatch.setattr(documents.authoring.versions, "add_version", recorded_then_replaced_on_disk)
    upload = Upload("new.pdf", PDF + b"% uploaded\n")
    with pytest.raises(StaleDocumentError) as caught:
        documents.upload(CORA, "it", upload, name="Travel.pdf", replace=True)
    assert caught.value.status == 412
    assert (folder / "it" / "Travel.pdf").read_bytes() == disk
    history = documents.authoring.versions.versions("it/Travel.pdf")
    assert (
        history[-1].action == Action.DISK
        and history[-1].number == caught.value.details["current_version"]
    )
    assert not list(folder.rglob(".kb-*.tmp"))
    store.close()
