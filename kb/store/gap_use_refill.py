"""Counting a gap's uses on the days before its questions were placed.

`insights_gap_uses` keeps, per day, the searches of texts placed in a gap
topic and how many were used; a day's rows are written when the day is
rolled up, and only for the texts placed by then. The daily topic update
places new texts after their days were rolled up, so a new gap's "searches
of the last 7 days" read none for a week: the gaps page said "Of its 0
searches of the last 7 days, 0 (0 %) opened a result" of a topic asked every
day, and could not close it by use. When texts join a topic, the days a gap
of use is judged on (`kb.insights.verify.USE_DAYS` and today) are counted
again here, from their events, in the topic update's transaction.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import Connection

from kb.store.insights_coverage import first_complete_day
from kb.store.insights_rollup import _day_searches, _DayTally, day_start
from kb.store.insights_topics import write_gap_uses
from kb.store.insights_votes import unlogged_votes

# The days `kb.insights.verify` reads (its USE_DAYS and today), and one more:
# a check just after midnight UTC still reads the day before's window.
REFILL_DAYS = 9


def refill_days(conn: Connection, today: date | None = None) -> list[date]:
    """The recent days whose events are all stored, oldest first."""
    today = today or datetime.now(UTC).date()
    days = [today - timedelta(days=n) for n in range(REFILL_DAYS - 1, -1, -1)]
    first = first_complete_day(conn)
    return [d for d in days if first is None or d >= first]


def refill_gap_uses(conn: Connection, days: Iterable[date]) -> None:
    """Write `days`' rows of `insights_gap_uses` again from their searches and
    unlogged votes, for every text placed in a topic now."""
    for day in days:
        start, end = day_start(day), day_start(day + timedelta(days=1))
        tally = _DayTally()
        for row in _day_searches(conn, start, end):
            tally.add(row)
        for vote in unlogged_votes(conn, start, end):
            tally.add_vote(vote)
        write_gap_uses(conn, day, tally.questions)
