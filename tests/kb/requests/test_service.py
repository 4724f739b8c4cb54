"""Submitting and working requests: routing, due dates, idempotency, every
status transition and the refused ones, comments, assignment, resolution."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime

import pytest

from kb.accounts.service import remove_user, rename_user
from kb.errors import ConflictError, ValidationError
from kb.requests.lifecycle import TRANSITIONS, RequestStatus
from kb.requests.records import Request
from kb.requests.service import RequestService
from kb.store.protocols import Store
from tests.support import EMPLOYEE, HR_AGENT, IT_AGENT, OTHER, Clock, user

S = RequestStatus


def submit(service: RequestService, **kw: object) -> int:
    fields: dict[str, object] = {"query": "VPN drops every hour", "department": "it"}
    fields.update(kw)
    request = service.submit(EMPLOYEE, **fields)  # type: ignore[arg-type]
    assert request.id is not None
    return request.id


def test_submit_records_everything_and_sets_due_dates(service: RequestService) -> None:
    request = service.submit(
        EMPLOYEE, "VPN drops every hour", "Since Monday, on the office Wi-Fi too.",
        department="it", suggested_department="it", suggestions_shown=True,
        went_on_anyway=True, search_id=42, priority="high",
    )  # fmt: skip
    assert (request.requester, request.department, request.status) == ("emma", "it", S.NEW)
    assert request.suggestions_shown and request.went_on_anyway and request.search_id == 42
    assert request.priority.value == "high"
    # Filed Wednesday 10:00 Berlin; IT answers within 2 and resolves within 16 working hours.
    assert request.first_response_due == datetime(2026, 6, 10, 10, 0, 0, 1, tzinfo=UTC)
    assert request.resolution_due == datetime(2026, 6, 12, 8, 0, 0, 1, tzinfo=UTC)
    history = service.history(EMPLOYEE, request.id)  # type: ignore[arg-type]
    assert [e.kind for e in history] == ["created"]


def ask_parking(
    service: RequestService, department: str | None, suggested: str | None,
    confidence: float | None,
) -> Request:  # fmt: skip
    return service.submit(
        EMPLOYEE,
        "Where do I get a parking permit?",
        department=department,
        suggested_department=suggested,
        department_confidence=confidence,
    )


@pytest.mark.parametrize(
    ("department", "suggested", "confidence", "queue"),
    [
        (None, None, None, "triage"),  # no department at all
        ("", "it", 0.9, "it"),  # the suggestion, confident
        ("it", "it", 0.1, "triage"),  # the suggestion, but the router was unsure
        ("hr", "it", 0.1, "hr"),  # the employee chose another department: their choice wins
    ],
)
def test_routing_of_new_requests(
    service: RequestService, department: str | None, suggested: str | None,
    confidence: float | None, queue: str,
) -> None:  # fmt: skip
    request = ask_parking(service, department, suggested, confidence)
    assert request.department == queue


@pytest.mark.parametrize(
    ("department", "suggested", "confidence", "recorded"),
    [
        (None, "it", 0.9, {"suggested_department": "it", "department_confidence": 0.9}),
        ("it", "it", 0.1, {"suggested_department": "it", "department_confidence": 0.1}),
        ("hr", "it", 0.9, {}),  # the employee's own choice: no suggestion sent it there
        (None, None, None, {}),
    ],
)
def test_the_created_entry_says_which_department_routing_suggested(
    service: RequestService, department: str | None, suggested: str | None,
    confidence: float | None, recorded: dict[str, object],
) -> None:  # fmt: skip
    """An agent could not tell whether a request came to their queue (or to
    triage) by the employee's choice or by the router's suggestion."""
    request = ask_parking(service, department, suggested, confidence)
    created = service.history(EMPLOYEE, request.id)[0]  # type: ignore[arg-type]
    assert created.kind == "created"
    assert {k: v for k, v in created.data.items() if "suggest" in k or "confidence" in k} == (
        recorded
    )


def test_unknown_department_and_bad_input_are_refused(service: RequestService) -> None:
    with pytest.raises(ValidationError, match="unknown department 'marketing'; known: facilities"):
        service.submit(EMPLOYEE, "Logo files?", department="marketing")
    with pytest.raises(ValidationError, match="query must not be empty"):
        service.submit(EMPLOYEE, "  ", department="it")
    with pytest.raises(ValidationError, match="priority must be one of low, normal, high, urgent"):
        service.submit(EMPLOYEE, "VPN?", department="it", priority="asap")


def test_same_idempotency_key_twice_gives_one_request(
    service: RequestService, store: Store
) -> None:
    first = service.submit(EMPLOYEE, "VPN drops", department="it", idempotency_key="form-1")
    queued = len(store.due_messages(datetime(2100, 1, 1, tzinfo=UTC)))
    again = service.submit(EMPLOYEE, "VPN drops", department="it", idempotency_key="form-1")
    assert again.id == first.id
    assert len(store.list_requests()) == 1
    # The repeat notifies no one.
    assert len(store.due_messages(datetime(2100, 1, 1, tzinfo=UTC))) == queued
    # Keys belong to their requester: the same key from someone else is a new request.
    other = service.submit(OTHER, "VPN drops", department="it", idempotency_key="form-1")
    assert other.id != first.id
    with pytest.raises(ConflictError, match="already used for request 1 with another question"):
        service.submit(EMPLOYEE, "Printer jammed", department="it", idempotency_key="form-1")


def test_a_long_username_files_with_a_full_length_idempotency_key(service: RequestService) -> None:
    # Usernames may have 254 characters and keys 100; the key is kept per requester.
    long_name = user("a" * 240 + "@example.org", ("employee", None))
    key = "k" * 100
    first = service.submit(long_name, "VPN drops", department="it", idempotency_key=key)
    again = service.submit(long_name, "VPN drops", department="it", idempotency_key=key)
    other = service.submit(long_name, "VPN drops", department="it", idempotency_key=key[:-1])
    assert again.id == first.id and other.id != first.id


@pytest.mark.parametrize("key", ["form-1", "k" * 190])  # kept as written, kept as a digest
@pytest.mark.parametrize("how", ["remove", "rename"])
def test_a_later_account_of_a_freed_name_never_gets_an_earlier_ones_request_by_its_key(
    service: RequestService, store: Store, how: str, key: str
) -> None:
    # Security review of 2 December: keys are kept per username, so once `kb users
    # remove` or `rename` freed the name, a new account of it sending the same key
    # got the first account's request back (its question, department and status).
    store.add_user(EMPLOYEE)
    first = service.submit(EMPLOYEE, "VPN drops", department="it", idempotency_key=key)
    if how == "remove":
        remove_user(store, "emma")
    else:
        rename_user(store, "emma", "emma.old")
        store.unalias("emma")  # kept for single sign-on until let go: free now
    store.add_user(EMPLOYEE)
    again = service.submit(EMPLOYEE, "VPN drops", department="it", idempotency_key=key)
    assert again.id != first.id and again.requester == "emma"
    assert service.submit(EMPLOYEE, "VPN drops", department="it", idempotency_key=key) == again


def test_a_digest_shaped_key_never_returns_someone_elses_request(service: RequestService) -> None:
    # A long username and key are kept as their digest. Someone named "sha256" who sends
    # that digest as their own key must get a request of their own, never the other one.
    long_name = user("a" * 240 + "@example.org", ("employee", None))
    key = "k" * 100
    first = service.submit(long_name, "VPN drops", department="it", idempotency_key=key)
    digest = hashlib.sha256(f"{long_name.username}:{key}".encode()).hexdigest()
    squatter = user("sha256", ("employee", None))
    theirs = service.submit(squatter, "VPN drops", department="it", idempotency_key=digest)
    assert theirs.id != first.id and theirs.requester == "sha256"


# Every pair of statuses: allowed moves succeed, the others are refused saying why.
ALL_MOVES = [(a, b) for a in RequestStatus for b in RequestStatus if b is not S.RESOLVED]


def _bring_to(service: RequestService, request_id: int, status: RequestStatus) -> None:
    path = {
        S.NEW: [],
        S.TRIAGED: [S.TRIAGED],
        S.IN_PROGRESS: [S.IN_PROGRESS],
        S.WAITING_FOR_REQUESTER: [S.WAITING_FOR_REQUESTER],
        S.RESOLVED: [S.RESOLVED],
        S.CLOSED: [S.CLOSED],
    }[status]
    for step in path:
        if step is S.RESOLVED:
            service.resolve(IT_AGENT, request_id, "Fixed.")
        else:
            service.transition(IT_AGENT, request_id, step)


@pytest.mark.parametrize(("start", "target"), ALL_MOVES, ids=lambda s: s.value)
def test_every_transition(
    service: RequestService, start: RequestStatus, target: RequestStatus
) -> None:
    request_id = submit(service)
    _bring_to(service, request_id, start)
    if target in TRANSITIONS[start]:
        moved = service.transition(IT_AGENT, request_id, target, note="moving on")
        assert moved.status is target
        last = service.history(IT_AGENT, request_id)[-1]
        assert (last.kind, last.data) == ("status", {"from": start.value, "to": target.value})
    else:
        allowed = ", ".join(sorted(s.value for s in TRANSITIONS[start]))
        with pytest.raises(ConflictError) as caught:
            service.transition(IT_AGENT, request_id, target)
        if start is target:  # said as such, not as a move the life cycle forbids
            assert caught.value.message == f"the request is {start.value} already"
        else:
            assert f"a {start.value} request cannot become {target.value}" in caught.value.message
            assert f"it may become: {allowed}" in caught.value.message
        assert service.get(IT_AGENT, request_id).status is start


@pytest.mark.parametrize("start", [s for s in RequestStatus], ids=lambda s: s.value)
def test_resolving_from_every_status(service: RequestService, start: RequestStatus) -> None:
    request_id = submit(service)
    _bring_to(service, request_id, start)
    if S.RESOLVED in TRANSITIONS[start]:
        resolved = service.resolve(IT_AGENT, request_id, "Reinstalled the VPN client.")
        assert resolved.status is S.RESOLVED
        assert resolved.resolution == "Reinstalled the VPN client."
        assert resolved.resolved_at is not None
    else:
        with pytest.raises(ConflictError, match="cannot become resolved|resolved already"):
            service.resolve(IT_AGENT, request_id, "Again.")


def test_resolution_needs_a_text(service: RequestService) -> None:
    request_id = submit(service)
    with pytest.raises(ValidationError, match="resolution must not be empty"):
        service.transition(IT_AGENT, request_id, "resolved", note=" ")
    resolved = service.transition(IT_AGENT, request_id, "resolved", note="Done.")
    assert resolved.resolution == "Done."


def test_unknown_status_is_a_validation_error(service: RequestService) -> None:
    request_id = submit(service)
    with pytest.raises(ValidationError, match="status must be one of new, triaged"):
        service.transition(IT_AGENT, request_id, "done")


def test_reopen_by_requester_clears_the_resolution(service: RequestService) -> None:
    request_id = submit(service)
    service.resolve(IT_AGENT, request_id, "Restarted the router.")
    reopened = service.transition(EMPLOYEE, request_id, "in_progress", note="Still broken.")
    assert reopened.status is S.IN_PROGRESS
    assert reopened.resolution is None and reopened.resolved_at is None
    service.transition(IT_AGENT, request_id, "closed")
    assert service.transition(EMPLOYEE, request_id, "in_progress").status is S.IN_PROGRESS


def test_requester_reply_resumes_a_waiting_request(service: RequestService) -> None:
    request_id = submit(service)
    service.transition(
        IT_AGENT, request_id, "waiting_for_requester", note="Which laptop model do you have?"
    )
    replied = service.comment(EMPLOYEE, request_id, "A ThinkPad T14.")
    assert replied.status is S.IN_PROGRESS
    kinds = [(e.kind, e.actor) for e in service.history(EMPLOYEE, request_id)]
    assert kinds[-2:] == [("comment", "emma"), ("status", "emma")]
    # A comment in any other status changes nothing.
    assert service.comment(EMPLOYEE, request_id, "Thanks!").status is S.IN_PROGRESS


def test_first_agent_reply_sets_first_response(service: RequestService, clock: Clock) -> None:
    request_id = submit(service)
    service.comment(EMPLOYEE, request_id, "Any news?")
    assert service.get(EMPLOYEE, request_id).first_responded_at is None
    service.comment(IT_AGENT, request_id, "Checking the logs.", visible_to_requester=False)
    assert service.get(EMPLOYEE, request_id).first_responded_at is None  # internal note
    clock.advance(hours=1)
    replied_from = clock.now
    first = service.comment(IT_AGENT, request_id, "Found it, fixing.")
    assert first.first_responded_at is not None
    assert replied_from < first.first_responded_at <= clock.now
    clock.advance(hours=1)
    later = service.comment(IT_AGENT, request_id, "Fixed.")
    assert later.first_responded_at == first.first_responded_at


def test_internal_notes_are_hidden_from_the_requester(service: RequestService) -> None:
    request_id = submit(service)
    service.comment(IT_AGENT, request_id, "User has admin rights, odd.", visible_to_requester=False)
    service.comment(IT_AGENT, request_id, "We are on it.")
    seen = [e.message for e in service.history(EMPLOYEE, request_id)]
    assert "We are on it." in seen and "User has admin rights, odd." not in seen
    assert "User has admin rights, odd." in [
        e.message for e in service.history(IT_AGENT, request_id)
    ]


def test_assign_to_agents_of_the_queue_only(service: RequestService) -> None:
    request_id = submit(service)
    assigned = service.assign(IT_AGENT, request_id, "ian")
    assert assigned.assignee == "ian"
    with pytest.raises(ValidationError, match="hanna is not an agent of it"):
        service.assign(IT_AGENT, request_id, "hanna")
    with pytest.raises(ValidationError, match="ghost is not an agent of it"):
        service.assign(IT_AGENT, request_id, "ghost")
    # A name typed in another letter case is the account's, as at sign-in.
    assert service.assign(IT_AGENT, request_id, "Ian").assignee == "ian"
    assert service.assign(IT_AGENT, request_id, None).assignee is None
    entries = [e for e in service.history(IT_AGENT, request_id) if e.kind == "assigned"]
    assert [e.data for e in entries] == [
        {"from": None, "to": "ian"}, {"from": "ian", "to": "ian"}, {"from": "ian", "to": None}]  # fmt: skip
    assert not any(e.kind == "assigned" for e in service.history(EMPLOYEE, request_id))


def test_queue_sorts_by_due_date_and_flags_overdue(service: RequestService, clock: Clock) -> None:
    slow = service.submit(EMPLOYEE, "New monitor please", department="it")
    clock.advance(minutes=30)
    hr_request = service.submit(EMPLOYEE, "Payslip missing", department="hr")
    # IT: first response due 12:00 Berlin on Wednesday, resolution on Friday.
    clock.set(datetime(2026, 6, 10, 10, 30, tzinfo=UTC))  # 12:30 Berlin
    items = service.queue(IT_AGENT, "it")
    assert [(i.request.id, i.overdue) for i in items] == [(slow.id, True)]
    service.comment(IT_AGENT, slow.id, "Ordered.")  # type: ignore[arg-type]
    assert not service.queue(IT_AGENT, "it")[0].overdue
    clock.set(datetime(2026, 6, 15, 8, 0, tzinfo=UTC))  # past the resolution due date
    assert [i.request.id for i in service.queue(IT_AGENT, "it", overdue=True)] == [slow.id]
    # HR's request: 8 h to first response (Thursday 10:30) and 40 h to resolve.
    assert [i.overdue for i in service.queue(HR_AGENT, "hr")] == [True]
    assert service.queue(HR_AGENT, "hr")[0].request.id == hr_request.id
    service.resolve(IT_AGENT, slow.id, "Delivered.")  # type: ignore[arg-type]
    assert service.queue(IT_AGENT, "it", overdue=True) == []
    assert [i.request.id for i in service.queue(IT_AGENT, "it", status="resolved")] == [slow.id]


def test_list_mine_shows_own_requests_newest_first(service: RequestService) -> None:
    first = submit(service)
    second = submit(service, query="Printer offline")
    service.submit(OTHER, "Not mine", department="it")
    assert [r.id for r in service.list_mine(EMPLOYEE)] == [second, first]
