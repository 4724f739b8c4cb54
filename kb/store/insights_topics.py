"""Keeping the rollups' gap topics in step: per question text and day, per
topic and day (and block of days), and per request.

A failed question's topic is written beside it in `insights_question_days`,
`insights_request_texts` and `insights_request_topics`, so that the gaps and
requests views group by a column instead of looking each text up. When the daily topic update places
texts in topics (or a model change forgets them), `retopic` rewrites those
columns and the topic days of every day the texts were asked on, in the
same transaction as the placement.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, timedelta
from typing import Any

from sqlalchemy import Connection, bindparam, delete, func, insert, select, update

from kb.events import normalise_query
from kb.insights.privacy import mask_personal_data
from kb.insights.sketches import PeopleCount, sketch_people
from kb.store.expressions import WriteAlone
from kb.store.schema import (
    gap_questions,
    insights_days,
    insights_gap_uses,
    insights_question_days,
    insights_question_people,
    insights_request_texts,
    insights_request_topics,
    insights_topic_blocks,
    insights_topic_days,
    requests,
)

_IN_BATCH = 500
_ROW_BATCH = 2000
BLOCK_DAYS = 8


def one_rollup_writer(conn: Connection) -> None:
    """Hold every other rebuild of the rollups (a refresh, the topic update,
    the purge) until this transaction ends, at its start.

    Each rebuild deletes a day's rows and writes them anew. On PostgreSQL a
    second rebuild of the same day running alongside would delete only what
    was committed before it began, then meet the first one's new rows on
    their keys (`kb insights refresh` beside a web worker's refresh failed
    so); SQLite's one writer at a time never lets them overlap."""
    conn.execute(WriteAlone(insights_days))


def insert_batches(conn: Connection, table: Any, rows: Iterable[dict[str, Any]]) -> None:
    """Insert `rows` into `table`, a few thousand per statement."""
    batch: list[dict[str, Any]] = []
    for row in rows:
        batch.append(row)
        if len(batch) >= _ROW_BATCH:
            conn.execute(insert(table), batch)
            batch = []
    if batch:
        conn.execute(insert(table), batch)


def write_gap_uses(conn: Connection, day: date, questions: Mapping[tuple[str, str], Any]) -> None:
    """Replace `day`'s rows of `insights_gap_uses`: the searches and used
    searches (`searches`, `used` of each (text, department) tally) of every
    text of the day that is placed in a gap topic, failed or not."""
    u = insights_gap_uses
    conn.execute(delete(u).where(u.c.day == day))
    per_text: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for (text, _), q in questions.items():
        per_text[text][0] += q.searches
        per_text[text][1] += q.used
    placed = topics_of(conn, list(per_text))
    insert_batches(
        conn,
        u,
        (
            {"day": day, "query_norm": text, "searches": n, "used": used}
            for text, (n, used) in per_text.items()
            if text in placed
        ),
    )


def _chunks(items: Sequence[str], size: int = _IN_BATCH) -> Iterable[Sequence[str]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def topics_of(conn: Connection, texts: Sequence[str]) -> dict[str, int]:
    """The gap topic of each of `texts` that has one."""
    found: dict[str, int] = {}
    g = gap_questions
    for chunk in _chunks(sorted(set(texts))):
        query = select(g.c.query_norm, g.c.topic_id).where(
            g.c.query_norm.in_(chunk), g.c.topic_id.is_not(None)
        )
        found.update((text, int(topic)) for text, topic in conn.execute(query))
    return found


def recompute_topic_days(conn: Connection, days: Iterable[date]) -> None:
    """Replace the topic rows of `days` (and of their blocks) with the sums of
    their question rows."""
    days = sorted(set(days))
    _recompute_days(conn, days)
    recompute_topic_blocks(conn, days)


def _recompute_days(conn: Connection, days: list[date]) -> None:
    q, qp, t = insights_question_days, insights_question_people, insights_topic_days
    for day in days:
        conn.execute(delete(t).where(t.c.day == day))
        searches = {
            int(topic): int(n)
            for topic, n in conn.execute(
                select(q.c.topic_id, func.sum(q.c.searches))
                .where(q.c.day == day, q.c.topic_id.is_not(None))
                .group_by(q.c.topic_id)
            )
        }
        if not searches:
            continue
        people: dict[int, set[str]] = defaultdict(set)
        rows = conn.execute(
            select(q.c.topic_id, qp.c.person)
            .select_from(qp.join(q, (q.c.day == qp.c.day) & (q.c.query_norm == qp.c.query_norm)))
            .where(qp.c.day == day, q.c.topic_id.is_not(None))
        )
        for topic, person in rows:
            people[int(topic)].add(person)
        conn.execute(
            insert(t),
            [
                {
                    "day": day,
                    "topic_id": topic,
                    "searches": n,
                    "people_sketch": sketch_people(people.get(topic, ())),
                }
                for topic, n in searches.items()
            ],
        )


def block_start(day: date) -> date:
    """The first day of the block of `BLOCK_DAYS` days that `day` is in."""
    return date.fromordinal(day.toordinal() - day.toordinal() % BLOCK_DAYS)


def recompute_topic_blocks(conn: Connection, days: Iterable[date]) -> None:
    """Replace the topic rows of the blocks that `days` fall in with the sums
    and sketch unions of their days' topic rows."""
    t, b = insights_topic_days, insights_topic_blocks
    for first in sorted({block_start(day) for day in days}):
        conn.execute(delete(b).where(b.c.first_day == first))
        searches: dict[int, int] = defaultdict(int)
        people: dict[int, PeopleCount] = defaultdict(PeopleCount)
        kept: set[int] = set()  # topics with a sketch left (not purged)
        rows = conn.execute(
            select(t.c.topic_id, t.c.searches, t.c.people_sketch).where(
                t.c.day >= first, t.c.day < first + timedelta(days=BLOCK_DAYS)
            )
        )
        for topic, n, sketch in rows:
            searches[topic] += n
            if sketch is not None:
                people[topic].add(sketch)
                kept.add(topic)
        if searches:
            conn.execute(
                insert(b),
                [
                    {
                        "first_day": first,
                        "topic_id": topic,
                        "searches": n,
                        "people_sketch": people[topic].sketch() if topic in kept else None,
                    }
                    for topic, n in searches.items()
                ],
            )


def retopic(conn: Connection, topic_of: Mapping[str, int | None]) -> None:
    """Give texts their (new) topic in the rollups, and recount the topic days
    of every day they were asked on."""
    if not topic_of:
        return
    params = [{"text": text, "topic": topic} for text, topic in topic_of.items()]
    for table in (insights_question_days, insights_request_texts, insights_request_topics):
        conn.execute(
            update(table)
            .where(table.c.query_norm == bindparam("text"))
            .values(topic_id=bindparam("topic")),
            params,
        )
    q = insights_question_days
    days: set[date] = set()
    for chunk in _chunks(sorted(topic_of)):
        days.update(conn.execute(select(q.c.day).where(q.c.query_norm.in_(chunk))).scalars())
    recompute_topic_days(conn, days)


def add_request_texts(conn: Connection, after_id: int) -> None:
    """Mask and normalise the questions of requests with id > `after_id`, and
    note their topics, for the requests and gaps views."""
    r, rt = requests, insights_request_texts
    conn.execute(delete(rt).where(rt.c.request_id > after_id))
    rows = [
        (request_id, normalise_query(mask_personal_data(query)))
        for request_id, query in conn.execute(select(r.c.id, r.c.query).where(r.c.id > after_id))
    ]
    topic = topics_of(conn, [text for _, text in rows])
    for start in range(0, len(rows), 2000):
        conn.execute(
            insert(rt),
            [
                {"request_id": i, "query_norm": text, "topic_id": topic.get(text)}
                for i, text in rows[start : start + 2000]
            ],
        )
