"""Who resolved a request holds it: an agent of its department who resolves a
request nobody was assigned becomes its assignee, recorded in its history.

A request resolved without an assignee used to stay "nobody" for good: the
queue's figures per assignee and the page could not say who answered it."""

from __future__ import annotations

import pytest

from kb.errors import ValidationError
from kb.requests.service import RequestService
from kb.requests.working import RequestChanges
from kb.store.protocols import Store
from tests.support import ADMIN, EMPLOYEE, IT_AGENT, user

COLLEAGUE = user("carl", ("agent", "it"))


@pytest.fixture
def request_id(service: RequestService, store: Store) -> int:
    for account in (IT_AGENT, COLLEAGUE, ADMIN):
        if store.get_user(account.username) is None:
            store.add_user(account)
    filed = service.submit(EMPLOYEE, "VPN drops every hour", department="it")
    assert filed.id is not None
    return filed.id


def _kinds(store: Store, request_id: int) -> list[str]:
    return [e.kind for e in store.entries(request_id)]


def test_the_resolver_of_an_unassigned_request_becomes_its_assignee(
    service: RequestService, store: Store, request_id: int
) -> None:
    resolved = service.resolve(IT_AGENT, request_id, "Update the client to 6.2.")
    assert (resolved.assignee, resolved.status.value) == ("ian", "resolved")
    assert _kinds(store, request_id) == ["created", "assigned", "resolution"]
    claim = store.entries(request_id)[1]
    assert (claim.actor, claim.data["from"], claim.data["to"]) == ("ian", None, "ian")
    assert claim.data["resolver"] is True and not claim.visible_to_requester


def test_an_assignee_stays_whoever_resolves(
    service: RequestService, store: Store, request_id: int
) -> None:
    service.assign(IT_AGENT, request_id, "carl")
    resolved = service.resolve(IT_AGENT, request_id, "Update the client to 6.2.")
    assert resolved.assignee == "carl"
    assert _kinds(store, request_id) == ["created", "assigned", "resolution"]


def test_an_admin_outside_the_department_is_not_made_assignee(
    service: RequestService, store: Store, request_id: int
) -> None:
    assert service.resolve(ADMIN, request_id, "Update the client.").assignee is None
    assert _kinds(store, request_id) == ["created", "resolution"]


def test_a_resolver_without_an_account_resolves_without_holding_it(
    service: RequestService, store: Store, request_id: int
) -> None:
    """An agent known only from a sign-on header not yet recorded cannot be assigned."""
    visitor = user("sso-agent", ("agent", "it"))
    assert service.resolve(visitor, request_id, "Update the client.").assignee is None


def test_a_status_move_to_resolved_and_a_patch_claim_it_too(
    service: RequestService, store: Store, request_id: int
) -> None:
    assert service.transition(IT_AGENT, request_id, "resolved", "Done.").assignee == "ian"
    other = service.submit(EMPLOYEE, "Printer offline", department="it").id or 0
    patched = service.patch(COLLEAGUE, other, RequestChanges(resolution="Power-cycled it."))
    assert patched.assignee == "carl"


def test_a_patch_that_unassigns_keeps_nobody(
    service: RequestService, store: Store, request_id: int
) -> None:
    wanted = RequestChanges(assign=True, assignee=None, resolution="Power-cycled it.")
    assert service.patch(IT_AGENT, request_id, wanted).assignee is None


def test_a_refused_resolution_assigns_nobody(
    service: RequestService, store: Store, request_id: int
) -> None:
    with pytest.raises(ValidationError):
        service.resolve(IT_AGENT, request_id, "   ")
    stored = store.get_request(request_id)
    assert (stored.assignee, stored.version) == (None, 1)
    assert _kinds(store, request_id) == ["created"]
