"""Keeping the rollups' gap topics in step: per question text and day, per
topic and day, and per request.

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
from datetime import date

from sqlalchemy import Connection, bindparam, delete, func, insert, select, update

from kb.events import normalise_query
from kb.insights.privacy import mask_personal_data
from kb.insights.sketches import sketch_people
from kb.store.schema import (
    gap_questions,
    insights_question_days,
    insights_question_people,
    insights_request_texts,
    insights_request_topics,
    insights_topic_days,
    requests,
)

_IN_BATCH = 500


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
    """Replace the topic rows of `days` with the sums of their question rows."""
    q, qp, t = insights_question_days, insights_question_people, insights_topic_days
    for day in sorted(set(days)):
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
