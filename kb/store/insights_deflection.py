"""Deflection's rule: which ask sessions count, so one person cannot move the figure.

An employee can choose to be "deflected" (open the ask form, open a suggestion,
file nothing). Counted once per person and day, one person doing so daily
added 30 deflected sessions to a 30-day period. So (docs/insights.md, "One
person, one vote a week"):

* a day is an ask session only when a search of the ask form (`source` "ask",
  which the web app records only with the form's token) served suggestions,
  and "opened" is a click, which is recorded only on a result its search showed;
* a person's ask sessions count on the first day of each ISO week the form
  served them suggestions; the rest of that week's are repeats, counted in
  neither `ask_sessions` nor `deflected`.

`kb.store.insights_rollup` applies it while it counts a day; a day therefore
depends on the earlier days of its week, and the refresh counts the later
days again when an ask search of an earlier day arrives late.

Each rolled-up day records the rule it was counted under
(`insights_day_people.deflection_rule`, `DEFLECTION_RULE`): days rolled up
before this rule (1: once per person and day, any ask search and any opened
article) keep their old counts until `kb insights recount` counts them again
from their events (`older_rule_days`).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import Connection, Text, select, true, type_coerce

from kb.store.schema import insights_day_people, search_events

# The rule a day is rolled up under now: 2, once per person and ISO week, only
# with suggestions served and a click recorded on one (1: once per day, any).
DEFLECTION_RULE = 2


def _start(day: date) -> datetime:
    return datetime.combine(day, time(0), tzinfo=UTC)


def served_suggestions(filters: dict[str, Any] | None, result_ids: list[str] | None) -> bool:
    """Whether a search was the ask form's (`source` "ask", which the web app
    records only with the form's token) and served suggestions."""
    return (filters or {}).get("source") == "ask" and bool(result_ids)


def week_start(day: date) -> date:
    """The Monday of `day`'s ISO week: deflection counts a person once a week."""
    return day - timedelta(days=day.weekday())


# Ask searches, narrowed in SQL (filters are JSON text) and decided by `served_suggestions`.
# (Compared as the text it is: a JSON column would write the pattern as JSON.)
_MAYBE_ASK = type_coerce(search_events.c.filters, Text).like('%"ask"%')


def later_asked_in_week(conn: Connection, seen: int) -> set[date]:
    """The days that ask searches logged after `seen` may change although none
    of their own events did: the later days of the same ISO weeks with ask
    searches, whose sessions may have become repeats (`asked_earlier_in_week`)."""
    new = conn.execute(
        select(search_events.c.ts, search_events.c.filters, search_events.c.result_ids).where(
            search_events.c.id > seen, _MAYBE_ASK
        )
    )
    served = {
        r.ts.astimezone(UTC).date() for r in new if served_suggestions(r.filters, r.result_ids)
    }
    later: set[date] = set()
    for day in served:
        end = week_start(day) + timedelta(days=7)
        stamps = conn.execute(
            select(search_events.c.ts).where(
                search_events.c.ts >= _start(day + timedelta(days=1)),
                search_events.c.ts < _start(end),
                _MAYBE_ASK,
            )
        ).scalars()
        later.update(ts.astimezone(UTC).date() for ts in stamps)
    return later


def asked_earlier_in_week(conn: Connection, day: date) -> set[str]:
    """The accounts the ask form served suggestions on an earlier day of
    `day`'s ISO week: their ask sessions of `day` are repeats, left out."""
    first = week_start(day)
    if first == day:
        return set()
    rows = conn.execute(
        select(
            search_events.c.person,
            search_events.c.user_id,
            search_events.c.filters,
            search_events.c.result_ids,
        ).where(
            search_events.c.ts >= _start(first),
            search_events.c.ts < _start(day),
            search_events.c.signed_in.is_(true()),
            _MAYBE_ASK,
        )
    )
    return {
        row.person or row.user_id
        for row in rows
        if served_suggestions(row.filters, row.result_ids) and (row.person or row.user_id)
    }


def older_rule_days(conn: Connection, since: date | None = None) -> list[date]:
    """The rolled-up days (from `since` on) counted under an older rule than
    `DEFLECTION_RULE`, oldest first."""
    days = insights_day_people.c.day
    query = select(days).where(insights_day_people.c.deflection_rule < DEFLECTION_RULE)
    if since is not None:
        query = query.where(days >= since)
    return list(conn.execute(query.order_by(days)).scalars())
