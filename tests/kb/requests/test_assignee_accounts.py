"""Assigning a request while an admin renames or removes the assignee's account.

The service checks the assignee before the save; the store checks again inside
the saving transaction, so an account renamed or removed in between leaves no
request assigned to a name nobody holds. The races are played in order, by
running the rename or removal right after the service's check (no threads,
no sleeps)."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from kb.accounts.records import User
from kb.accounts.service import remove_user, rename_user
from kb.errors import ConflictError, ValidationError
from kb.requests.service import RequestService
from kb.requests.working import RequestChanges
from kb.store.protocols import Store
from tests.support import EMPLOYEE, IT_AGENT, user

COLLEAGUE = user("carl", ("agent", "it"))


def after_the_check(
    store: Store, monkeypatch: pytest.MonkeyPatch, admin: Callable[[], object]
) -> None:
    """Run `admin` (a rename or a removal) once, just after the service has looked
    the assignee up and found them."""
    looked_up = store.find_user
    done: list[bool] = []

    def find_user(name: str) -> User | None:
        found = looked_up(name)
        if not done:
            done.append(True)
            admin()
        return found

    monkeypatch.setattr(store, "find_user", find_user)


@pytest.fixture
def request_id(service: RequestService, store: Store) -> int:
    store.add_user(COLLEAGUE)
    filed = service.submit(EMPLOYEE, "VPN drops every hour", department="it")
    assert filed.id is not None
    return filed.id


ASSIGNING: dict[str, Callable[[RequestService, int], object]] = {
    "assign": lambda s, i: s.assign(IT_AGENT, i, "carl"),
    "patch": lambda s, i: s.patch(IT_AGENT, i, RequestChanges(assign=True, assignee="carl")),
}


@pytest.mark.parametrize("how", sorted(ASSIGNING))
@pytest.mark.parametrize("change", ["rename", "remove"])
def test_an_assignment_racing_a_rename_or_removal_saves_nothing(
    service: RequestService,
    store: Store,
    request_id: int,
    monkeypatch: pytest.MonkeyPatch,
    how: str,
    change: str,
) -> None:
    if change == "rename":
        after_the_check(store, monkeypatch, lambda: rename_user(store, "carl", "carl.b"))
    else:
        after_the_check(store, monkeypatch, lambda: remove_user(store, "carl"))
    before = store.entries(request_id)
    with pytest.raises(ValidationError, match="no account is named 'carl' any more") as refused:
        ASSIGNING[how](service, request_id)
    assert (refused.value.key, refused.value.details["field"]) == ("assignee_gone", "assignee")
    assert "choose the assignee again" in str(refused.value)
    stored = store.get_request(request_id)
    assert stored.assignee is None
    assert store.entries(request_id) == before


def test_a_bulk_assignment_racing_a_removal_refuses_that_request(
    service: RequestService, store: Store, request_id: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    after_the_check(store, monkeypatch, lambda: remove_user(store, "carl"))
    [result] = service.bulk(IT_AGENT, [request_id], assign=True, assignee="carl")
    assert not result.ok and isinstance(result.error, ValidationError)
    assert store.get_request(request_id).assignee is None


def test_an_assignment_saved_first_moves_with_the_rename_and_blocks_the_removal(
    service: RequestService, store: Store, request_id: int
) -> None:
    service.assign(IT_AGENT, request_id, "carl")
    rename_user(store, "carl", "carl.b")
    assert store.get_request(request_id).assignee == "carl.b"
    with pytest.raises(ConflictError, match="assigned open work"):
        remove_user(store, "carl.b")
    remove_user(store, "carl.b", unassign=True)
    assert store.get_request(request_id).assignee is None


def test_saving_a_request_whose_old_assignee_is_gone_still_works(
    service: RequestService, store: Store, request_id: int
) -> None:
    """Only an assignment is checked: a closed request still naming a removed
    account (`NAME (removed)`) takes comments and reopens as before."""
    service.assign(IT_AGENT, request_id, "carl")
    service.transition(IT_AGENT, request_id, "closed")
    remove_user(store, "carl")
    assert store.get_request(request_id).assignee == "carl (removed)"
    service.comment(IT_AGENT, request_id, "Closed after the call")
    assert service.transition(IT_AGENT, request_id, "in_progress").assignee == "carl (removed)"
    assert service.assign(IT_AGENT, request_id, None).assignee is None
