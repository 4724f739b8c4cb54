"""Proving a knowledge gap closed: re-run its questions against a new snapshot.

When a snapshot is published (`kb insights verify`, or the scheduler of
`kb serve` noticing a new one), every topic not yet closed has its questions
searched again. `answered_before` is the share of the topic's searches in the
gap window that the engine answered when they were made; `answered_after`
the share (weighted the same way) that the new snapshot answers. A topic
whose searches are now mostly answered (at least `CLOSE_AT`, and more than
before) is closed, naming the article that answers most of them. Each topic
is verified once per snapshot.

Questions are re-run as an unrestricted caller (None groups): an article
written for one audience still closes the gap for that audience.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta

from kb.insights.records import TopicStatus
from kb.insights.store import InsightsStore
from kb.results import Query, SearchResponse

logger = logging.getLogger(__name__)

CLOSE_AT = 0.5
MAX_QUESTIONS = 50


@dataclass(frozen=True)
class Verification:
    """What one verification run did."""

    snapshot: str
    checked: int
    closed: list[int]


def verify_topics(
    store: InsightsStore,
    search: Callable[[Query], SearchResponse],
    snapshot: str,
    *,
    gap_days: int = 90,
    now: datetime | None = None,
) -> Verification:
    """Re-run the questions of every open or assigned topic against `snapshot`."""
    now = now or datetime.now(UTC)
    until = now.astimezone(UTC).date() + timedelta(days=1)
    figures = {q.text: q for q in store.questions(until - timedelta(days=gap_days + 1), until)}
    members: dict[int, list[str]] = {}
    for g in store.gap_questions():
        if g.topic_id is not None and g.text in figures:
            members.setdefault(g.topic_id, []).append(g.text)
    checked, closed = 0, []
    for topic in store.topics():
        if topic.status is TopicStatus.CLOSED or topic.verified_snapshot == snapshot:
            continue
        texts = sorted(members.get(topic.id or -1, []), key=lambda t: (-figures[t].searches, t))
        texts = texts[:MAX_QUESTIONS]
        if not texts:
            continue
        checked += 1
        total = sum(figures[t].searches for t in texts)
        before = sum(figures[t].searches - figures[t].unanswered for t in texts) / total
        answered, answers = 0, Counter[str]()
        for text in texts:
            response = search(Query(text=text, k=3))
            if response.answered:
                answered += figures[text].searches
                article = response.answer.id if response.answer else response.results[0].id
                answers[article] += figures[text].searches
        after = answered / total
        update = replace(
            topic,
            answered_before=round(before, 4),
            answered_after=round(after, 4),
            verified_snapshot=snapshot,
            updated=now,
        )
        if after >= CLOSE_AT and after > before:
            update = replace(
                update,
                status=TopicStatus.CLOSED,
                closed_at=now,
                closed_by=answers.most_common(1)[0][0],
            )
            closed.append(topic.id or 0)
        store.save_topic(update)
    logger.info("insights: verified %d topics against %s, closed %s", checked, snapshot, closed)
    return Verification(snapshot, checked, closed)
