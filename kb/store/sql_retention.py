"""Removing events: the retention purge, demo traffic, and the job leases of the
insights scheduler (kept here because they share `insights_state`)."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import Connection, delete, insert, select, update

from kb.errors import ConflictError
from kb.store.expressions import starts_with
from kb.store.insights_coverage import first_complete_day, record_purge
from kb.store.insights_topics import one_rollup_writer, recompute_topic_blocks
from kb.store.schema import (
    click_events,
    feedback_events,
    insights_articles,
    insights_day_people,
    insights_days,
    insights_gap_uses,
    insights_question_days,
    insights_question_people,
    insights_questions,
    insights_request_days,
    insights_request_texts,
    insights_request_topics,
    insights_state,
    insights_topic_blocks,
    insights_topic_days,
    requests,
    search_events,
)
from kb.store.sql_base import SqlBase
from kb.store.sql_insights import WATERMARKS

# Rollup rows rebuilt from the events when demo traffic is removed: per day
# (only the days whose events are all still stored), and per request (requests
# are never purged).
_DAY_ROLLUPS = (
    insights_days,
    insights_day_people,
    insights_questions,
    insights_question_days,
    insights_question_people,
    insights_gap_uses,
    insights_topic_days,
    insights_articles,
)
_REQUEST_ROLLUPS = (insights_request_texts, insights_request_days, insights_request_topics)


class SqlRetention(SqlBase):
    """Purges and removals over the event tables and their rollups."""

    def try_lease(self, name: str, now: datetime, seconds: float) -> bool:
        """Take the job `name` until now + seconds, unless another process holds it.

        One conditional UPDATE decides, which both databases run atomically, so
        of several workers or nodes exactly one gets each turn."""
        key = "lease:" + name
        stamp, until = int(now.timestamp()), int(now.timestamp() + seconds)
        try:
            with self._write("take a job lease") as conn:
                taken = conn.execute(
                    update(insights_state)
                    .where(insights_state.c.name == key, insights_state.c.value <= stamp)
                    .values(value=until)
                ).rowcount
                if taken:
                    return True
                exists_ = conn.execute(
                    select(insights_state.c.name).where(insights_state.c.name == key)
                ).first()
                if exists_ is None:
                    conn.execute(insert(insights_state).values(name=key, value=until))
                    return True
        except ConflictError:
            # PostgreSQL: another process wrote the job's first lease meanwhile
            # (SQLite's write lock lets only one look at a time).
            return False
        return False

    def remove_marked(self, prefix: str, requester_prefix: str) -> dict[str, int]:
        """Delete the events of people whose pseudonymous id starts with `prefix`
        and the requests of requesters whose username starts with
        `requester_prefix` (demo traffic); the rollups are rebuilt from what is
        left at the next refresh, except the days whose events were purged,
        which keep their figures (`kb.store.insights_coverage`). The prefixes match exactly (case and all,
        `%` and `_` as themselves) on every backend."""
        if not prefix or not requester_prefix:
            raise ValueError("a prefix is needed: an empty one would match every event")
        removed: dict[str, int] = {}
        with self._write("remove marked events") as conn:
            one_rollup_writer(conn)
            marked = select(search_events.c.id).where(starts_with(search_events.c.user_id, prefix))
            conn.execute(delete(click_events).where(click_events.c.search_id.in_(marked)))
            removed["clicks"] = conn.execute(
                delete(click_events).where(starts_with(click_events.c.user_id, prefix))
            ).rowcount
            removed["feedback"] = conn.execute(
                delete(feedback_events).where(starts_with(feedback_events.c.user_id, prefix))
            ).rowcount
            removed["searches"] = conn.execute(
                delete(search_events).where(starts_with(search_events.c.user_id, prefix))
            ).rowcount
            removed["requests"] = conn.execute(
                delete(requests).where(starts_with(requests.c.requester, requester_prefix))
            ).rowcount
            _forget_complete_days(conn)
            # Forgetting what was rolled up makes the next refresh rebuild every day.
            conn.execute(delete(insights_state).where(insights_state.c.name.in_(list(WATERMARKS))))
        return removed

    def purge_events(self, before: datetime) -> dict[str, int]:
        """Delete events older than `before`, and what the rollups keep of those
        days' people or question texts (texts, sketches); counts are kept."""
        cutoff = before.astimezone(UTC)
        day = cutoff.date()
        removed: dict[str, int] = {}
        with self._write("purge old events") as conn:
            one_rollup_writer(conn)
            record_purge(conn, cutoff)
            for name, table in (("feedback", feedback_events), ("clicks", click_events)):
                removed[name] = conn.execute(delete(table).where(table.c.ts < cutoff)).rowcount
            old = select(search_events.c.id).where(search_events.c.ts < cutoff)
            conn.execute(delete(click_events).where(click_events.c.search_id.in_(old)))
            removed["searches"] = conn.execute(
                delete(search_events).where(search_events.c.ts < cutoff)
            ).rowcount
            texts = (insights_questions, insights_question_days, insights_question_people)
            for table in (*texts, insights_gap_uses):
                conn.execute(delete(table).where(table.c.day < day))
            for table in (insights_days, insights_day_people, insights_topic_days):
                conn.execute(
                    update(table)
                    .where(table.c.day < day, table.c.people_sketch.is_not(None))
                    .values(people_sketch=None)
                )
            a = insights_articles
            conn.execute(
                update(a)
                .where(a.c.day < day, a.c.readers_sketch.is_not(None))
                .values(readers_sketch=None)
            )
            b = insights_topic_blocks
            stale = select(b.c.first_day).where(b.c.first_day < day, b.c.people_sketch.is_not(None))
            recompute_topic_blocks(conn, list(conn.execute(stale.distinct()).scalars()))
        return removed


def _forget_complete_days(conn: Connection) -> None:
    """Delete the rollup rows a rebuild recomputes: every request's, and the
    days' from the first day whose events are all stored."""
    first = first_complete_day(conn)
    for table in _REQUEST_ROLLUPS:
        conn.execute(delete(table))
    for table in _DAY_ROLLUPS:
        conn.execute(delete(table).where(table.c.day >= first) if first else delete(table))
    b = insights_topic_blocks
    # Blocks are sums of their topic days: those of kept days stay counted.
    recompute_topic_blocks(conn, list(conn.execute(select(b.c.first_day).distinct()).scalars()))
