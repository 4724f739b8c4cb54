"""Reassignment: recorded in the history, and what routing learns from it."""

from __future__ import annotations

import pytest

from kb.errors import ConflictError, NotFoundError, ValidationError
from kb.requests.routing import RoutingHints, query_terms, routing_hints
from kb.requests.service import RequestService
from kb.store.protocols import Store
from tests.support import EMPLOYEE, FACILITIES_AGENT, HR_AGENT, IT_AGENT, TRIAGE_AGENT


def test_reassign_is_recorded_and_moves_the_request(service: RequestService, store: Store) -> None:
    request = service.submit(EMPLOYEE, "My access card stopped working", department="it")
    assert request.id is not None
    service.assign(IT_AGENT, request.id, "ian")
    moved = service.reassign(IT_AGENT, request.id, "facilities", "Cards are made by Facilities")
    assert (moved.department, moved.assignee, moved.status.value) == ("facilities", None, "triaged")
    # Due dates are recounted from creation with Facilities' targets (4 h / 24 h).
    assert moved.first_response_due == service.calendar.add_working_hours(request.created, 4)
    assert moved.resolution_due == service.calendar.add_working_hours(request.created, 24)
    entry = service.history(EMPLOYEE, request.id)[-1]
    assert (entry.kind, entry.actor, entry.message) == (
        "reassigned",
        "ian",
        "Cards are made by Facilities",
    )
    assert entry.data == {"from_department": "it", "to_department": "facilities"}
    # The request left IT's queue and is in Facilities'.
    assert service.queue(IT_AGENT, "it") == []
    assert [i.request.id for i in service.queue(FACILITIES_AGENT, "facilities")] == [request.id]
    with pytest.raises(NotFoundError):
        service.get(IT_AGENT, request.id)
    [move] = store.reassignments()
    assert (move.request_id, move.query, move.to_department) == (
        request.id,
        "My access card stopped working",
        "facilities",
    )


def test_triage_routes_unsure_requests(service: RequestService) -> None:
    request = service.submit(EMPLOYEE, "Whom do I ask about the Q3 offsite?", department=None)
    assert request.department == "triage" and request.id is not None
    routed = service.reassign(TRIAGE_AGENT, request.id, "hr", "Team events are HR's")
    assert routed.department == "hr"
    assert service.queue(HR_AGENT, "hr")[0].request.id == request.id


def test_bad_reassignments_are_refused(service: RequestService) -> None:
    request = service.submit(EMPLOYEE, "VPN drops", department="it")
    assert request.id is not None
    with pytest.raises(ConflictError, match="already in the it queue"):
        service.reassign(IT_AGENT, request.id, "it", "same")
    with pytest.raises(ValidationError, match="reason must not be empty"):
        service.reassign(IT_AGENT, request.id, "hr", "")
    with pytest.raises(ValidationError, match="unknown department 'sales'"):
        service.reassign(IT_AGENT, request.id, "sales", "they sell things")


def test_routing_hints_count_where_questions_ended_up(service: RequestService) -> None:
    for query in ("Access card blocked", "Lost my access card", "Access to the shared drive"):
        request = service.submit(EMPLOYEE, query, department="it")
        assert request.id is not None
        if "card" in query:
            service.reassign(IT_AGENT, request.id, "facilities", "Cards are Facilities'")
    moved_twice = service.submit(EMPLOYEE, "Parking card for visitors", department="it")
    assert moved_twice.id is not None
    service.reassign(IT_AGENT, moved_twice.id, "hr", "maybe HR?")
    service.reassign(HR_AGENT, moved_twice.id, "facilities", "no, Facilities")
    hints = service.routing_hints()
    assert hints.counts["card"] == {"facilities": 3}  # the last move counts, once per request
    assert hints.counts["access"] == {"facilities": 2}
    assert "drive" not in hints.counts  # never reassigned
    assert hints.votes("my access card is broken") == {"facilities": 1.0}
    assert hints.votes("printer jam") == {}


def test_query_terms_and_votes_are_shared_out() -> None:
    assert query_terms("Wie bekomme ich einen Parkplatz für mein Fahrrad? 2026") == [
        "bekomme", "parkplatz", "fahrrad"]  # fmt: skip
    hints = RoutingHints({"laptop": {"it": 3, "finance": 1}})
    assert hints.votes("Laptop kaputt") == {"it": 0.75, "finance": 0.25}
    assert routing_hints([]).as_dict() == {}
