"""The service's answer to "what may this actor do with this request" is the
rule its own checks apply: every action it allows succeeds, every other one is
refused. The request page shows its buttons from the same answer."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from kb.accounts.records import User
from kb.errors import ConflictError, PermissionDenied
from kb.requests.lifecycle import RequestStatus
from kb.requests.service import RequestService
from tests.support import ADMIN, EMPLOYEE, IT_AGENT, IT_OWNER

_S = RequestStatus
# How to bring a new request into each state, as its agent would.
SETUP: dict[RequestStatus, list[tuple[str, str]]] = {
    _S.NEW: [],
    _S.IN_PROGRESS: [("transition", "in_progress")],
    _S.WAITING_FOR_REQUESTER: [("transition", "waiting_for_requester")],
    _S.RESOLVED: [("resolve", "Restart the client.")],
    _S.CLOSED: [("resolve", "Restart the client."), ("transition", "closed")],
}


def request_in(service: RequestService, state: RequestStatus) -> int:
    request = service.submit(EMPLOYEE, "VPN drops every hour", department="it")
    assert request.id is not None
    for action, value in SETUP[state]:
        getattr(service, action)(IT_AGENT, request.id, value)
    assert service.get(ADMIN, request.id).status is state
    return request.id


def attempt(action: Callable[..., object], *args: object, **kwargs: object) -> bool:
    """True when the service did it, False when it refused (as not allowed)."""
    try:
        action(*args, **kwargs)
    except (PermissionDenied, ConflictError):
        return False
    return True


@pytest.mark.parametrize("state", list(SETUP))
@pytest.mark.parametrize("actor", [EMPLOYEE, IT_AGENT, IT_OWNER, ADMIN], ids=lambda u: u.username)
def test_what_the_service_allows_is_what_it_does(
    service: RequestService, actor: User, state: RequestStatus
) -> None:
    allowed = service.permissions(actor, request_in(service, state))
    for target in RequestStatus:
        request_id = request_in(service, state)
        if target is _S.RESOLVED:
            done = attempt(service.resolve, actor, request_id, "Answer.")
        else:
            done = attempt(service.transition, actor, request_id, target)
        assert done == (target in allowed.statuses), (actor.username, state.value, target.value)
    request_id = request_in(service, state)
    note = attempt(service.comment, actor, request_id, "psst", visible_to_requester=False)
    assert note == allowed.internal_notes
    assert attempt(service.assign, actor, request_id, "ian") == allowed.work
    assert allowed.close == (_S.CLOSED in allowed.statuses)
    assert allowed.reopen == (not state.is_open and _S.IN_PROGRESS in allowed.statuses)


def test_drafting_is_allowed_exactly_when_it_works(service: RequestService, tmp_path: Path) -> None:
    root = tmp_path
    (root / "it").mkdir()
    for state in (_S.NEW, _S.RESOLVED):
        for actor in (EMPLOYEE, IT_AGENT, IT_OWNER):
            request_id = request_in(service, state)
            allowed = service.permissions(actor, request_id).draft_article
            done = attempt(service.draft_article, actor, request_id, root)
            assert done == allowed, (actor.username, state.value)
            assert allowed == (state is _S.RESOLVED and actor is not EMPLOYEE)
