"""Knowledge-gap topics and their questions in SQL.

Vectors are stored as float32 bytes (384 dimensions: 1.5 KB a question), so
both databases keep exactly what was computed and reading 100,000 of them is
one `numpy.frombuffer` each.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np
from sqlalchemy import Row, delete, insert, select, update

from kb.errors import NotFoundError
from kb.insights.records import GapQuestion, GapTopic, TopicStatus
from kb.store.gap_use_refill import refill_days, refill_gap_uses
from kb.store.insights_topics import one_rollup_writer, retopic
from kb.store.schema import gap_questions, gap_topics, search_events
from kb.store.sql_base import SqlBase, inserted_id
from kb.store.sql_gap_figures import SqlGapFigures
from kb.store.sql_insights import SqlInsights
from kb.store.sql_request_figures import SqlRequestFigures
from kb.store.sql_retention import SqlRetention

_IN_BATCH = 500


def _topic(row: Row[Any]) -> GapTopic:
    data = dict(row._mapping)
    data["centroid"] = np.frombuffer(data["centroid"], dtype=np.float32)
    return GapTopic(**data)


def _topic_row(topic: GapTopic) -> dict[str, Any]:
    return {
        "label": topic.label,
        "department": topic.department,
        "status": topic.status.value,
        "assigned_department": topic.assigned_department,
        "assigned_at": topic.assigned_at,
        "created": topic.created,
        "updated": topic.updated,
        "centroid": topic.centroid.astype(np.float32).tobytes(),
        "closed_at": topic.closed_at,
        "closed_by": topic.closed_by,
        "answered_before": topic.answered_before,
        "answered_after": topic.answered_after,
        "verified_snapshot": topic.verified_snapshot,
        "measure": topic.measure.value,
        "used_searches": topic.used_searches,
        "used_after": topic.used_after,
        "checked_at": topic.checked_at,
    }


class SqlGaps(SqlBase):
    """Gap topics and gap questions, over the store's engine."""

    def topics(
        self, status: TopicStatus | None = None, assigned_department: str | None = None
    ) -> list[GapTopic]:
        query = select(gap_topics).order_by(gap_topics.c.id)
        if status is not None:
            query = query.where(gap_topics.c.status == TopicStatus(status).value)
        if assigned_department is not None:
            query = query.where(gap_topics.c.assigned_department == assigned_department)
        with self._read("read gap topics") as conn:
            return [_topic(row) for row in conn.execute(query)]

    def topic(self, topic_id: int) -> GapTopic:
        with self._read("read a gap topic") as conn:
            row = conn.execute(select(gap_topics).where(gap_topics.c.id == topic_id)).first()
        if row is None:
            raise NotFoundError(
                f"no knowledge-gap topic with id {topic_id!r}",
                key="no_topic",
                values={"topic": topic_id},
            )
        return _topic(row)

    def save_topic(self, topic: GapTopic) -> GapTopic:
        """Insert a topic without id, or replace the stored one of its id."""
        values = _topic_row(topic)
        with self._write("save a gap topic") as conn:
            if topic.id is None:
                new_id = inserted_id(conn.execute(insert(gap_topics).values(values)))
                return _with_id(topic, new_id)
            done = conn.execute(
                update(gap_topics).where(gap_topics.c.id == topic.id).values(values)
            )
            if done.rowcount == 0:
                raise NotFoundError(
                    f"no knowledge-gap topic with id {topic.id!r}",
                    key="no_topic",
                    values={"topic": topic.id},
                )
        return topic

    def gap_questions(
        self, texts: Sequence[str] | None = None, model: str | None = None
    ) -> list[GapQuestion]:
        """Stored questions (all, or those of `texts`), of `model` if given."""
        rows: list[Row[Any]] = []
        with self._read("read gap questions") as conn:
            if texts is None:
                query = select(gap_questions)
                if model is not None:
                    query = query.where(gap_questions.c.model == model)
                rows = list(conn.execute(query))
            else:
                unique = sorted(set(texts))
                for start in range(0, len(unique), _IN_BATCH):
                    query = select(gap_questions).where(
                        gap_questions.c.query_norm.in_(unique[start : start + _IN_BATCH])
                    )
                    if model is not None:
                        query = query.where(gap_questions.c.model == model)
                    rows.extend(conn.execute(query))
        return [
            GapQuestion(
                text=row.query_norm,
                lang=row.lang,
                model=row.model,
                vector=np.frombuffer(row.vector, dtype=np.float32),
                topic_id=row.topic_id,
                first_seen=row.first_seen,
            )
            for row in rows
        ]

    def question_results(self, texts: Sequence[str]) -> dict[str, list[str]]:
        """The articles the newest search of each of `texts` that showed any
        listed, in order (texts no kept search showed articles for are left out)."""
        found: dict[str, tuple[Any, list[str]]] = {}
        unique = sorted(set(texts))
        with self._read("read the results of gap questions") as conn:
            for start in range(0, len(unique), _IN_BATCH):
                rows = conn.execute(
                    select(
                        search_events.c.query_norm, search_events.c.ts, search_events.c.result_ids
                    ).where(
                        # Both values named, so that the index on (answered, query_norm) serves.
                        search_events.c.answered.in_([True, False]),
                        search_events.c.query_norm.in_(unique[start : start + _IN_BATCH]),
                    )
                )
                for row in rows:
                    kept = found.get(row.query_norm)
                    if row.result_ids and (kept is None or row.ts > kept[0]):
                        found[row.query_norm] = (row.ts, list(row.result_ids))
        return {text: ids for text, (_, ids) in found.items()}

    def save_gap_questions(self, questions: Iterable[GapQuestion]) -> None:
        """Insert or replace questions (by text), with their vectors and topics;
        the rollups follow every text whose topic changed."""
        items = list(questions)
        if not items:
            return
        with self._write("save gap questions") as conn:
            one_rollup_writer(conn)
            texts = [q.text for q in items]
            before: dict[str, int | None] = {}
            for start in range(0, len(texts), _IN_BATCH):
                chunk = texts[start : start + _IN_BATCH]
                g = gap_questions
                query = select(g.c.query_norm, g.c.topic_id).where(g.c.query_norm.in_(chunk))
                before.update((text, topic) for text, topic in conn.execute(query))
                conn.execute(delete(g).where(g.c.query_norm.in_(chunk)))
            conn.execute(
                insert(gap_questions),
                [
                    {
                        "query_norm": q.text,
                        "topic_id": q.topic_id,
                        "lang": q.lang,
                        "model": q.model,
                        "vector": q.vector.astype(np.float32).tobytes(),
                        "first_seen": q.first_seen,
                    }
                    for q in items
                ],
            )
            moved = {q.text: q.topic_id for q in items if before.get(q.text) != q.topic_id}
            retopic(conn, moved)
            if any(topic is not None for topic in moved.values()):
                # Placed after their days were rolled up: their recent uses count too.
                refill_gap_uses(conn, refill_days(conn))

    def clear_gap_questions(self, keep_model: str) -> int:
        """Forget questions embedded by another model (after a model change);
        their texts leave their topics until they are placed again."""
        g = gap_questions
        with self._write("forget gap questions of another model") as conn:
            one_rollup_writer(conn)
            gone = list(
                conn.execute(select(g.c.query_norm).where(g.c.model != keep_model)).scalars()
            )
            conn.execute(delete(g).where(g.c.model != keep_model))
            retopic(conn, dict.fromkeys(gone))
        return len(gone)


def _with_id(topic: GapTopic, new_id: int) -> GapTopic:
    from dataclasses import replace

    return replace(topic, id=new_id)


class SqlInsightsStore(SqlInsights, SqlGaps, SqlGapFigures, SqlRequestFigures, SqlRetention):
    """Rollups and gap topics in the app's SQL database (`kb.insights.store`).

    It borrows the `Store`'s engine: close the `Store`, not this."""

    def close(self) -> None:
        """Nothing to release: the engine belongs to the `Store`."""
