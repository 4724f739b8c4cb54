"""Gap verification against a new snapshot, with a scripted search."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import pytest

from kb.events import SearchEvent
from kb.insights.records import GapQuestion, GapTopic, TopicStatus
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
