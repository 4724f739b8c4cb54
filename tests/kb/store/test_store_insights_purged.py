"""Rebuilding the insights rollups keeps the days whose events were purged:
only days with all their events stored are recomputed, on both databases."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import delete

from kb.events import SearchEvent
from kb.insights.store import InsightsStore, insights_store
from kb.store.protocols import Store
from kb.store.schema import insights_state
from kb.store.sql import SqlStore
from kb.store.sql_insights import WATERMARKS

OLD = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)  # purged whole
CUT = datetime(2026, 3, 5, 12, 0, tzinfo=UTC)  # the purge's cutoff: this day loses its morning
NEW = datetime(2026, 3, 9, 9, 0, tzinfo=UTC)  # kept whole


def _search(store: Store, user: str, at: datetime) -> None:
    store.log_search(
        SearchEvent(
            query="parking permit", answered=False, user=user, person=f"account-{user}",
            signed_in=True, lang="en", department="facilities", ts=at,
        )
    )  # fmt: skip


@pytest.fixture
def insights(store: Store) -> InsightsStore:
    for at in (OLD, OLD, CUT - timedelta(hours=6), CUT + timedelta(hours=6), NEW):
        _search(store, "ann", at)
        _search(store, "demo:bob", at)
    rollups = insights_store(store)
    rollups.refresh()
    rollups.purge_events(CUT)
    return rollups


def _searches(insights: InsightsStore) -> dict[str, int]:
    return {
        str(f.day): f.searches
        for f in insights.day_figures(OLD.date(), NEW.date() + timedelta(days=1))
    }


def test_removing_demo_traffic_keeps_the_purged_days_as_rolled_up(
    insights: InsightsStore,
) -> None:
    assert _searches(insights) == {"2026-03-02": 4, "2026-03-05": 4, "2026-03-09": 2}
    insights.remove_marked("demo:", "demo-traffic.")
    assert insights.refresh() == [NEW.date()]
    # Before: the purged day vanished and the cutoff's day counted its afternoon only.
    assert _searches(insights) == {"2026-03-02": 4, "2026-03-05": 4, "2026-03-09": 1}
    assert insights.kept_days() == (CUT.date() + timedelta(days=1), [OLD.date(), CUT.date()])


def test_forgotten_marks_rebuild_only_the_days_with_all_their_events(
    store: Store, insights: InsightsStore
) -> None:
    """What a migration does to have the rollups rebuilt: forget what was rolled up."""
    assert isinstance(store, SqlStore)
    with store.engine.begin() as conn:
        conn.execute(delete(insights_state).where(insights_state.c.name.in_(list(WATERMARKS))))
    assert insights.refresh() == [NEW.date()]
    assert _searches(insights) == {"2026-03-02": 4, "2026-03-05": 4, "2026-03-09": 2}


def test_a_purge_at_midnight_leaves_its_day_complete(store: Store) -> None:
    rollups = insights_store(store)
    assert rollups.kept_days() == (None, [])
    _search(store, "ann", OLD)
    _search(store, "ann", NEW)
    rollups.refresh()
    midnight = datetime(2026, 3, 9, tzinfo=UTC)
    rollups.purge_events(midnight)
    rollups.purge_events(midnight - timedelta(days=3))  # an earlier cutoff changes nothing
    assert rollups.kept_days() == (NEW.date(), [OLD.date()])
