"""Gap verification against a new snapshot, with a scripted search."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import pytest

from kb.events import SearchEvent
from kb.insights.records import GapQuestion, GapTopic, TopicStatus, TopicUse
from kb.insights.store import InsightsStore, insights_store
from kb.insights.verify import verify_topics
from kb.results import Answer, Query, SearchResponse
from kb.store.factory import create_store

NOW = datetime(2026, 3, 10, 12, tzinfo=UTC)


def _response(text: str, answered: bool) -> SearchResponse:
    answer = (
        Answer(
            id="facilities/parking.md",
            title="Parking",
            department="facilities",
            passage="p",
            highlight="h",
        )
        if answered
        else None
    )
    return SearchResponse(
        query=text,
        answered=answered,
        confidence=0.9 if answered else 0.1,
        answer=answer,
        department="facilities",
        department_confidence=0.8,
        did_you_mean=None,
        results=[],
    )


@pytest.fixture
def gaps(tmp_path: Path) -> Iterator[InsightsStore]:
    store = create_store(f"sqlite:///{tmp_path / 'kb.db'}")
    for user, text in [
        ("a", "parking permit"),
        ("b", "parking permit"),
        ("c", "Parkplatz"),
        ("d", "toner empty"),
    ]:
        store.log_search(
            SearchEvent(query=text, answered=False, user=user, ts=NOW - timedelta(hours=2))
        )
    gaps = insights_store(store)
    gaps.refresh()
    for label, texts in (("parking", ["parking permit", "parkplatz"]), ("toner", ["toner empty"])):
        topic = gaps.save_topic(GapTopic(label=label, department="facilities", centroid=np.ones(2)))
        gaps.save_gap_questions(
            GapQuestion(text=t, lang="en", model="m", vector=np.ones(2), topic_id=topic.id)
            for t in texts
        )
    yield gaps
    store.close()


def test_a_topic_whose_questions_are_now_answered_is_closed_by_that_article(
    gaps: InsightsStore,
) -> None:
    asked: list[str] = []

    def search(query: Query) -> SearchResponse:
        asked.append(query.text)
        return _response(query.text, answered="park" in query.text)

    result = verify_topics(gaps, search, "snap-2", now=NOW)
    assert result.checked == 2 and len(result.closed) == 1
    parking, toner = sorted(gaps.topics(), key=lambda t: t.label)
    assert parking.status is TopicStatus.CLOSED and parking.closed_by == "facilities/parking.md"
    assert (parking.answered_before, parking.answered_after) == (0.0, 1.0)
    assert toner.status is TopicStatus.OPEN and toner.answered_after == 0.0
    assert sorted(asked) == ["parking permit", "parkplatz", "toner empty"]
    asked.clear()
    again = verify_topics(gaps, search, "snap-2", now=NOW)  # same snapshot: nothing to do
    assert again.checked == 0 and asked == []
    assert verify_topics(gaps, search, "snap-3", now=NOW).checked == 1  # only the open one


def test_half_answered_is_not_closed_when_it_was_answered_as_often_before(
    gaps: InsightsStore,
) -> None:
    result = verify_topics(gaps, lambda q: _response(q.text, q.text == "parkplatz"), "s", now=NOW)
    assert result.closed == []
    parking = next(t for t in gaps.topics() if t.label == "parking")
    assert parking.answered_after == round(1 / 3, 4) and parking.status is TopicStatus.OPEN


def test_a_gap_of_answers_nobody_used_closes_when_its_searches_are_used(tmp_path: Path) -> None:
    """A topic whose searches were answered but never opened could not close:
    its answered share was already 1.0 and could not rise. It is a gap of use,
    checked at every turn against its searches of the last days."""
    from kb.events import ClickEvent

    store = create_store(f"sqlite:///{tmp_path / 'kb.db'}")
    badge = ["facilities/badge.md"]

    def searched(user: str, days_ago: int, *, opened: bool = False) -> None:
        ts = NOW - timedelta(days=days_ago)
        event = SearchEvent(query="badge lost", answered=True, user=user, ts=ts, result_ids=badge)
        search_id = store.log_search(event)
        if opened:
            store.log_click(ClickEvent(search_id=search_id, article_id=badge[0], rank=1, ts=ts))

    for user in "abcd":
        searched(user, 20)
    gaps = insights_store(store)
    gaps.refresh()
    topic = gaps.save_topic(
        GapTopic(label="badge lost", department="facilities", centroid=np.ones(2))
    )
    assert topic.id is not None
    gaps.save_gap_questions(
        [GapQuestion(text="badge lost", lang="en", model="m", vector=np.ones(2), topic_id=topic.id)]
    )
    asked: list[str] = []

    def search(query: Query) -> SearchResponse:
        asked.append(query.text)
        return _response(query.text, answered=True)

    assert verify_topics(gaps, search, "snap-1", now=NOW).closed == []
    checked = gaps.topic(topic.id)
    assert (checked.measure, checked.answered_before, checked.answered_after) == ("used", 1.0, 1.0)
    assert (checked.status, checked.used_searches, checked.used_after) == ("open", 0, None)
    assert checked.closed_by is None and checked.checked_at == NOW
    for user, opened in (("e", True), ("f", False), ("g", False)):
        searched(user, 2, opened=opened)
    gaps.refresh()
    asked.clear()
    later = NOW + timedelta(minutes=5)
    assert verify_topics(gaps, search, "snap-1", now=later).closed == []  # 1 of 3: too few
    still = gaps.topic(topic.id)
    assert (still.status, still.used_searches, still.used_after) == ("open", 3, 0.3333)
    assert asked == [] and still.checked_at == later  # no new snapshot: nothing searched
    for user in "hij":
        searched(user, 1, opened=True)
    gaps.refresh()
    result = verify_topics(gaps, search, "snap-1", now=later)
    assert result.closed == [topic.id]
    closed = gaps.topic(topic.id)
    assert (closed.status, closed.used_searches, closed.used_after) == (
        "closed",
        6,
        round(4 / 6, 4),
    )
    assert closed.closed_by == "facilities/parking.md" and closed.closed_at == later
    store.close()


def test_searches_of_the_gap_window_before_the_last_days_do_not_count_for_use(
    tmp_path: Path,
) -> None:
    """Only the last `USE_DAYS` days and today show whether a gap of use closed."""
    from kb.insights.verify import USE_DAYS

    store = create_store(f"sqlite:///{tmp_path / 'kb.db'}")
    gaps = insights_store(store)
    topic = gaps.save_topic(GapTopic(label="x", department="", centroid=np.ones(2)))
    gaps.save_gap_questions(
        [GapQuestion(text="wifi", lang="en", model="m", vector=np.ones(2), topic_id=topic.id)]
    )
    for days_ago in (USE_DAYS + 1, USE_DAYS, 0):
        ts = NOW - timedelta(days=days_ago)
        store.log_search(
            SearchEvent(query="wifi", answered=True, user="u", ts=ts, result_ids=["a"])
        )
    gaps.refresh()
    today = NOW.date() + timedelta(days=1)
    uses = gaps.topic_uses(today - timedelta(days=USE_DAYS + 1), today)
    assert uses[topic.id or 0] == TopicUse(2, 0)
    store.close()
