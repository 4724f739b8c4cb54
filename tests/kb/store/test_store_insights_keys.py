"""Migration 0023 and long queries: the insights group a long query as one
question on both databases, whatever an older version stored; a rebuild after
the migration keeps the days whose events were purged."""

from __future__ import annotations

import json
import unicodedata
from datetime import UTC, date, datetime, timedelta

import numpy as np
import pytest
from sqlalchemy import insert, text

from kb.events import MAX_QUERY_KEY_BYTES, SearchEvent, normalise_query
from kb.insights.records import GapQuestion
from kb.insights.store import insights_store
from kb.requests.records import Request
from kb.store.migrate import upgrade
from kb.store.protocols import Store
from kb.store.schema import insights_days, insights_questions
from kb.store.sql import SqlStore
from tests.kb.store.test_composed_names import _as_before, _sql

BEFORE = "0022_account_aliases"
NOW = datetime(2026, 11, 20, 9, tzinfo=UTC)
DAY, UNTIL = NOW.date(), NOW.date() + timedelta(days=1)
# 5,000 characters whose first 2,000 bytes of normalised text are the same as
# another long query's, and differ only after.
LONG = "Why does the printer on floor " + "three " * 828 + "jam"
assert len(LONG) >= 5000


def _search(store: Store, query: str, who: str, at: datetime = NOW) -> int:
    return store.log_search(
        SearchEvent(
            query=query, answered=False, user=who, person=f"account-{who}", signed_in=True,
            lang="en", department="it", ts=at,
        )
    )  # fmt: skip


def test_a_5000_character_query_is_one_question_on_both_databases(store: Store) -> None:
    for who in ("a", "b", "c"):
        asked = _search(store, LONG, who)
    store.create_request(
        Request(requester="a", query=LONG, department="it", search_id=asked, created=NOW)
    )
    insights = insights_store(store)
    insights.refresh()
    (question,) = insights.questions(DAY, UNTIL)
    assert (question.searches, question.people) == (3, 3)
    assert question.text == normalise_query(LONG)
    assert LONG.lower().startswith(question.text.rsplit(" …", 1)[0])  # and a hash of the whole
    assert 0 < len(question.text.encode()) <= MAX_QUERY_KEY_BYTES
    (asked_text,) = insights.topic_texts(DAY, UNTIL, 0) or [None]
    assert asked_text is None  # no topic yet: grouped into none
    (topic,) = insights.request_topics(DAY, UNTIL)
    assert topic.text == question.text and topic.requests == 1


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_long_keys_an_older_version_stored_are_cut_to_one_group(store: Store) -> None:
    """SQLite kept a long query's whole normalised text as its key before the
    keys were cut (PostgreSQL could not store it): the same query searched since
    was a second question, and its gap vector matched neither."""
    assert isinstance(store, SqlStore)
    whole = " ".join(LONG.casefold().split())
    _search(store, LONG, "a", NOW - timedelta(hours=1))
    _search(store, LONG, "b")
    insights = insights_store(store)
    insights.refresh()
    _as_before(store, BEFORE)
    _sql(store, "UPDATE search_events SET query_norm = :w WHERE user_id = 'a'", w=whole)
    _sql(store, "UPDATE insights_questions SET query_norm = :w", w=whole)
    row = {"lang": "en", "searches": 2, "unanswered": 2, "unclicked": 0, "not_helpful": 0}
    with store.engine.begin() as conn:  # the twin under the cut key, as a refresh wrote it
        conn.execute(
            insert(insights_questions),
            [{**row, "day": DAY, "query_norm": normalise_query(LONG), "department": "it"}],
        )
    insights.save_gap_questions(
        [GapQuestion(text=whole, lang="en", model="m", vector=np.ones(4, dtype=np.float32))]
    )
    assert upgrade(store.engine) is True
    with store.engine.connect() as conn:
        keys = set(conn.execute(text("SELECT query_norm FROM search_events")).scalars())
        assert keys == {normalise_query(LONG)}
        (searches,) = conn.execute(text("SELECT searches FROM insights_questions")).scalars()
        assert searches == 4  # the two rows joined before the rebuild recounts them
    assert insights.gap_questions() == []  # embedded again from the cut text
    assert insights.refresh() == [DAY]  # the marks were forgotten: the days recounted
    (question,) = insights.questions(DAY, UNTIL)
    assert (question.searches, question.people) == (2, 2)


def test_the_migration_keeps_purged_days_and_composes_search_filters(store: Store) -> None:
    """A database purged before the purge kept its cutoff: 0023 infers it from
    the oldest search, so the rebuild it asks for keeps the days before."""
    assert isinstance(store, SqlStore)
    purged, first = date(2026, 5, 1), NOW - timedelta(days=2, hours=3)
    _search(store, "vpn", "a", first)
    _search(store, "vpn", "b")
    insights = insights_store(store)
    insights.refresh()
    _as_before(store, BEFORE)
    zero = dict.fromkeys(("answered", "zero_results", "clicked", "helpful", "not_helpful"), 0)
    with store.engine.begin() as conn:
        conn.execute(
            insert(insights_days),
            [{"day": purged, "department": "it", "searches": 7, **zero, "people": 5, "requested": 0}],
        )  # fmt: skip
    decomposed = unicodedata.normalize("NFD", "büro")
    filters = json.dumps({"department": decomposed, "source": "ask"}, ensure_ascii=False)
    _sql(store, "UPDATE search_events SET filters = :f WHERE user_id = 'a'", f=filters)
    assert upgrade(store.engine) is True
    # The marks were forgotten, so every day is counted again but those whose
    # events may be gone: the oldest search's day may have lost its earlier hours.
    assert insights.refresh() == [DAY]
    assert insights.kept_days() == (first.date() + timedelta(days=1), [purged, first.date()])
    searches = {f.day: f.searches for f in insights.day_figures(purged, UNTIL)}
    assert searches == {purged: 7, first.date(): 1, DAY: 1}
    (old,) = [e for e in store.search_events() if e.user == "a"]
    assert old.filters == {"department": unicodedata.normalize("NFC", "büro"), "source": "ask"}
