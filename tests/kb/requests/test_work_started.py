"""A new request is in progress once someone works on it: "New" says nobody
has looked at it yet, so an agent taking a task or replying to the requester
moves it on (`kb.requests.starting`)."""

from __future__ import annotations

import pytest

from kb.accounts.service import add_user
from kb.requests.lifecycle import RequestStatus
from kb.requests.service import RequestService
from kb.store.protocols import Store
from tests.kb.requests.test_value_streams import ONBOARDING
from tests.support import EMPLOYEE, HR_AGENT, IT_AGENT

_S = RequestStatus


@pytest.fixture
def onboarding(service: RequestService, store: Store) -> int:
    for person, department in (("ian", "it"), ("carl", "it"), ("hanna", "hr")):
        add_user(store, person, "agent", department)
    made = service.submit(EMPLOYEE, "New hire Jana", workflow="onboarding", fields=ONBOARDING)
    assert made.id is not None and made.status is _S.NEW
    return made.id


def started_entries(service: RequestService, request_id: int) -> list[dict[str, object]]:
    return [e.data for e in service.history(HR_AGENT, request_id) if e.kind == "status"]


def test_taking_a_task_starts_a_new_request(service: RequestService, onboarding: int) -> None:
    service.holders.take_task(IT_AGENT, onboarding, 3)
    assert service.get(EMPLOYEE, onboarding).status is _S.IN_PROGRESS
    assert started_entries(service, onboarding) == [
        {"from": "new", "to": "in_progress", "automatic": True}
    ]
    # Taking another task moves it no further.
    service.holders.hand_over_task(HR_AGENT, onboarding, 1, "hanna")
    assert len(started_entries(service, onboarding)) == 1


def test_an_agents_reply_starts_a_new_request(service: RequestService, store: Store) -> None:
    add_user(store, "ian", "agent", "it")
    made = service.submit(EMPLOYEE, "VPN drops every hour", department="it")
    assert made.id is not None
    service.comment(IT_AGENT, made.id, "Internal: check the logs.", visible_to_requester=False)
    service.comment(EMPLOYEE, made.id, "It happened again.")
    assert service.get(EMPLOYEE, made.id).status is _S.NEW  # nobody answered yet
    service.comment(IT_AGENT, made.id, "We are looking at it.")
    assert service.get(EMPLOYEE, made.id).status is _S.IN_PROGRESS
