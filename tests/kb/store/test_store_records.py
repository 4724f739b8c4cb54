"""The domain records the store keeps: validation, helpers, the status table."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta, timezone

import pytest

from kb.accounts.records import Grant, Role, User, hash_password
from kb.errors import ConflictError
from kb.events import ClickEvent, FeedbackEvent, SearchEvent, normalise_query
from kb.notify.outbox import OutboxMessage, backoff
from kb.requests.lifecycle import TRANSITIONS, Priority, RequestStatus, check_transition
from kb.requests.records import Request, RequestEntry, RequestTask

T0 = datetime(2025, 3, 3, 9, 0, tzinfo=UTC)


def test_timestamps_are_normalised_to_utc() -> None:
    cet = timezone(timedelta(hours=1))
    event = SearchEvent(query="vpn", answered=True, ts=datetime(2025, 3, 3, 10, 0, tzinfo=cet))
    assert event.ts == T0
    assert event.ts.tzinfo is UTC


@pytest.mark.parametrize(
    ("factory", "bad"),
    [
        (lambda: SearchEvent(query="vpn", answered=True, ts=datetime(2025, 1, 1)), "naive"),
        (lambda: SearchEvent(query="  ", answered=True), "'  '"),
        (lambda: SearchEvent(query="vpn", answered=True, confidence=1.5), "1.5"),
        (lambda: SearchEvent(query="vpn", answered="yes"), "'yes'"),  # type: ignore[arg-type]
        (lambda: SearchEvent(query="vpn", answered=True, page=0), "0"),
        (lambda: SearchEvent(query="vpn", answered=True, latency_ms=-1), "-1"),
        (lambda: SearchEvent(query="vpn", answered=True, result_ids=[1]), "[1]"),  # type: ignore[list-item]
        (lambda: ClickEvent(search_id=1, article_id="a", rank=0), "0"),
        (lambda: FeedbackEvent(article_id="", helpful=True), "''"),
        (lambda: Grant(role="boss"), "'boss'"),  # type: ignore[arg-type]
        (lambda: User(username="no spaces"), "'no spaces'"),
        (
            lambda: Request(requester="ann", query="q", department="it", status="done"),  # type: ignore[arg-type]
            "'done'",
        ),
        (
            lambda: Request(requester="ann", query="q", department="it", priority="p1"),  # type: ignore[arg-type]
            "'p1'",
        ),
        (lambda: RequestTask(department="it", title="t", id=2, depends_on=[2]), "[2]"),
        (lambda: RequestEntry(request_id=1, actor="ann", kind="moved"), "'moved'"),  # type: ignore[arg-type]
        (
            lambda: RequestEntry(request_id=1, actor="ann", kind="reassigned", data={"to": "hr"}),
            "{'to': 'hr'}",
        ),
        (lambda: OutboxMessage(topic="t", target="ftp://x"), "'ftp://x'"),
        (lambda: OutboxMessage(topic="t", target="email:", attempts=0), "'email:'"),
    ],
)
def test_invalid_records_are_refused_quoting_the_value(factory: object, bad: str) -> None:
    with pytest.raises(ValueError) as caught:
        factory()  # type: ignore[operator]
    assert bad in str(caught.value)


def test_enums_accept_their_string_values() -> None:
    request = Request(
        requester="ann",
        query="q",
        department="it",
        status="triaged",  # type: ignore[arg-type]
        priority="urgent",  # type: ignore[arg-type]
    )
    assert request.status is RequestStatus.TRIAGED
    assert request.priority is Priority.URGENT
    assert Grant(role="agent", department="it").role is Role.AGENT  # type: ignore[arg-type]


def test_every_status_has_a_row_and_reopening_is_allowed() -> None:
    assert set(TRANSITIONS) == set(RequestStatus)
    check_transition(RequestStatus.RESOLVED, RequestStatus.IN_PROGRESS)
    check_transition(RequestStatus.CLOSED, RequestStatus.IN_PROGRESS)
    with pytest.raises(ConflictError, match="cannot become new"):
        check_transition(RequestStatus.CLOSED, RequestStatus.NEW)
    with pytest.raises(ConflictError):
        check_transition(RequestStatus.CLOSED, RequestStatus.RESOLVED)


def test_priorities_sort_urgent_first() -> None:
    assert sorted(Priority, key=lambda p: p.rank) == [
        Priority.URGENT,
        Priority.HIGH,
        Priority.NORMAL,
        Priority.LOW,
    ]


def test_has_role_respects_departments() -> None:
    user = User(
        username="bob",
        grants=[Grant(role=Role.AGENT, department="it"), Grant(role=Role.ANALYST)],
    )
    assert user.has_role(Role.AGENT)
    assert user.has_role("agent", "it")
    assert not user.has_role(Role.AGENT, "hr")
    assert user.has_role(Role.ANALYST, "hr")  # a grant without department covers all
    assert not user.has_role(Role.ADMIN)
    assert user.departments(Role.AGENT) == {"it"}
    assert user.departments(Role.ANALYST) is None
    assert user.display_name == "bob"


def test_duplicate_grants_are_kept_once() -> None:
    grant = Grant(role=Role.AGENT, department="it")
    assert User(username="bob", grants=[grant, grant]).grants == [grant]


def test_passwords_are_hashed_with_scrypt_and_checked() -> None:
    hashed = hash_password("correct horse")
    assert hashed.startswith("scrypt:")
    user = User(username="ann", password_hash=hashed)
    assert user.check_password("correct horse")
    assert not user.check_password("wrong horse")
    assert not User(username="sso-user").check_password("anything")
    with pytest.raises(ValueError, match="at least 8"):
        hash_password("short")


def test_overdue_rule() -> None:
    request = Request(
        requester="ann",
        query="q",
        department="it",
        created=T0,
        first_response_due=T0 + timedelta(hours=8),
        resolution_due=T0 + timedelta(hours=40),
    )
    assert not request.is_overdue(T0 + timedelta(hours=1))
    assert request.is_overdue(T0 + timedelta(hours=9))
    answered = replace(request, first_responded_at=T0 + timedelta(hours=2))
    assert not answered.is_overdue(T0 + timedelta(hours=9))
    assert answered.is_overdue(T0 + timedelta(hours=41))
    resolved = replace(answered, status=RequestStatus.RESOLVED)
    assert not resolved.is_overdue(T0 + timedelta(hours=41))


def test_backoff_doubles_up_to_a_cap() -> None:
    assert backoff(1) == timedelta(seconds=30)
    assert backoff(3) == timedelta(minutes=2)
    assert backoff(100) == timedelta(hours=6)
    with pytest.raises(ValueError, match="0"):
        backoff(0)


def test_queries_are_normalised_for_grouping() -> None:
    assert normalise_query("  VPN   Setup ") == "vpn setup"
    assert normalise_query("Straße") == "strasse"
