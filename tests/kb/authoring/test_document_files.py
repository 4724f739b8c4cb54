"""Which versions of a document have no file in the attachment store: asked
when a history is read (`DocumentVersions.missing`), without reading the
bytes, and never an error of its own when the store cannot be asked."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from kb.attachments.blobs import FileBlobs
from kb.attachments.records import Upload
from kb.authoring.document_waiting import waiting_document
from kb.authoring.documents import DocumentUploads
from kb.authoring.service import AuthoringService
from kb.authoring.store import version_store
from kb.cli.main import main
from kb.content.scanner import load_departments
from kb.errors import StoreError
from kb.store.factory import create_store
from tests.kb.authoring.test_documents import CORA, HELGA, PDF


@pytest.fixture
def root(tmp_path: Path) -> Path:
    root = tmp_path / "content"
    (root / "it").mkdir(parents=True)
    (root / "hr").mkdir()
    (root / "hr" / "_department.yml").write_text("name: HR\nreview_required: true\n")
    return root


@pytest.fixture
def uploads(root: Path, tmp_path: Path) -> Iterator[DocumentUploads]:
    store = create_store(f"sqlite:///{tmp_path / 'kb.db'}")
    service = AuthoringService(root, version_store(store), lambda: load_departments(root))
    yield DocumentUploads(service, max_bytes=100_000, blobs=FileBlobs(tmp_path / "files"))
    store.close()


def lose(tmp_path: Path) -> None:
    for kept in (tmp_path / "files").rglob("*"):
        if kept.is_file():
            kept.unlink()


def test_versions_whose_file_the_store_lost_are_named(
    uploads: DocumentUploads, tmp_path: Path
) -> None:
    uploads.upload(CORA, "it", Upload("policy.pdf", PDF))
    assert uploads.missing_files("it/policy.pdf") == set()
    lose(tmp_path)
    uploads.upload(
        CORA, "it", Upload("policy.pdf", PDF + b"% 2\n"), replace=True, name="policy.pdf"
    )
    assert uploads.missing_files("it/policy.pdf") == {1}
    assert [v.number for v in uploads.history(CORA, "it/policy.pdf")] == [1, 2]


def test_a_waiting_upload_whose_file_was_lost_is_marked(
    uploads: DocumentUploads, tmp_path: Path
) -> None:
    uploads.upload(HELGA, "hr", Upload("form.pdf", PDF))
    waiting = waiting_document(uploads.versions, "hr/form.pdf")
    assert waiting is not None and not waiting.file_missing
    lose(tmp_path)
    waiting = waiting_document(uploads.versions, "hr/form.pdf")
    assert waiting is not None and waiting.file_missing and waiting.authors == ("helga",)


class Unreachable(FileBlobs):
    def has(self, digest: str) -> bool:
        raise StoreError("the attachment store cannot be reached")


def test_a_store_that_cannot_be_asked_names_none_and_raises_nothing(
    uploads: DocumentUploads, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    uploads.upload(CORA, "it", Upload("policy.pdf", PDF))
    uploads.versions.blobs = Unreachable(tmp_path / "files")
    assert uploads.missing_files("it/policy.pdf") == set()
    assert "cannot look for document files" in caplog.text


def test_kb_documents_check_reports_lost_files_and_uploads_that_no_longer_fit(
    uploads: DocumentUploads, root: Path, tmp_path: Path
) -> None:
    uploads.upload(CORA, "it", Upload("policy.pdf", PDF))
    uploads.upload(HELGA, "hr", Upload("form.pdf", PDF + b"% form\n"))
    command = [
        "--set",
        f"database_url=sqlite:///{tmp_path / 'kb.db'}",
        "--set",
        "attachment_store=files",
        "--set",
        f"attachment_dir={tmp_path / 'files'}",
        "--set",
        f"index_dir={tmp_path / 'index'}",
        "documents",
        "check",
        "--content",
        str(root),
        "--json",
    ]
    fine = CliRunner().invoke(main, command)
    assert fine.exit_code == 0, fine.output
    assert json.loads(fine.output) == {"problems": []}
    lose(tmp_path)
    (root / "hr").rename(root / "people")
    found = CliRunner().invoke(main, command)
    assert found.exit_code == 1, found.output
    problems = [(p["id"], p["version"], p["reason"]) for p in json.loads(found.output)["problems"]]
    assert problems == [
        ("hr/form.pdf", 1, "file_missing"),
        ("it/policy.pdf", 1, "file_missing"),
        ("hr/form.pdf", 1, "department_gone"),
    ]
    plain = CliRunner().invoke(main, command[:-1])
    assert "it/policy.pdf version 1: its file is not in the attachment store" in plain.output
    assert "3 document version(s) need attention" in plain.output
