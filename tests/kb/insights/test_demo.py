"""Demo traffic through the request service and the store, and its removal."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from kb.accounts.records import DEMO_USER_PREFIX
from kb.events import SearchEvent
from kb.insights.demo import ANSWERABLE, DEMO_PREFIX, DemoTraffic
from kb.insights.service import InsightsService
from kb.insights.store import insights_store
from kb.records import Department
from kb.requests.lifecycle import RequestStatus
from kb.requests.service import RequestService
from kb.results import Answer, Hit, Query, SearchResponse
from kb.settings import Settings
from kb.store.factory import create_store
from kb.store.protocols import Store

NOW = datetime(2026, 3, 10, 17, tzinfo=UTC)
DEPARTMENTS = {slug: Department(slug=slug, name=slug.upper()) for slug in ("hr", "it", "triage")}


def search(query: Query) -> SearchResponse:
    answered = query.text in ANSWERABLE
    hit = Hit(id="hr/a.md", department="hr", title="A", score=1.0, snippet="s")
    return SearchResponse(
        query=query.text,
        answered=answered,
        confidence=0.9 if answered else 0.2,
        answer=Answer(id="hr/a.md", title="A", department="hr", passage="p", highlight="h")
        if answered
        else None,
        department="hr" if answered else "it",
        department_confidence=0.8,
        did_you_mean=None,
        results=[hit],
    )


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    opened = create_store(f"sqlite:///{tmp_path / 'kb.db'}")
    yield opened
    opened.close()


def test_demo_traffic_goes_through_the_services_and_is_removed_exactly(store: Store) -> None:
    settings = Settings.load({"content_dir": "/nonexistent"}, environ={})
    mine = store.log_search(SearchEvent(query="a real search", answered=True, user="real-user"))

    def requests(clock):  # type: ignore[no-untyped-def]
        return RequestService.from_settings(settings, store, departments=DEPARTMENTS, clock=clock)

    result = DemoTraffic(store, search, requests, now=NOW).run(14)
    assert result.searches > 200 and result.clicks > 50 and result.requests > 5
    events = store.search_events()
    assert all(e.user.startswith(DEMO_PREFIX) for e in events if e.id != mine)
    assert min(e.ts for e in events if e.id != mine) >= NOW - timedelta(days=14)
    assert any(not e.answered for e in events) and any(e.answered for e in events)
    filed = store.list_requests()
    assert len(filed) == result.requests
    assert any(r.status is RequestStatus.RESOLVED and r.resolved_at for r in filed)
    assert all(r.search_id and r.created <= NOW for r in filed)
    gaps = insights_store(store)
    gaps.refresh()
    removed = gaps.remove_marked(DEMO_PREFIX, DEMO_USER_PREFIX)
    assert removed["searches"] == result.searches and removed["requests"] == result.requests
    assert [e.id for e in store.search_events()] == [mine]
    assert store.list_requests() == [] and store.click_events() == []
    gaps.refresh()
    start = (NOW - timedelta(days=30)).date()
    assert sum(d.searches for d in gaps.day_figures(start, NOW.date() + timedelta(1))) <= 1
    with pytest.raises(ValueError, match="a prefix is needed"):
        gaps.remove_marked("", DEMO_USER_PREFIX)


def test_demo_traffic_uses_the_ask_form_and_rates_answers(store: Store) -> None:
    """A fresh installation's overview has deflection and rating figures: the demo
    visits the ask form (some leave after a suggestion, some send) and rates."""
    settings = Settings.load({"content_dir": "/nonexistent"}, environ={})

    def requests(clock):  # type: ignore[no-untyped-def]
        return RequestService.from_settings(settings, store, departments=DEPARTMENTS, clock=clock)

    result = DemoTraffic(store, search, requests, now=NOW).run(14)
    assert result.asks > result.deflected > 0 and result.ratings > 0
    asked = [e for e in store.search_events() if e.filters.get("source") == "ask"]
    assert len(asked) == result.asks
    assert {r.rating for r in store.list_requests() if r.rating} <= {1, 2, 3, 4, 5}
    gaps = insights_store(store)
    gaps.refresh()
    service = InsightsService(gaps, review_due_days=90, clock=lambda: NOW)
    figures = service.overview(service.period(None, None)).figures
    assert figures["deflected"] and 0 < (figures["deflection_rate"] or 0) < 1
    assert figures["average_rating"] is not None and 1 <= figures["average_rating"] <= 5
    assert figures["helpful_ratio"] is not None


def test_demo_requests_are_answered_before_they_are_resolved(store: Store) -> None:
    """The demo resolved its requests without a reply first, so the resolution was
    their first response, and the requests page showed the same median for both."""
    settings = Settings.load({"content_dir": "/nonexistent"}, environ={})

    def requests(clock):  # type: ignore[no-untyped-def]
        return RequestService.from_settings(settings, store, departments=DEPARTMENTS, clock=clock)

    DemoTraffic(store, search, requests, now=NOW).run(14)
    resolved = [r for r in store.list_requests() if r.resolved_at]
    assert resolved
    assert all(r.first_responded_at and r.first_responded_at < r.resolved_at for r in resolved)
    gaps = insights_store(store)
    gaps.refresh()
    service = InsightsService(gaps, review_due_days=90, clock=lambda: NOW)
    period = service.period(None, None)
    rows = [r for r in service.requests(period, None, {}) if r.median_resolution_hours]
    assert rows
    for row in rows:
        assert row.median_first_response_hours is not None
        assert row.median_first_response_hours < row.median_resolution_hours, row
