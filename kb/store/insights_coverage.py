"""Which days of the insights rollups the event tables still cover in full.

The retention purge deletes the events before a moment, usually in the middle
of a day: the days before it, and that day itself, keep their rolled-up
figures while their events are gone or incomplete. Recomputing such a day
would count what is left of it (nothing, or the hours after the cutoff), so
every rebuild of the rollups recomputes only the days from
`first_complete_day` on and keeps the earlier ones as they were rolled up.
The purge records its cutoff in `insights_state` (`PURGE_MARK`, seconds since
the epoch); a database purged before the mark existed has it inferred by
migration `0023_insights_sessions`.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import Connection, insert, select, update

from kb.store.schema import insights_days, insights_state

PURGE_MARK = "events_purged_before"


def purged_before(conn: Connection) -> datetime | None:
    """The moment before which events were purged, if they ever were."""
    value = conn.execute(
        select(insights_state.c.value).where(insights_state.c.name == PURGE_MARK)
    ).scalar()
    return None if value is None else datetime.fromtimestamp(int(value), UTC)


def record_purge(conn: Connection, cutoff: datetime) -> None:
    """Remember that events before `cutoff` are gone (the later of two purges)."""
    stamp = int(cutoff.timestamp())
    before = purged_before(conn)
    if before is None:
        conn.execute(insert(insights_state).values(name=PURGE_MARK, value=stamp))
    elif stamp > before.timestamp():
        conn.execute(
            update(insights_state).where(insights_state.c.name == PURGE_MARK).values(value=stamp)
        )


def first_complete_day(conn: Connection) -> date | None:
    """The first day all of whose events are still stored (None: all days are)."""
    cutoff = purged_before(conn)
    if cutoff is None:
        return None
    day = cutoff.date()
    return day if cutoff.timetz() == time(0, tzinfo=UTC) else day + timedelta(days=1)


def kept_days(conn: Connection) -> tuple[date | None, list[date]]:
    """(the first complete day, the rolled-up days before it): the days a
    rebuild keeps as they are."""
    first = first_complete_day(conn)
    if first is None:
        return None, []
    d = insights_days
    query = select(d.c.day).where(d.c.day < first).group_by(d.c.day).order_by(d.c.day)
    return first, list(conn.execute(query).scalars())
