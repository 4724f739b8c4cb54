"""Days rolled up under the first deflection rule, counted again (`recount`).

Deflection once counted a person once per day, for any ask search and any
article opened; it now counts them once per ISO week, only with suggestions
served and a click on one recorded (`kb.store.insights_deflection`). Days
rolled up before kept their counts: each day now records its rule, and
`kb insights recount` counts the older days again from their events. On
both backends (`store` runs on SQLite and, marked `postgres`, PostgreSQL).
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from click.testing import CliRunner
from sqlalchemy import select, update

from kb.cli.main import main
from kb.insights import commands
from kb.insights.store import InsightsStore, insights_store
from kb.store.insights_deflection import DEFLECTION_RULE
from kb.store.protocols import Store
from kb.store.schema import insights_day_people, insights_days
from tests.kb.store.test_store_insights import DAY
from tests.support import log_ask_search

MONDAY = DAY.date()  # 2 March 2026
WEEK = [MONDAY + timedelta(days=i) for i in range(5)]


@pytest.fixture
def insights(store: Store) -> InsightsStore:
    return insights_store(store)


def _rolled_up_under_the_first_rule(
    store: Store, insights: InsightsStore, days: range = range(5)
) -> None:
    """One person who opened a suggestion every working day of a week (`days`
    after Monday), rolled up as the first rule counted them: an ask session and
    a deflection a day."""
    for day in days:
        log_ask_search(store, "keen", DAY + timedelta(days=day), opened=True)
    insights.refresh()
    with store.engine.begin() as conn:  # type: ignore[attr-defined]
        conn.execute(
            update(insights_days)
            .where(insights_days.c.department != "")
            .values(ask_sessions=1, deflected=1)
        )
        conn.execute(update(insights_day_people).values(deflection_rule=1))


def _per_day(insights: InsightsStore) -> list[tuple[int, int]]:
    days = insights.day_figures(WEEK[0], WEEK[-1] + timedelta(days=1))
    found = {d.day: (d.ask_sessions, d.deflected) for d in days if d.department}
    return [found.get(day, (0, 0)) for day in WEEK]


def _rules(store: Store) -> dict[date, int]:
    with store.engine.connect() as conn:  # type: ignore[attr-defined]
        rows = conn.execute(
            select(insights_day_people.c.day, insights_day_people.c.deflection_rule)
        )
        return {row.day: row.deflection_rule for row in rows}


def test_a_day_records_the_rule_it_was_rolled_up_under(
    store: Store, insights: InsightsStore
) -> None:
    log_ask_search(store, "keen", DAY, opened=True)
    insights.refresh()
    assert _rules(store) == {MONDAY: DEFLECTION_RULE} and DEFLECTION_RULE == 2


def test_days_rolled_up_under_the_first_rule_are_counted_again(
    store: Store, insights: InsightsStore
) -> None:
    _rolled_up_under_the_first_rule(store, insights)
    assert _per_day(insights) == [(1, 1)] * 5
    insights.refresh()  # no new events: a refresh leaves the older days as they were
    assert _per_day(insights) == [(1, 1)] * 5
    told: list[tuple[int, int, date]] = []
    done = insights.recount(progress=lambda n, of, day: told.append((n, of, day)))
    assert done.recounted == tuple(WEEK) and done.kept == ()
    assert told == [(n, 5, day) for n, day in enumerate(WEEK, 1)]
    assert _per_day(insights) == [(1, 1), (0, 0), (0, 0), (0, 0), (0, 0)]
    assert set(_rules(store).values()) == {DEFLECTION_RULE}
    assert insights.recount().recounted == ()  # each day once


def test_a_recount_since_a_day_leaves_the_days_before_it(
    store: Store, insights: InsightsStore
) -> None:
    _rolled_up_under_the_first_rule(store, insights)
    done = insights.recount(since=WEEK[2])
    assert done.recounted == tuple(WEEK[2:])
    assert _per_day(insights) == [(1, 1), (1, 1), (0, 0), (0, 0), (0, 0)]
    assert [_rules(store)[day] for day in WEEK] == [1, 1, 2, 2, 2]


def test_a_week_whose_events_were_purged_in_part_keeps_its_counts(
    store: Store, insights: InsightsStore
) -> None:
    """Counted from what is left, Wednesday would be the person's first ask
    session of the week, and the week would count twice (Monday's, kept)."""
    _rolled_up_under_the_first_rule(store, insights, days=range(9))  # to the next Tuesday
    insights.purge_events(DAY + timedelta(days=1, hours=1))  # Monday's and Tuesday's
    done = insights.recount()
    next_week = [MONDAY + timedelta(days=7), MONDAY + timedelta(days=8)]
    assert done.kept == tuple(MONDAY + timedelta(days=i) for i in range(7))
    assert done.recounted == tuple(next_week)
    assert _per_day(insights) == [(1, 1)] * 5
    assert [_rules(store)[day] for day in WEEK] == [1] * 5
    assert [_rules(store)[day] for day in next_week] == [2, 2]


def test_kb_insights_recount_tells_its_progress_and_what_it_did(
    store: Store, store_url: str, insights: InsightsStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    _rolled_up_under_the_first_rule(store, insights)
    args = ["--set", f"database_url={store_url}", "insights", "recount"]
    bad = CliRunner().invoke(main, [*args, "--since", "March"])
    assert bad.exit_code == 1 and "since must be a date written YYYY-MM-DD" in bad.output
    monkeypatch.setattr(commands, "on_terminal", lambda as_json=False: True)
    done = CliRunner().invoke(main, [*args, "--since", WEEK[3].isoformat()])
    assert done.exit_code == 0, done.output
    assert f"recounted {WEEK[3]} (1 of 2)" in done.stderr
    assert f"recounted {WEEK[4]} (2 of 2)" in done.stderr
    assert f"recounted 2 day(s) under the current rule ({WEEK[3]} to {WEEK[4]})" in done.stdout
    again = CliRunner().invoke(main, args)
    assert "recounted 3 day(s)" in again.stdout
    assert _per_day(insights) == [(1, 1), (0, 0), (0, 0), (0, 0), (0, 0)]
