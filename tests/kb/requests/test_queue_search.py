"""A queue's search of its requests by their words: the queue's own requests
and those with a task there, for the queue's agents and admins only."""

from __future__ import annotations

import pytest

from kb.errors import PermissionDenied
from kb.requests.service import RequestService
from tests.kb.requests.test_value_streams import ONBOARDING
from tests.support import ADMIN, EMPLOYEE, HR_AGENT, IT_AGENT


def _id(service: RequestService, query: str, description: str = "", **how: object) -> int:
    filed = service.submit(EMPLOYEE, query, description, **how)  # type: ignore[arg-type]
    assert filed.id is not None
    return filed.id


def test_agents_find_their_queues_requests_and_tasks_by_every_word(
    service: RequestService,
) -> None:
    printer = _id(service, "Printer jams on floor 3", "The DOG-eared tray", department="it")
    hire = _id(service, "New hire Jana starts on 1 July", "Sales team, Hamburg.",
               workflow="onboarding", fields=ONBOARDING)  # fmt: skip
    salary = _id(service, "Jana asks about her salary", department="hr")

    def found(actor: object, text: str, department: str) -> list[int | None]:
        return [r.id for r in service.search_queue(actor, text, department)]  # type: ignore[arg-type]

    assert found(IT_AGENT, "printer DOG", "it") == [printer]  # question and description
    assert found(IT_AGENT, "printer cat", "it") == []  # every word counts
    assert found(HR_AGENT, "jana", "hr") == [salary, hire]  # newest first
    assert found(IT_AGENT, "jana", "it") == [hire]  # IT has a task on the onboarding only
    assert found(ADMIN, "hamburg", "it") == [hire]
    assert found(IT_AGENT, "   ", "it") == []


def test_other_queues_and_employees_find_nothing_and_notes_are_not_searched(
    service: RequestService,
) -> None:
    hire = _id(service, "New hire Jana starts on 1 July", "Sales team, Hamburg.",
               workflow="onboarding", fields=ONBOARDING)  # fmt: skip
    service.comment(HR_AGENT, hire, "Salary agreed: 61000", visible_to_requester=False)
    _id(service, "Printer jams", department="it")
    assert [r.id for r in service.search_queue(HR_AGENT, "printer", "hr")] == []
    with pytest.raises(PermissionDenied):
        service.search_queue(HR_AGENT, "printer", "it")  # not an agent of IT's queue
    with pytest.raises(PermissionDenied):
        service.search_queue(EMPLOYEE, "printer", "it")  # even for their own request
    # A task's agents read the question and description, not the owning queue's notes.
    assert service.search_queue(IT_AGENT, "61000", "it") == []
    assert service.search_queue(HR_AGENT, "61000", "hr") == []  # notes are not searched
