"""The request rollups on both databases: per day and department (counts,
exact medians, shares within target), per department the top topics with
their requesters, and a change to an older request reaching its creation
day at the next refresh."""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import numpy as np
import pytest
from sqlalchemy import insert

from kb.insights.records import GapQuestion, GapTopic
from kb.insights.store import InsightsStore, insights_store
from kb.requests.records import Request, RequestEntry
from kb.store.protocols import Store
from kb.store.schema import requests
from kb.store.sql_request_rows import request_row

DAY = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
SINCE, UNTIL = DAY.date(), DAY.date() + timedelta(days=7)


@pytest.fixture
def insights(store: Store) -> InsightsStore:
    return insights_store(store)


def _request(
    store: Store,
    who: str,
    *,
    day: int = 0,
    query: str = "parking permit",
    department: str = "facilities",
    first: float | None = None,
    resolved: float | None = None,
) -> Request:
    created = DAY + timedelta(days=day)
    return store.create_request(
        Request(
            requester=who,
            query=query,
            department=department,
            created=created,
            first_response_due=created + timedelta(hours=8),
            resolution_due=created + timedelta(hours=40),
            first_responded_at=None if first is None else created + timedelta(hours=first),
            resolved_at=None if resolved is None else created + timedelta(hours=resolved),
            status="resolved" if resolved is not None else "new",
        )
    )


def test_request_days_keep_exact_medians_and_shares_over_days(
    store: Store, insights: InsightsStore
) -> None:
    _request(store, "a", first=1, resolved=2)
    _request(store, "b", first=3, resolved=50)  # resolved late
    _request(store, "c", day=2, first=10, resolved=4)  # first response late
    _request(store, "d", day=2, department="it")
    assert insights.refresh() == [SINCE, SINCE + timedelta(days=2)]
    days = insights.request_days(SINCE, UNTIL, "facilities")
    assert sorted((d.day, d.requests) for d in days) == [
        (SINCE, 2),
        (SINCE + timedelta(days=2), 1),
    ]
    hours = np.concatenate([d.resolution_hours for d in days])
    assert sorted(hours.tolist()) == [2.0, 4.0, 50.0]
    assert sum(d.first_within for d in days) == 2 and sum(d.first_judged for d in days) == 3
    assert sum(d.resolved_within for d in days) == 2
    (it,) = insights.request_days(SINCE, UNTIL, "it")
    assert (it.requests, it.first_judged, len(it.first_response_hours)) == (1, 0, 0)
    assert insights.request_figures(SINCE, UNTIL)[0] == 4
    assert insights.request_figures(SINCE, UNTIL, "it")[0] == 1


def test_a_later_change_reaches_the_day_the_request_was_created(
    store: Store, insights: InsightsStore
) -> None:
    request = _request(store, "a")
    insights.refresh()
    assert insights.refresh() == []
    (before,) = insights.request_days(SINCE, UNTIL)
    assert len(before.resolution_hours) == 0
    assert request.id is not None
    resolved = replace(
        request, status="resolved", resolved_at=DAY + timedelta(hours=5), department="it"
    )
    store.update_request(
        resolved,
        RequestEntry(
            request_id=request.id, actor="agent", kind="resolution", ts=DAY + timedelta(days=3)
        ),
    )
    assert insights.refresh() == [SINCE]  # the creation day, not the day of the change
    (after,) = insights.request_days(SINCE, UNTIL)
    assert (after.department, after.resolution_hours.tolist()) == ("it", [5.0])
    assert insights.topic_requests(SINCE, UNTIL) == {}
    rated_at = DAY + timedelta(days=4)
    store.update_request(
        replace(resolved, version=resolved.version + 1, rating=4, rated_at=rated_at),
        RequestEntry(request_id=request.id, actor="a", kind="rating", ts=rated_at),
    )
    # Both days: the request's (requests view) and the rating's (overview).
    assert insights.refresh() == [SINCE, rated_at.date()]
    (after,) = insights.request_days(SINCE, SINCE + timedelta(days=1))
    assert (after.ratings, after.rating_sum, after.rated) == (1, 4, 0)
    assert insights.rating_figures(SINCE, SINCE + timedelta(days=1)) == (0, None)
    assert insights.rating_figures(rated_at.date(), UNTIL, "it") == (1, 4.0)


def test_top_topics_per_department_with_their_requesters(
    store: Store, insights: InsightsStore
) -> None:
    topic = insights.save_topic(
        GapTopic(label="parking", department="facilities", centroid=np.ones(4))
    )
    assert topic.id is not None
    insights.save_gap_questions(
        [
            GapQuestion(text=t, lang="en", model="m", vector=np.ones(4), topic_id=topic.id)
            for t in ("parking permit", "where to park")
        ]
    )
    for i, (who, text) in enumerate(
        [("a", "parking permit"), ("b", "where to park"), ("a", "where to park")]
    ):
        _request(store, who, day=i, query=text, resolved=1 if i == 0 else None)
    for who in ("a", "b", "c", "d"):
        _request(store, who, query="Broken chair")
    _request(store, "e", query="lost key")
    _request(store, "f", query="lift stuck")
    _request(store, "g", query="hr thing", department="hr")
    insights.refresh()
    top = insights.request_topics(SINCE, UNTIL, top=3)
    assert [(t.department, t.topic_id, t.text, t.requests, t.requesters) for t in top] == [
        ("facilities", None, "broken chair", 4, 4),
        ("facilities", topic.id, "", 3, 2),
        ("facilities", None, "lift stuck", 1, 1),
        ("hr", None, "hr thing", 1, 1),
    ]
    assert [t.department for t in insights.request_topics(SINCE, UNTIL, "hr")] == ["hr"]
    assert insights.topic_requests(SINCE, UNTIL) == {topic.id: (3, 1)}


@pytest.mark.parametrize(
    "backend", [pytest.param("postgresql", marks=pytest.mark.postgres)], indirect=True
)
def test_a_request_committed_after_a_later_one_is_still_counted(
    store: Store, insights: InsightsStore
) -> None:
    # PostgreSQL numbers rows when they are inserted, not when they commit: a
    # request filed first (id 1) may commit after the next one (id 2). A refresh
    # in between must not move its watermark past the one still in flight.
    slow = store.engine.connect()
    in_flight = slow.begin()
    first = Request(requester="a", query="parking permit", department="facilities", created=DAY)
    slow.execute(insert(requests).values(request_row(first)))
    _request(store, "b")
    with ThreadPoolExecutor(1) as pool:
        refreshing = pool.submit(insights.refresh)
        time.sleep(0.5)
        in_flight.commit()
        slow.close()
        refreshing.result(timeout=30)
    insights.refresh()
    assert insights.request_figures(SINCE, UNTIL)[0] == 2


@pytest.mark.parametrize("from_before_person_keys", [False, True])
def test_a_renamed_requester_is_one_person_on_either_side_of_the_rename(
    store: Store, insights: InsightsStore, from_before_person_keys: bool
) -> None:
    from sqlalchemy import update

    from kb.accounts.records import User
    from kb.store.schema import users

    store.add_user(User(username="maria"))
    if from_before_person_keys:  # as migration 0021 left an older account
        with store.engine.begin() as conn:  # type: ignore[attr-defined]
            conn.execute(update(users).values(person_key=None))
    _request(store, "maria", query="Broken chair")
    _request(store, "olga", query="Broken chair")
    insights.refresh()
    store.rename_user("maria", "maria.k")
    _request(store, "maria.k", day=1, query="Broken chair")
    insights.refresh()
    (top,) = insights.request_topics(SINCE, UNTIL, top=1)
    assert (top.text, top.requests, top.requesters) == ("broken chair", 3, 2)
