"""Files on requests through the request service: who may attach and see them,
the count limit, text read from documents and searched by the department's agents."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest

from kb.attachments.blobs import DatabaseBlobs
from kb.attachments.intake import AttachmentLimits, AttachmentRefused, Intake
from kb.attachments.records import Upload
from kb.errors import NotFoundError, PermissionDenied
from kb.extract.base import ExtractionError, Limits
from kb.extract.document import ExtractedDocument
from kb.extract.reader import DocumentReader
from kb.requests.service import RequestService
from kb.store.protocols import Store
from tests.documents import travel_outline, write_docx, write_pdf
from tests.kb.requests.test_value_streams import ONBOARDING
from tests.support import ADMIN, EMPLOYEE, HR_AGENT, IT_AGENT, IT_OWNER, OTHER, Clock


@pytest.fixture
def files(service: RequestService, store: Store, clock: Clock) -> Iterator[RequestService]:
    reader = DocumentReader(Limits(max_bytes=5_000_000, seconds=30))
    service.files.intake = Intake(AttachmentLimits(max_bytes=5_000_000, max_count=4), reader)
    service.files.blobs = DatabaseBlobs(store)
    yield service
    reader.close()


@pytest.fixture
def request_id(files: RequestService) -> int:
    filed = files.submit(EMPLOYEE, "The printer eats my paper", department="it")
    assert filed.id is not None
    return filed.id


def test_documents_are_attached_with_their_text_and_searched_by_agents(
    files: RequestService, store: Store, request_id: int
) -> None:
    pdf = write_pdf(travel_outline())
    docx = write_docx(travel_outline())
    stored = files.attach(
        EMPLOYEE,
        request_id,
        [
            Upload("policy.pdf", pdf),
            Upload("policy.docx", docx),
            Upload("log.txt", b"jam at tray 2"),
        ],
        text="Here is what I found.",
    )
    assert [(a.name, a.kind, a.size) for a in stored] == [
        ("policy.pdf", "pdf", len(pdf)), ("policy.docx", "docx", len(docx)),
        ("log.txt", "txt", 13)]  # fmt: skip
    assert all("Hotel" in a.text for a in stored[:2]) and stored[2].text == "jam at tray 2"
    [reply] = [e for e in store.entries(request_id) if e.kind == "comment"]
    assert reply.data == {"attachments": ["policy.pdf", "policy.docx", "log.txt"]}
    assert {a.entry_id for a in stored} == {reply.id}
    attachment, data = files.open_attachment(IT_AGENT, request_id, stored[0].id)  # type: ignore[arg-type]
    assert data == pdf and attachment.sha256 == stored[0].sha256
    # Agents of the queue find requests by their attachments' text; others may not search.
    assert [a.name for a in files.search_attachments(IT_AGENT, "hotel LIMITS")] == [
        "policy.docx", "policy.pdf"]  # fmt: skip
    assert files.search_attachments(HR_AGENT, "hotel") == []
    assert [a.name for a in files.search_attachments(ADMIN, "tray")] == ["log.txt"]
    with pytest.raises(PermissionDenied, match="only agents and admins"):
        files.search_attachments(EMPLOYEE, "hotel")


def test_internal_attachments_are_for_agents_only(files: RequestService, request_id: int) -> None:
    [note] = files.attach(IT_AGENT, request_id, [Upload("diag.txt", b"driver 4.2")], internal=True)
    assert not note.visible_to_requester
    assert files.attachments(EMPLOYEE, request_id) == []
    assert [a.name for a in files.attachments(IT_AGENT, request_id)] == ["diag.txt"]
    with pytest.raises(NotFoundError):
        files.open_attachment(EMPLOYEE, request_id, note.id)  # type: ignore[arg-type]
    with pytest.raises(PermissionDenied, match="internal notes"):
        files.attach(EMPLOYEE, request_id, [Upload("x.txt", b"x")], internal=True)
    with pytest.raises(NotFoundError, match="no request with id"):
        files.attach(OTHER, request_id, [Upload("x.txt", b"x")])
    # A content owner of IT may read the request, not add to it.
    with pytest.raises(PermissionDenied, match="may not attach files"):
        files.attach(IT_OWNER, request_id, [Upload("x.txt", b"x")])


def test_a_tasks_agents_never_find_the_owning_queues_internal_files(
    files: RequestService,
) -> None:
    """Agents of a task's department search the request's visible files only: an
    internal file's name and text stay with the owning queue, as its notes do."""
    filed = files.submit(EMPLOYEE, "New hire Jana starts on 1 July", "Sales team, Hamburg.",
                         workflow="onboarding", fields=ONBOARDING)  # fmt: skip
    assert filed.id is not None
    files.attach(HR_AGENT, filed.id, [Upload("salary.txt", b"salary 61000")], internal=True)
    files.attach(HR_AGENT, filed.id, [Upload("welcome.txt", b"salary day is the 25th")])
    assert [a.name for a in files.search_attachments(HR_AGENT, "salary")] == [
        "welcome.txt", "salary.txt"]  # fmt: skip
    assert [a.name for a in files.search_attachments(IT_AGENT, "salary")] == ["welcome.txt"]
    assert [a.name for a in files.search_attachments(IT_AGENT, "salary", "it")] == ["welcome.txt"]
    assert len(files.search_attachments(ADMIN, "salary")) == 2


class SlowReader:
    """Takes `seconds` for every document, as a hostile PDF may take up to
    extract_seconds before the sandbox stops it."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.reads = 0

    def read(self, data: bytes, name: str) -> ExtractedDocument:
        self.reads += 1
        time.sleep(self.seconds)
        raise ExtractionError("timeout", "reading took too long", "simplify the file")


def test_one_upload_reads_its_texts_within_one_extraction_budget(
    files: RequestService, request_id: int
) -> None:
    """Each document may take extract_seconds (30 s) and a request takes ten: one
    upload held its web worker for five minutes (gunicorn replaces a worker after
    120 s, losing the upload), and every other upload of the process waited for
    the shared reader. The files past the budget are attached without text."""
    reader = SlowReader(0.2)
    intake = files.files.intake = Intake(AttachmentLimits(max_count=10), reader)
    intake.budget_seconds = 0.3
    uploads = [Upload(f"{n}.txt", f"text {n}".encode()) for n in range(6)]
    stored = files.attach(EMPLOYEE, request_id, uploads)
    assert reader.reads == 2
    assert [a.text_problem for a in stored] == ["timeout"] * 6


def test_the_count_limit_holds_over_several_uploads(
    files: RequestService, store: Store, request_id: int
) -> None:
    files.attach(EMPLOYEE, request_id, [Upload(f"{n}.txt", b"n%d" % n) for n in range(3)])
    with pytest.raises(AttachmentRefused, match="at most 4 attachments; 1 more"):
        files.attach(EMPLOYEE, request_id, [Upload("a.txt", b"a"), Upload("b.txt", b"b")])
    assert store.count_attachments(request_id) == 3
    [last] = files.attach(EMPLOYEE, request_id, [Upload("d.txt", b"d")])
    entry = store.entries(request_id)[-1]
    assert (entry.kind, entry.data, last.entry_id) == (
        "attachment",
        {"attachments": ["d.txt"]},
        entry.id,
    )


def test_a_document_without_readable_text_is_attached_with_the_reason(
    files: RequestService, request_id: int
) -> None:
    from tests.documents import write_image_only_pdf

    [scan] = files.attach(EMPLOYEE, request_id, [Upload("scan.pdf", write_image_only_pdf())])
    assert (scan.text, scan.text_problem) == ("", "no_text")
