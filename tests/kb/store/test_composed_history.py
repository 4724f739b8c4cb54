"""Migration 0020: the department and article ids 0018 left in decomposed form
(NFD) are composed: in search result lists, request links and histories, and
in the insights rollups, where a row with a composed twin is added into it
with a warning."""

from __future__ import annotations

import json
import logging
import unicodedata
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import insert, text

from kb.events import SearchEvent
from kb.insights.sketches import sketch_people
from kb.insights.store import insights_store
from kb.requests.records import Request, RequestEntry
from kb.store.migrate import upgrade
from kb.store.protocols import Store
from kb.store.schema import insights_articles, insights_days
from kb.store.sql import SqlStore
from tests.kb.store.test_composed_names import _as_before, _sql

COMPOSED = unicodedata.normalize("NFC", "büro")
DECOMPOSED = unicodedata.normalize("NFD", "büro")
DAY, PURGED, UNTIL = date(2026, 11, 20), date(2026, 1, 5), date(2026, 11, 21)
NOW = datetime(2026, 11, 20, 9, tzinfo=UTC)
BEFORE = "0019_username_keys"


def _day(day: date, department: str, searches: int, people: set[str]) -> dict[str, object]:
    zero = dict.fromkeys(("answered", "zero_results", "clicked", "helpful", "not_helpful"), 0)
    return {"day": day, "department": department, "searches": searches, **zero,
            "people": len(people), "people_sketch": sketch_people(people)}  # fmt: skip


def _article(day: date, article_id: str, shown: int) -> dict[str, object]:
    return {"day": day, "article_id": article_id, "shown": shown, "top_answers": 1,
            "answers_then_request": 0}  # fmt: skip


def _stored(store: Store) -> None:
    """What an older version stored under the decomposed name."""
    assert isinstance(store, SqlStore)
    with store.engine.begin() as conn:
        conn.execute(insert(insights_days), [
            _day(DAY, DECOMPOSED, 2, {"emma"}),
            _day(DAY, COMPOSED, 3, {"olga"}),
            _day(PURGED, DECOMPOSED, 4, set()),
        ])  # fmt: skip
        conn.execute(insert(insights_articles), [
            _article(DAY, f"{DECOMPOSED}/post.md", 2),
            _article(DAY, f"{COMPOSED}/post.md", 1),
            _article(PURGED, f"{DECOMPOSED}/keys.md", 5),
        ])  # fmt: skip
    store.log_search(SearchEvent(query="post", answered=True, result_ids=["x", "it/vpn.md"]))
    results = json.dumps([f"{DECOMPOSED}/post.md", "it/vpn.md"], ensure_ascii=False)
    _sql(store, "UPDATE search_events SET result_ids = :r", r=results)
    made = store.create_request(Request(requester="emma", query="Post?", department="it"))
    assert made.id is not None
    moved = {"from_department": "it", "to_department": "x", "note": DECOMPOSED}
    store.add_entry(RequestEntry(request_id=made.id, actor="ivan", kind="reassigned", data=moved))
    data = json.dumps({**moved, "to_department": DECOMPOSED}, ensure_ascii=False)
    _sql(store, "UPDATE request_entries SET data = :d WHERE kind = 'reassigned'", d=data)
    links = json.dumps([f"{DECOMPOSED}/post.md"], ensure_ascii=False)
    _sql(store, "UPDATE requests SET linked_articles = :l", l=links)


def test_ids_left_decomposed_are_composed_and_rollup_twins_added_up(
    store: Store, caplog: pytest.LogCaptureFixture
) -> None:
    assert isinstance(store, SqlStore)
    _stored(store)
    _as_before(store, BEFORE)

    with caplog.at_level(logging.WARNING):
        assert upgrade(store.engine) is True
    insights = insights_store(store)

    figures = {(f.day, f.department): f.searches for f in insights.day_figures(PURGED, UNTIL)}
    assert figures == {(DAY, COMPOSED): 5, (PURGED, COMPOSED): 4}
    assert insights.people(DAY, UNTIL, COMPOSED) == 2  # the sketches joined
    assert insights.sessions(DAY, UNTIL, COMPOSED) == 2
    shown = {a: f.shown for a, f in insights.article_figures(PURGED, UNTIL).items()}
    assert shown == {f"{COMPOSED}/post.md": 3, f"{COMPOSED}/keys.md": 5}
    [move] = store.reassignments()
    assert move.to_department == COMPOSED
    [request] = store.list_requests()
    assert request.linked_articles == [f"{COMPOSED}/post.md"]
    with store.engine.connect() as conn:
        [results] = conn.execute(text("SELECT result_ids FROM search_events")).scalars()
        assert json.loads(results) == [f"{COMPOSED}/post.md", "it/vpn.md"]
        [data] = conn.execute(text("SELECT data FROM request_entries WHERE kind = 'reassigned'"))
        assert json.loads(data[0])["note"] == DECOMPOSED  # text, not an id: left as written
    warned = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert any(m.startswith("insights_days: 1 row(s)") for m in warned), warned
    assert any(m.startswith("insights_articles: 1 row(s)") for m in warned), warned


def test_department_filters_match_rows_stored_before_and_after_0020(store: Store) -> None:
    """A department filter typed in either form finds the rows 0020 composed and
    those written since: it is composed as 0020 composed the rows."""
    assert isinstance(store, SqlStore)
    _as_before(store, BEFORE)
    with store.engine.begin() as conn:
        conn.execute(insert(insights_days), [_day(PURGED, DECOMPOSED, 4, set())])
    assert upgrade(store.engine) is True
    store.log_search(
        SearchEvent(
            query="post",
            answered=False,
            department=COMPOSED,
            user="b",
            person="account-b",
            signed_in=True,
            ts=NOW,
        )  # fmt: skip
    )
    store.create_request(Request(requester="emma", query="Post?", department=COMPOSED, created=NOW))
    insights = insights_store(store)
    insights.refresh()
    for typed in (COMPOSED, DECOMPOSED):
        days = insights.day_figures(PURGED, UNTIL, typed)
        assert sorted((f.day, f.searches) for f in days) == [(PURGED, 4), (DAY, 1)], typed
        assert insights.sessions(PURGED, UNTIL, typed) == 1
        assert insights.request_figures(PURGED, UNTIL, typed)[0] == 1
        assert [d.requests for d in insights.request_days(PURGED, UNTIL, typed)] == [1]
        assert [q.text for q in insights.questions(PURGED, UNTIL, typed)] == ["post"]
        assert insights.open_requests(NOW, typed) == {COMPOSED: (1, 0)}
