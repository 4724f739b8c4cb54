"""Internal notes by the agents of a value-stream task's department: they write
them on a request they do not own; the owning queue and their own department
read them, the requester (and other readers) never do."""

from __future__ import annotations

import pytest

from kb.attachments.records import Upload
from kb.errors import NotFoundError, PermissionDenied
from kb.requests.service import RequestService
from kb.store.protocols import Store
from tests.kb.requests.test_value_streams import ONBOARDING
from tests.support import EMPLOYEE, FINANCE_AGENT, HR_AGENT, IT_AGENT, user

IT_COLLEAGUE = user("carl", ("agent", "it"))
NOTE = "Laptop model is back-ordered; ETA two weeks"


@pytest.fixture
def onboarding(service: RequestService) -> int:
    made = service.submit(EMPLOYEE, "New hire Jana", workflow="onboarding", fields=ONBOARDING)
    assert made.id is not None
    return made.id


def messages(service: RequestService, actor: object, request_id: int) -> list[str]:
    return [e.message for e in service.history(actor, request_id)]  # type: ignore[arg-type]


def test_an_agent_of_a_task_writes_an_internal_note(
    service: RequestService, onboarding: int
) -> None:
    assert service.permissions(IT_AGENT, onboarding).internal_notes
    assert not service.permissions(IT_AGENT, onboarding).work  # the request stays HR's
    service.comment(IT_AGENT, onboarding, NOTE, visible_to_requester=False)
    [entry] = [e for e in service.history(HR_AGENT, onboarding) if e.message == NOTE]
    assert not entry.visible_to_requester and entry.data["shared_with"] == ["it"]
    # The owning queue and the writer's department read it ...
    for reader in (HR_AGENT, IT_AGENT, IT_COLLEAGUE):
        assert NOTE in messages(service, reader, onboarding), reader.username
    # ... the requester does not, nor another task's department.
    for reader in (EMPLOYEE, FINANCE_AGENT):
        assert NOTE not in messages(service, reader, onboarding), reader.username
    # The owning queue's own internal notes stay with it.
    service.comment(HR_AGENT, onboarding, "Salary agreed: 61,000", visible_to_requester=False)
    assert "Salary agreed: 61,000" not in messages(service, IT_AGENT, onboarding)


def test_a_task_agents_internal_files_follow_their_note(
    service: RequestService, store: Store, onboarding: int
) -> None:
    upload = Upload(name="quote.txt", data=b"Quote: 1,249 EUR for the laptop\n")
    [stored] = service.attach(IT_AGENT, onboarding, [upload], "The quote", internal=True)
    assert stored.id is not None and not stored.visible_to_requester
    for reader in (HR_AGENT, IT_AGENT):
        assert [a.id for a in service.attachments(reader, onboarding)] == [stored.id]
        assert service.open_attachment(reader, onboarding, stored.id)[1] == upload.data
    for reader in (EMPLOYEE, FINANCE_AGENT):
        assert service.attachments(reader, onboarding) == []
        with pytest.raises(NotFoundError):
            service.open_attachment(reader, onboarding, stored.id)
    # Files alone, marked internal, too.
    [alone] = service.attach(IT_AGENT, onboarding, [upload], internal=True)
    assert alone.id in [a.id for a in service.attachments(IT_COLLEAGUE, onboarding)]
    assert alone.id not in [a.id for a in service.attachments(EMPLOYEE, onboarding)]


def test_who_works_no_task_writes_no_internal_note(
    service: RequestService, onboarding: int
) -> None:
    """The requester reads the request but writes no internal note on it."""
    with pytest.raises(PermissionDenied, match="or of one of its tasks"):
        service.comment(EMPLOYEE, onboarding, "psst", visible_to_requester=False)
    assert "psst" not in messages(service, HR_AGENT, onboarding)


def test_a_task_agents_internal_files_are_found_by_who_reads_them(
    service: RequestService, onboarding: int
) -> None:
    """IT's internal files on HR's onboarding request: the attachment search finds
    them for IT's agents (and HR's, the owning queue), never for another task's
    department; HR's own internal file stays with HR, as its notes do."""
    quote = Upload(name="laptop quote.txt", data=b"1,249 EUR\n")
    [with_note] = service.attach(IT_AGENT, onboarding, [quote], "The quote", internal=True)
    serial = Upload(name="laptop serial for the quote.txt", data=b"PF3X9\n")
    [alone] = service.attach(IT_AGENT, onboarding, [serial], internal=True)
    salary = Upload(name="salary and laptop quote.txt", data=b"61,000\n")
    service.attach(HR_AGENT, onboarding, [salary], "Contract", internal=True)
    shared = {with_note.id, alone.id}
    for reader in (IT_AGENT, IT_COLLEAGUE):
        assert {a.id for a in service.search_attachments(reader, "quote laptop")} == shared
        assert {a.id for a in service.search_attachments(reader, "quote", "it")} == shared
    assert len(service.search_attachments(HR_AGENT, "quote laptop")) == 3  # the owning queue
    assert service.search_attachments(FINANCE_AGENT, "quote laptop") == []
    with pytest.raises(PermissionDenied):
        service.search_attachments(EMPLOYEE, "quote laptop")
