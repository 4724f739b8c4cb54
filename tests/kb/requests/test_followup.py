"""After the answer, and around it: ratings, the reopen window, watchers, merging
duplicates and bulk changes on a queue."""

from __future__ import annotations

from dataclasses import replace

import pytest

from kb.errors import ConflictError, NotFoundError, PermissionDenied, ValidationError
from kb.requests.ledger import StaleRequestError
from kb.requests.service import RequestService
from kb.store.protocols import Store
from tests.support import EMPLOYEE, HR_AGENT, IT_AGENT, IT_OWNER, OTHER, Clock, user


def resolved(service: RequestService, query: str = "VPN drops", requester=EMPLOYEE) -> int:  # type: ignore[no-untyped-def]
    request = service.submit(requester, query, department="it")
    assert request.id is not None
    service.resolve(IT_AGENT, request.id, "Use TCP 443.")
    return request.id


def test_the_requester_rates_an_answered_request(service: RequestService, store: Store) -> None:
    request = service.submit(EMPLOYEE, "VPN drops", department="it")
    assert request.id is not None
    assert not service.permissions(EMPLOYEE, request.id).rate
    with pytest.raises(PermissionDenied, match="once it has been answered"):
        service.rate(EMPLOYEE, request.id, 5)
    service.resolve(IT_AGENT, request.id, "Use TCP 443.")
    assert service.permissions(EMPLOYEE, request.id).rate
    assert not service.permissions(IT_AGENT, request.id).rate
    rated = service.rate(EMPLOYEE, request.id, 4, "  Quick, thanks  ")
    assert (rated.rating, rated.rating_comment) == (4, "Quick, thanks")
    assert rated.rated_at is not None and rated.rated_at <= service.clock()
    again = service.rate(EMPLOYEE, request.id, 5)
    assert (again.rating, again.rating_comment) == (5, "")
    assert [e.data["rating"] for e in store.entries(request.id) if e.kind == "rating"] == [4, 5]
    for bad in (0, 6, True, "5"):
        with pytest.raises(ValidationError, match="give 1 to 5 stars"):
            service.rate(EMPLOYEE, request.id, bad)  # type: ignore[arg-type]
    with pytest.raises(PermissionDenied):
        service.rate(IT_AGENT, request.id, 1)


def test_requesters_reopen_only_within_the_window(service: RequestService, clock: Clock) -> None:
    request_id = resolved(service)
    clock.advance(days=13)
    assert service.permissions(EMPLOYEE, request_id).reopen
    service.transition(EMPLOYEE, request_id, "in_progress", "Still broken")
    service.resolve(IT_AGENT, request_id, "Now with the new client.")
    clock.advance(days=15)
    allowed = service.permissions(EMPLOYEE, request_id)
    assert not allowed.reopen and allowed.close
    with pytest.raises(PermissionDenied, match="only within 14 days of its answer"):
        service.transition(EMPLOYEE, request_id, "in_progress")
    # Agents may reopen any time.
    assert service.transition(IT_AGENT, request_id, "in_progress").status.value == "in_progress"


def test_watchers_read_and_hear_about_a_request(service: RequestService, store: Store) -> None:
    for person in (EMPLOYEE, OTHER, IT_OWNER):
        store.add_user(person)
    request = service.submit(EMPLOYEE, "VPN drops", department="it")
    assert request.id is not None
    with pytest.raises(NotFoundError, match="no request with id"):
        service.get(OTHER, request.id)
    service.watch(EMPLOYEE, request.id, OTHER.username)
    assert service.get(OTHER, request.id).watchers == [OTHER.username]
    with pytest.raises(ConflictError, match="already watching"):
        service.watch(IT_AGENT, request.id, OTHER.username)
    with pytest.raises(ValidationError, match="no user 'nobody'"):
        service.watch(EMPLOYEE, request.id, "nobody")
    # A watcher may not add others, but may leave; a content owner may watch herself.
    with pytest.raises(PermissionDenied, match="only its requester and agents of it"):
        service.watch(OTHER, request.id, IT_OWNER.username)
    service.watch(IT_OWNER, request.id)
    service.unwatch(OTHER, request.id)
    assert service.get(EMPLOYEE, request.id).watchers == [IT_OWNER.username]
    # Watchers are mailed replies as the requester is (never what they did themselves).
    before = {m.id for m in store.due_messages(service.clock(), limit=500)}
    service.comment(IT_AGENT, request.id, "Which client version?")
    mails = [
        m.target
        for m in store.due_messages(service.clock(), limit=500)
        if m.id not in before and m.target.startswith("email:")
    ]
    assert sorted(mails) == [
        "email:emma@example.org",
        "email:it@example.org",
        "email:olga@example.org",
    ]


def test_a_name_of_several_people_is_told_only_as_far_as_the_caller_may_see(
    service: RequestService, store: Store
) -> None:
    twins = [replace(user(n, ("employee", None)), display_name="Sam Lee") for n in ("sam", "slee")]
    for person in (EMPLOYEE, OTHER, IT_OWNER, *twins):
        store.add_user(person)
    request = service.submit(EMPLOYEE, "VPN drops", department="it")
    assert request.id is not None
    # Someone who may not read the request learns nothing, not even who is called so.
    with pytest.raises(NotFoundError):
        service.watch(OTHER, request.id, "Sam Lee")
    # Someone who may only watch it themselves is refused before any name is looked up.
    with pytest.raises(PermissionDenied) as refused:
        service.watch(IT_OWNER, request.id, "Sam Lee")
    assert "sam" not in str(refused.value.details)
    # The requester hears how many share the name, not their usernames.
    with pytest.raises(ValidationError, match="2 people are called 'sam lee'; give") as told:
        service.watch(EMPLOYEE, request.id, "sam lee")
    assert "slee" not in told.value.message and "matches" not in told.value.details
    assert "slee" not in told.value.message_in("en") and "slee" not in told.value.message_in("de")
    # The queue's agents, who assign people by username, are told whom it names.
    with pytest.raises(ValidationError, match="the usernames sam, slee; give") as named:
        service.watch(IT_AGENT, request.id, "Sam Lee")
    assert named.value.details["matches"] == ["sam", "slee"]
    assert "sam, slee" in named.value.message_in("en")
    assert service.watch(EMPLOYEE, request.id, "slee").watchers == ["slee"]
    assert service.watch(IT_OWNER, request.id, "OLGA").watchers == ["slee", "olga"]


def test_a_duplicate_is_merged_with_its_history_kept(service: RequestService, store: Store) -> None:
    store.add_user(OTHER)
    first = service.submit(EMPLOYEE, "VPN drops every hour", department="it")
    duplicate = service.submit(OTHER, "VPN keeps dropping", "Since Monday", department="it")
    assert first.id is not None and duplicate.id is not None
    with pytest.raises(NotFoundError):  # HR's agents do not see IT's requests
        service.merge(HR_AGENT, duplicate.id, first.id)
    with pytest.raises(ValidationError, match="into itself"):
        service.merge(IT_AGENT, first.id, first.id)
    merged = service.merge(IT_AGENT, duplicate.id, first.id, "Same outage")
    assert (merged.status.value, merged.merged_into) == ("closed", first.id)
    target = service.get(IT_AGENT, first.id)
    assert target.watchers == [OTHER.username]
    note = store.entries(first.id)[-1]
    assert (note.kind, note.data["from"], note.visible_to_requester) == (
        "merged",
        duplicate.id,
        False,
    )
    kinds = [e.kind for e in store.entries(duplicate.id)]
    assert kinds == ["created", "merged"]
    # The duplicate's requester reads the answer on the first request, not reopening theirs.
    assert not service.permissions(OTHER, duplicate.id).reopen
    # Refused for the merge (a conflict with its state, as for its agents), not for
    # a reopen window that has not run out.
    with pytest.raises(ConflictError, match=f"merged into request {first.id}") as refused:
        service.transition(OTHER, duplicate.id, "in_progress")
    assert refused.value.details["reason"] == "merged"
    service.resolve(IT_AGENT, first.id, "The gateway was replaced.")
    assert service.get(OTHER, first.id).resolution == "The gateway was replaced."
    with pytest.raises(ConflictError, match="only open requests are merged"):
        service.merge(IT_AGENT, duplicate.id, first.id)


def test_bulk_changes_each_request_on_its_own(service: RequestService) -> None:
    ids = [service.submit(EMPLOYEE, f"Question {n}", department="it").id for n in range(3)]
    hr = service.submit(EMPLOYEE, "Payslip missing", department="hr").id
    results = service.bulk(
        IT_AGENT, [*ids, hr], assign=True, assignee=IT_AGENT.username, status="in_progress"
    )  # type: ignore[list-item]
    assert [r.ok for r in results] == [True, True, True, False]
    assert isinstance(results[-1].error, NotFoundError)  # not IT's: not shown to IT
    for request_id in ids:
        request = service.get(IT_AGENT, request_id)  # type: ignore[arg-type]
        assert (request.assignee, request.status.value) == (IT_AGENT.username, "in_progress")
    with pytest.raises(ValidationError, match="choose at least one"):
        service.bulk(IT_AGENT, [], status="closed")
    with pytest.raises(ValidationError, match="nothing to change"):
        service.bulk(IT_AGENT, ids)  # type: ignore[arg-type]


def test_a_bulk_change_takes_a_request_already_in_its_status(
    service: RequestService, store: Store
) -> None:
    """An agent chose "In progress" and an assignee for requests of which some were
    in progress already: those were refused whole ("cannot become In progress")
    and kept their old assignee. They keep their status and take the assignee; a
    note, which goes with a status move, still needs the move."""
    ids = [service.submit(EMPLOYEE, f"Question {n}", department="it").id for n in range(2)]
    assert None not in ids
    service.transition(IT_AGENT, ids[0], "in_progress")  # type: ignore[arg-type]
    entries = len(store.entries(ids[0]))  # type: ignore[arg-type]
    results = service.bulk(
        IT_AGENT, ids, assign=True, assignee=IT_AGENT.username, status="in_progress"
    )  # type: ignore[arg-type]
    assert [r.ok for r in results] == [True, True]
    for request_id in ids:
        request = service.get(IT_AGENT, request_id)  # type: ignore[arg-type]
        assert (request.assignee, request.status.value) == (IT_AGENT.username, "in_progress")
    added = [e.kind for e in store.entries(ids[0])[entries:]]  # type: ignore[arg-type]
    assert added == ["assigned"]  # no status entry from In progress to In progress
    noted = service.bulk(
        IT_AGENT, ids, assign=True, assignee=None, status="in_progress", note="On it"
    )  # type: ignore[arg-type]
    assert [r.ok for r in noted] == [False, False]
    assert service.get(IT_AGENT, ids[0]).assignee == IT_AGENT.username  # type: ignore[arg-type]
    alone = service.bulk(IT_AGENT, ids, status="in_progress")  # type: ignore[arg-type]
    assert [r.ok for r in alone] == [False, False]  # nothing would change
    # Said as such, not as a move the life cycle forbids.
    assert alone[0].error is not None
    assert alone[0].error.message_in("en", status_from="In progress") == (
        "The request is “In progress” already."
    )
    assert alone[0].error.message_in("de", status_from="In Bearbeitung") == (
        "Die Anfrage ist bereits „In Bearbeitung“."
    )


def test_a_bulk_change_is_for_agents_even_on_a_requesters_own_request(
    service: RequestService, store: Store
) -> None:
    own = service.submit(EMPLOYEE, "Printer jams", department="it").id
    assert own is not None
    before = store.get_request(own)
    results = service.bulk(EMPLOYEE, [own], status="closed")
    assert [r.ok for r in results] == [False]
    assert isinstance(results[0].error, PermissionDenied)
    assert "only agents of it" in str(results[0].error)
    assert store.get_request(own) == before
    # On the request itself, the requester may still close it.
    assert service.transition(EMPLOYEE, own, "closed").status.value == "closed"


def test_a_bulk_change_a_request_refuses_leaves_it_as_it_was(
    service: RequestService, store: Store
) -> None:
    open_id = service.submit(EMPLOYEE, "Printer jams", department="it").id
    done = resolved(service)
    before = store.get_request(done)
    results = service.bulk(
        IT_AGENT, [open_id, done], assign=True, assignee=IT_AGENT.username, status="triaged"
    )  # type: ignore[list-item]
    assert [r.ok for r in results] == [True, False]
    assert isinstance(results[1].error, ConflictError)  # resolved cannot become triaged
    # The assignment that came with the refused move was not saved either.
    assert store.get_request(done) == before


def test_a_bulk_change_leaves_a_request_changed_since_the_version_seen(
    service: RequestService, store: Store
) -> None:
    seen, fresh = (service.submit(EMPLOYEE, f"Question {n}", department="it") for n in range(2))
    assert seen.id is not None and fresh.id is not None
    service.comment(EMPLOYEE, seen.id, "More detail")  # version 2 now
    results = service.bulk(
        IT_AGENT,
        [seen.id, fresh.id],
        assign=True,
        assignee=IT_AGENT.username,
        versions={seen.id: seen.version, fresh.id: fresh.version},
    )
    assert [r.ok for r in results] == [False, True]
    assert isinstance(results[0].error, StaleRequestError)
    assert store.get_request(seen.id).assignee is None
