"""A merged duplicate stays as the merge left it: no internal notes, no status
move, no assignment, no move to another queue and no task completed on it, by
its agents, its requester or an admin. Each is refused with the conflict a
reply gets (`reason` merged, `into` the request it went into) and nothing is
saved; the permissions say the same, so the page offers none of them."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from kb.accounts.records import User
from kb.errors import ConflictError, PermissionDenied
from kb.requests.service import RequestService
from kb.requests.working import RequestChanges
from kb.store.protocols import Store
from tests.kb.requests.test_value_streams import ONBOARDING
from tests.support import ADMIN, EMPLOYEE, HR_AGENT, IT_AGENT, OTHER

Attempt = Callable[[RequestService, User, int], object]

# Every change that makes no sense on a merged duplicate, as the API and pages make it.
CHANGES: dict[str, Attempt] = {
    "internal note": lambda s, who, rid: s.comment(who, rid, "psst", visible_to_requester=False),
    "reopen": lambda s, who, rid: s.transition(who, rid, "in_progress", "Back"),
    "resolve": lambda s, who, rid: s.resolve(who, rid, "Restart the client."),
    "assign": lambda s, who, rid: s.assign(who, rid, "ian"),
    "unassign": lambda s, who, rid: s.assign(who, rid, None),
    "reassign": lambda s, who, rid: s.reassign(who, rid, "hr", "Payroll question"),
    "patch": lambda s, who, rid: s.patch(who, rid, RequestChanges(status="in_progress")),
}


@pytest.fixture
def merged(service: RequestService, store: Store) -> tuple[int, int]:
    """(duplicate, target): OTHER's duplicate, assigned to IT_AGENT, merged into
    EMPLOYEE's request."""
    store.add_user(OTHER)
    target = service.submit(EMPLOYEE, "VPN drops every hour", department="it")
    duplicate = service.submit(OTHER, "VPN keeps dropping", department="it")
    assert target.id is not None and duplicate.id is not None
    service.assign(IT_AGENT, duplicate.id, "ian")
    service.merge(IT_AGENT, duplicate.id, target.id, "Same outage")
    return duplicate.id, target.id


@pytest.mark.parametrize("what", list(CHANGES))
@pytest.mark.parametrize("actor", [IT_AGENT, ADMIN, OTHER], ids=lambda u: u.username)
def test_no_change_is_made_to_a_merged_duplicate(
    service: RequestService, store: Store, merged: tuple[int, int], actor: User, what: str
) -> None:
    duplicate, target = merged
    before, entries = store.get_request(duplicate), store.entries(duplicate)
    try:
        CHANGES[what](service, actor, duplicate)
    except PermissionDenied:
        # Its requester may not assign or move a request anyway: refused for that.
        assert actor is OTHER and what in ("assign", "unassign", "reassign", "resolve")
    except ConflictError as exc:
        assert (exc.details["reason"], exc.details["into"]) == ("merged", target), what
        assert f"merged into request {target}" in str(exc)
        assert "nothing was" in str(exc).casefold()
    else:
        pytest.fail(f"{what} by {actor.username} was made on a merged duplicate")
    assert store.get_request(duplicate) == before
    assert store.entries(duplicate) == entries


@pytest.mark.parametrize("actor", [IT_AGENT, ADMIN, OTHER], ids=lambda u: u.username)
def test_the_permissions_of_a_merged_duplicate_allow_no_change(
    service: RequestService, merged: tuple[int, int], actor: User
) -> None:
    duplicate, target = merged
    allowed = service.permissions(actor, duplicate)
    assert allowed.statuses == frozenset()
    assert not (allowed.reopen or allowed.close or allowed.resolve or allowed.merge)
    assert not (allowed.internal_notes or allowed.assign or allowed.reassign or allowed.reply)
    # Its agents still read all of it, and the request it went into is worked as before.
    assert allowed.work == (actor is not OTHER)
    on_target = service.permissions(actor, target)
    assert on_target.assign == on_target.internal_notes == (actor is not OTHER)


def test_a_merged_duplicate_s_tasks_are_not_completed(
    service: RequestService, store: Store
) -> None:
    """A value stream merged into another request has its tasks cancelled; an
    attempt to complete one says where the work went, not "reopen it first"."""
    first, second = (
        service.submit(EMPLOYEE, query, workflow="onboarding", fields=ONBOARDING)
        for query in ("Onboarding Jana", "Onboarding Jana F.")
    )
    assert first.id is not None and second.id is not None
    service.merge(HR_AGENT, second.id, first.id)
    task = store.tasks(second.id)[0]
    assert task.status.is_finished  # cancelled by the merge
    with pytest.raises(ConflictError) as refused:
        service.complete_task(HR_AGENT, second.id, task.id or 0)
    assert (refused.value.key, refused.value.details["into"]) == ("change_merged", first.id)
    assert store.tasks(second.id)[0] == task


def test_watchers_still_leave_a_merged_duplicate(
    service: RequestService, merged: tuple[int, int]
) -> None:
    """Stopping to watch changes nothing of the request's work: still allowed."""
    duplicate, _ = merged
    service.watch(OTHER, duplicate, "ian")
    assert service.unwatch(IT_AGENT, duplicate, "ian").watchers == []
