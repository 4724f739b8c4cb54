"""Who holds a value-stream task: taking, releasing and handing it over within
the task's department, each recorded in the request's history."""

from __future__ import annotations

import pytest

from kb.accounts.service import add_user
from kb.errors import ConflictError, NotFoundError, PermissionDenied, ValidationError
from kb.requests.lifecycle import TaskStatus
from kb.requests.records import RequestTask
from kb.requests.service import RequestService
from kb.requests.task_holders import Seen
from kb.store.protocols import Store
from tests.kb.requests.test_value_streams import ONBOARDING
from tests.support import ADMIN, EMPLOYEE, HR_AGENT, IT_AGENT, user

COLLEAGUE = user("carl", ("agent", "it"))


@pytest.fixture
def onboarding(service: RequestService, store: Store) -> int:
    for person, department in (("ian", "it"), ("carl", "it"), ("hanna", "hr")):
        add_user(store, person, "agent", department)
    add_user(store, "root", "admin")
    made = service.submit(EMPLOYEE, "New hire Jana", workflow="onboarding", fields=ONBOARDING)
    assert made.id is not None
    return made.id


def task(store: Store, request_id: int, number: int) -> tuple[TaskStatus, str | None]:
    found = next(t for t in store.tasks(request_id) if t.id == number)
    return found.status, found.assignee


def task_entries(service: RequestService, request_id: int) -> list[dict[str, object]]:
    return [e.data for e in service.history(HR_AGENT, request_id) if e.kind == "task"]


def test_a_taken_task_is_released_and_open_again(
    service: RequestService, store: Store, onboarding: int
) -> None:
    service.holders.take_task(IT_AGENT, onboarding, 3)
    assert task(store, onboarding, 3) == (TaskStatus.IN_PROGRESS, "ian")
    # A colleague of the department may release it (its holder is away).
    released = service.holders.release_task(COLLEAGUE, onboarding, 3)
    assert (released.status, released.assignee) == (TaskStatus.OPEN, None)
    assert task(store, onboarding, 3) == (TaskStatus.OPEN, None)
    last = task_entries(service, onboarding)[-1]
    assert (last["task"], last["status"], last["released"]) == (3, "open", "ian")
    # The requester reads it in the history too, as the taking.
    assert any(e.data.get("released") == "ian" for e in service.history(EMPLOYEE, onboarding))
    # Releasing a task nobody holds changes nothing and records nothing.
    count = len(task_entries(service, onboarding))
    service.holders.release_task(IT_AGENT, onboarding, 3)
    assert len(task_entries(service, onboarding)) == count


def test_a_task_is_handed_to_another_agent_of_its_department(
    service: RequestService, store: Store, onboarding: int
) -> None:
    service.holders.take_task(IT_AGENT, onboarding, 3)
    handed = service.holders.hand_over_task(IT_AGENT, onboarding, 3, "CARL")  # any case
    assert (handed.status, handed.assignee) == (TaskStatus.IN_PROGRESS, "carl")
    last = task_entries(service, onboarding)[-1]
    assert (last["handed_to"], last["from"], last["assignee"]) == ("carl", "ian", "carl")
    assert [i.task.assignee for i in service.task_queue(COLLEAGUE, "it")] == ["carl"]
    # Handing it to its holder again changes nothing.
    count = len(task_entries(service, onboarding))
    service.holders.hand_over_task(COLLEAGUE, onboarding, 3, "carl")
    assert len(task_entries(service, onboarding)) == count
    # An open task nobody took may be handed over too (an admin dispatching it).
    service.holders.hand_over_task(ADMIN, onboarding, 1, "hanna")
    assert task(store, onboarding, 1) == (TaskStatus.IN_PROGRESS, "hanna")


@pytest.mark.parametrize("name", ["hanna", "root", "emma", "nobody"])
def test_a_task_is_handed_only_to_an_agent_of_its_department(
    service: RequestService, store: Store, onboarding: int, name: str
) -> None:
    """An agent of another department, an admin without the agent role, an
    employee or an unknown name: 400 on `assignee`, nothing changed."""
    service.holders.take_task(IT_AGENT, onboarding, 3)
    with pytest.raises(ValidationError) as refused:
        service.holders.hand_over_task(IT_AGENT, onboarding, 3, name)
    assert refused.value.details["field"] == "assignee"
    assert task(store, onboarding, 3) == (TaskStatus.IN_PROGRESS, "ian")
    with pytest.raises(ValidationError):
        service.holders.hand_over_task(IT_AGENT, onboarding, 3, " ")


def test_who_may_release_and_hand_over(
    service: RequestService, store: Store, onboarding: int
) -> None:
    service.holders.take_task(IT_AGENT, onboarding, 3)
    # The requester reads the request, works no task: 403. An agent of another
    # department who works another task of it: 403 for IT's task.
    for actor in (EMPLOYEE, HR_AGENT):
        with pytest.raises(PermissionDenied):
            service.holders.release_task(actor, onboarding, 3)
        with pytest.raises(PermissionDenied):
            service.holders.hand_over_task(actor, onboarding, 3, "carl")
    # Someone who may not read the request is told it does not exist.
    stranger = user("otto", ("agent", "finance_other"))
    with pytest.raises(NotFoundError):
        service.holders.release_task(stranger, onboarding, 3)
    with pytest.raises(NotFoundError):
        service.holders.hand_over_task(stranger, onboarding, 3, "carl")
    with pytest.raises(NotFoundError):
        service.holders.release_task(IT_AGENT, onboarding, 99)
    assert task(store, onboarding, 3) == (TaskStatus.IN_PROGRESS, "ian")


def test_a_finished_task_is_neither_released_nor_handed_over(
    service: RequestService, onboarding: int
) -> None:
    service.complete_task(HR_AGENT, onboarding, 1)
    with pytest.raises(ConflictError, match="already done"):
        service.holders.release_task(HR_AGENT, onboarding, 1)
    with pytest.raises(ConflictError, match="already done"):
        service.holders.hand_over_task(ADMIN, onboarding, 1, "hanna")


def test_a_hand_over_from_a_stale_read_loses_the_race(
    service: RequestService, store: Store, onboarding: int
) -> None:
    """Ian reads task 3 held by nobody; carl takes it; ian's hand-over to himself,
    based on what he read, is refused and carl keeps it."""
    seen = Seen(None)
    service.holders.take_task(COLLEAGUE, onboarding, 3)
    count = len(task_entries(service, onboarding))
    with pytest.raises(ConflictError) as refused:
        service.holders.hand_over_task(IT_AGENT, onboarding, 3, "ian", seen)
    assert refused.value.status == 409
    assert refused.value.details["reason"] == "holder_changed"
    assert (refused.value.details["holder"], refused.value.details["seen"]) == ("carl", None)
    with pytest.raises(ConflictError):
        service.holders.take_task(IT_AGENT, onboarding, 3, seen)
    with pytest.raises(ConflictError):
        service.holders.release_task(IT_AGENT, onboarding, 3, Seen("ian"))
    assert task(store, onboarding, 3) == (TaskStatus.IN_PROGRESS, "carl")
    assert len(task_entries(service, onboarding)) == count
    # Based on the holder as it is now (in any letter case), the hand-over goes through.
    service.holders.hand_over_task(IT_AGENT, onboarding, 3, "ian", Seen("CARL"))
    assert task(store, onboarding, 3) == (TaskStatus.IN_PROGRESS, "ian")


def test_a_take_between_the_read_and_the_write_of_a_hand_over_is_not_overwritten(
    service: RequestService, store: Store, onboarding: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Carl takes the task after the hand-over read it and before it is saved:
    the save is refused, carl keeps the task."""
    read = store.tasks

    def read_then_taken(request_id: int) -> list[RequestTask]:
        found = read(request_id)
        monkeypatch.setattr(store, "tasks", read)
        service.holders.take_task(COLLEAGUE, request_id, 3)
        return found

    monkeypatch.setattr(store, "tasks", read_then_taken)
    with pytest.raises(ConflictError):
        service.holders.hand_over_task(IT_AGENT, onboarding, 3, "ian", Seen(None))
    assert task(store, onboarding, 3) == (TaskStatus.IN_PROGRESS, "carl")
