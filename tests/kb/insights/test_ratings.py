"""Ratings of answers in insights: per department in the requests view, and the
period's average in the overview (by when the rating was given)."""

from __future__ import annotations

from datetime import timedelta

from kb.insights.service import InsightsService
from kb.insights.store import insights_store
from kb.requests.service import RequestService
from kb.store.protocols import Store
from tests.support import DEPARTMENTS, EMPLOYEE, IT_AGENT, Clock


def test_ratings_show_per_department_and_in_the_overview(
    service: RequestService, store: Store, clock: Clock
) -> None:
    for stars in (5, 4, 2):
        request = service.submit(EMPLOYEE, f"VPN question {stars}", department="it")
        assert request.id is not None
        service.resolve(IT_AGENT, request.id, "Use TCP 443.")
        service.rate(EMPLOYEE, request.id, stars)
    service.submit(EMPLOYEE, "Not rated yet", department="it")
    insights = InsightsService(insights_store(store), review_due_days=14, clock=clock)
    insights.store.refresh()
    day = clock().date()
    period = insights.period(day.isoformat(), (day + timedelta(days=1)).isoformat())
    [it] = insights.requests(period, "it", {d: v.targets for d, v in DEPARTMENTS.items()})
    assert (it.requests, it.ratings, it.average_rating) == (4, 3, 3.67)
    assert insights.overview(period, "it").figures["average_rating"] == 3.67
    assert insights.overview(period.previous(), "it").figures["average_rating"] is None
