"""Proving a knowledge gap closed: by what the gap is about.

A gap is about one of two things, and each is measured where it shows:

* **Not answered** (`GapMeasure.ANSWERED`): most of the topic's searches in
  the gap window went unanswered. When a snapshot is published (`kb insights
  verify`, or the scheduler of `kb serve` noticing a new one), every such
  topic not yet closed has its questions searched again. `answered_before` is
  the share of the topic's searches in the gap window that the engine
  answered when they were made; `answered_after` the share (weighted the same
  way) that the new snapshot answers. A topic whose searches are now mostly
  answered (at least `CLOSE_AT`, and more than before) is closed, naming the
  article that answers most of them. Each topic is searched again once per
  snapshot.
* **Answered but not used** (`GapMeasure.USED`): most of its searches were
  answered when they were made (`answered_before` at least `CLOSE_AT`), so
  the gap is that nobody opened what they were shown or found it helpful.
  Searching again cannot tell: the answered share was all of them and could
  never rise. Such a topic is closed by how its searches go now: of the
  searches of its questions in the last `USE_DAYS` days and today
  (`InsightsStore.topic_uses`, rolled up per day and question once the
  question is in a topic), at least `CLOSE_AT` were used (a result opened or
  voted helpful), counted over at least `MIN_USE_SEARCHES` searches. That is
  read at every periodic check, snapshot or not: an article rewritten or
  better ranked shows in what people do, not in a new snapshot alone.

Every check records what it found on the topic (`used_searches`,
`used_after`, `checked_at`), so the gaps page can say why a gap is still
open or why it closed.

Questions are re-run as an unrestricted caller (None groups): an article
written for one audience still closes the gap for that audience.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta

from kb.insights.records import GapMeasure, GapTopic, QuestionFigures, TopicStatus, TopicUse
from kb.insights.store import InsightsStore
from kb.results import Query, SearchResponse

logger = logging.getLogger(__name__)

CLOSE_AT = 0.5
MAX_QUESTIONS = 50
# The days before today whose searches show whether a gap of use is closed:
# a week, so that a topic asked a few times a week gathers enough searches,
# and the failures that opened it weigh less as they age out.
USE_DAYS = 7
# Fewer searches than this prove nothing either way: the gap stays open.
MIN_USE_SEARCHES = 5


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
    """Check every open or assigned topic: against `snapshot` when it has not
    been yet, and, for a gap of use, against its searches of the last days."""
    now = now or datetime.now(UTC)
    until = now.astimezone(UTC).date() + timedelta(days=1)
    figures = {q.text: q for q in store.questions(until - timedelta(days=gap_days + 1), until)}
    members: dict[int, list[str]] = {}
    for g in store.gap_questions():
        if g.topic_id is not None and g.text in figures:
            members.setdefault(g.topic_id, []).append(g.text)
    uses = store.topic_uses(until - timedelta(days=USE_DAYS + 1), until)
    checked, closed = 0, []
    for topic in store.topics():
        if topic.status is TopicStatus.CLOSED:
            continue
        texts = sorted(members.get(topic.id or -1, []), key=lambda t: (-figures[t].searches, t))
        update = topic
        if topic.verified_snapshot != snapshot and texts:
            checked += 1
            update = _search_again(topic, texts[:MAX_QUESTIONS], figures, search, snapshot)
        elif topic.measure is not GapMeasure.USED:
            continue
        if update.measure is GapMeasure.USED:
            update = _use_check(update, uses.get(topic.id or -1, TopicUse(0, 0)))
            if update.status is TopicStatus.CLOSED:
                update = replace(update, closed_by=_answer(search, texts[:1]))
        update = replace(update, updated=now, checked_at=now)
        if update.status is TopicStatus.CLOSED:
            update = replace(update, closed_at=now)
            closed.append(topic.id or 0)
        store.save_topic(update)
    logger.info("insights: verified %d topics against %s, closed %s", checked, snapshot, closed)
    return Verification(snapshot, checked, closed)


def _search_again(
    topic: GapTopic,
    texts: list[str],
    figures: Mapping[str, QuestionFigures],
    search: Callable[[Query], SearchResponse],
    snapshot: str,
) -> GapTopic:
    """`topic` with its questions searched again against `snapshot`: its
    answered shares, what it is about, and closed when it was a gap of
    answers that the snapshot now answers."""
    total = sum(figures[t].searches for t in texts)
    before = sum(figures[t].searches - figures[t].unanswered for t in texts) / total
    answered, answers = 0, Counter[str]()
    for text in texts:
        response = search(Query(text=text, k=3))
        if response.answered:
            answered += figures[text].searches
            answers[_article(response)] += figures[text].searches
    after = answered / total
    measure = GapMeasure.USED if before >= CLOSE_AT else GapMeasure.ANSWERED
    update = replace(
        topic,
        answered_before=round(before, 4),
        answered_after=round(after, 4),
        verified_snapshot=snapshot,
        measure=measure,
    )
    if measure is GapMeasure.ANSWERED and after >= CLOSE_AT and after > before:
        return replace(update, status=TopicStatus.CLOSED, closed_by=answers.most_common(1)[0][0])
    return update


def _answer(search: Callable[[Query], SearchResponse], texts: list[str]) -> str | None:
    """The article that answers the first of `texts` now (None: none does)."""
    for text in texts:
        response = search(Query(text=text, k=3))
        if response.answered:
            return _article(response)
    return None


def _article(response: SearchResponse) -> str:
    return response.answer.id if response.answer else response.results[0].id


def _use_check(topic: GapTopic, use: TopicUse) -> GapTopic:
    """`topic` with its searches of the last days and the share used, closed
    when enough of them were used."""
    share = round(use.used / use.searches, 4) if use.searches else None
    update = replace(topic, used_searches=use.searches, used_after=share)
    if share is not None and use.searches >= MIN_USE_SEARCHES and share >= CLOSE_AT:
        return replace(update, status=TopicStatus.CLOSED)
    return update
