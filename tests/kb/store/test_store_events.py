"""Contract: search, click and feedback events, and popular queries."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import event

from kb.authoring.store import version_store
from kb.errors import NotFoundError
from kb.events import ClickEvent, FeedbackEvent, PopularQuery, SearchEvent
from kb.store.protocols import Store
from kb.store.sql import SqlStore

T0 = datetime(2025, 3, 3, 9, 0, 0, 123456, tzinfo=UTC)


def search(
    query: str = "vpn setup",
    *,
    answered: bool = True,
    minutes: int = 0,
    person: str = "p1",
    answer: str = "it/vpn.md",
    page: int = 1,
) -> SearchEvent:
    return SearchEvent(
        query=query,
        answered=answered,
        ts=T0 + timedelta(minutes=minutes),
        person=person,
        answer_id=answer if answered else None,
        page=page,
    )


def sql(store: Store) -> SqlStore:
    assert isinstance(store, SqlStore)
    return store


def texts(found: list[PopularQuery]) -> list[str]:
    return [q.text for q in found]


def test_search_event_round_trip(store: Store) -> None:
    event = SearchEvent(
        ts=T0,
        query="Wie beantrage ich Urlaub?",
        lang="de",
        filters={"department": ["hr"], "tags": []},
        answered=False,
        confidence=0.25,
        department="hr",
        department_confidence=0.75,
        result_ids=["hr/leave", "hr/holidays"],
        latency_ms=12.5,
        user="u-7f3a",
        page=2,
    )
    event_id = store.log_search(event)
    assert isinstance(event_id, int)
    [stored] = store.search_events()
    assert stored == SearchEvent(**{**event.__dict__, "id": event_id})
    assert stored.ts.tzinfo is UTC
    assert store.search_event(event_id) == stored
    assert store.search_event(event_id + 1) is None


def test_click_and_feedback_round_trip(store: Store) -> None:
    search_id = store.log_search(search())
    click = ClickEvent(search_id=search_id, article_id="it/vpn", rank=1, user="u-1", ts=T0)
    click_id = store.log_click(click)
    feedback = FeedbackEvent(
        article_id="it/vpn",
        helpful=False,
        comment="Steps 3 and 4 are swapped",
        search_id=search_id,
        user="u-1",
        ts=T0 + timedelta(minutes=1),
    )
    feedback_id = store.log_feedback(feedback)
    assert store.click_events() == [ClickEvent(**{**click.__dict__, "id": click_id})]
    assert store.feedback_events() == [FeedbackEvent(**{**feedback.__dict__, "id": feedback_id})]


def test_a_result_is_clicked_once_per_search(store: Store) -> None:
    """A click needs no sign-in and has no rate limit (each result of a search
    is clicked by the browser that searched): repeating one added a view of the
    article per call, so one browser with one search could give any of its
    results thousands of views on the content owners' list, and fill the
    database. A repeat records nothing and answers the first click's id."""
    search_id = store.log_search(search())
    first = store.log_click(ClickEvent(search_id=search_id, article_id="it/vpn", rank=1, ts=T0))
    for _ in range(3):
        again = ClickEvent(search_id=search_id, article_id="it/vpn", rank=2, ts=T0)
        assert store.log_click(again) == first
    other = store.log_click(ClickEvent(search_id=search_id, article_id="it/mfa", rank=2, ts=T0))
    later = store.log_click(
        ClickEvent(search_id=store.log_search(search()), article_id="it/vpn", rank=1, ts=T0)
    )
    assert [(c.id, c.article_id, c.rank) for c in store.click_events()] == [
        (first, "it/vpn", 1), (other, "it/mfa", 2), (later, "it/vpn", 1)]  # fmt: skip
    assert version_store(store).activity(["it/vpn"])["it/vpn"].views == 2


def test_feedback_without_search(store: Store) -> None:
    store.log_feedback(FeedbackEvent(article_id="it/vpn", helpful=True, ts=T0))
    [stored] = store.feedback_events()
    assert stored.search_id is None and stored.comment == ""


def test_click_on_unknown_search_is_not_found(store: Store) -> None:
    with pytest.raises(NotFoundError, match="12345"):
        store.log_click(ClickEvent(search_id=12345, article_id="it/vpn", rank=1))
    assert store.click_events() == []


def test_time_window_and_limit(store: Store) -> None:
    for minutes in (30, 0, 10, 20):
        store.log_search(search(f"q{minutes}", minutes=minutes))
    queries = [e.query for e in store.search_events()]
    assert queries == ["q0", "q10", "q20", "q30"]  # oldest first
    window = store.search_events(since=T0 + timedelta(minutes=10), until=T0 + timedelta(minutes=30))
    assert [e.query for e in window] == ["q10", "q20"]  # since inclusive, until exclusive
    assert [e.query for e in store.search_events(limit=2)] == ["q0", "q10"]
    assert store.search_events(since=T0 + timedelta(days=1)) == []


def test_time_window_of_clicks_and_feedback(store: Store) -> None:
    search_id = store.log_search(search())
    for minutes in (0, 5):
        at = T0 + timedelta(minutes=minutes)
        clicked = f"a{minutes}"  # one click per result of a search
        store.log_click(ClickEvent(search_id=search_id, article_id=clicked, rank=1, ts=at))
        store.log_feedback(FeedbackEvent(article_id="a", helpful=True, ts=at))
    later = T0 + timedelta(minutes=1)
    assert [c.ts for c in store.click_events(since=later)] == [T0 + timedelta(minutes=5)]
    assert [f.ts for f in store.feedback_events(until=later)] == [T0]
    assert len(store.click_events(limit=1)) == 1


def test_naive_bounds_are_refused(store: Store) -> None:
    with pytest.raises(ValueError, match="naive"):
        store.search_events(since=datetime(2025, 1, 1))


def test_popular_queries_counts_distinct_people_case_insensitively(store: Store) -> None:
    for person, query in enumerate(("VPN setup", "vpn  setup", "vpn setup", "VPN token")):
        store.log_search(search(query, person=f"p{person}"))
    store.log_search(search("vpn token", person="p9"))
    store.log_search(search("Vpn client"))
    for _ in range(5):
        store.log_search(search("vpn broken", answered=False))  # unanswered: never suggested
    store.log_search(search("printer jam"))
    assert texts(store.popular_queries("VP", 10)) == ["vpn setup", "vpn token", "vpn client"]
    assert store.popular_queries("vpn s", 10) == [PopularQuery("vpn setup", "it/vpn.md", 3)]
    assert texts(store.popular_queries("vpn", 2)) == ["vpn setup", "vpn token"]
    assert texts(store.popular_queries("", 1)) == ["vpn setup"]
    assert texts(store.popular_queries("fax", 10)) == []
    assert texts(store.popular_queries("vpn", 10, min_people=2)) == ["vpn setup", "vpn token"]
    assert texts(store.popular_queries("vpn", 10, min_people=3)) == ["vpn setup"]


def test_popular_queries_count_people_not_searches(store: Store) -> None:
    """One person searching six times is one person (issue 13: six anonymous
    searches planted a line under "vpn"); events without a person, an answer
    or on a later page never count."""
    for _ in range(6):
        store.log_search(search("vpn login at evil.example", person="attacker"))
    store.log_search(search("vpn no person", person=""))
    store.log_search(search("vpn page two", person="p2", page=2))
    store.log_search(search("vpn setup", person="p1", answer="it/vpn.md"))
    store.log_search(search("vpn setup", person="p2", answer="hr/secret.md"))
    assert store.popular_queries("vpn", 10, min_people=2) == []
    assert sorted(store.popular_queries("vpn", 10), key=lambda q: (q.text, q.answer_id)) == [
        PopularQuery("vpn login at evil.example", "it/vpn.md", 1),
        PopularQuery("vpn setup", "hr/secret.md", 1),
        PopularQuery("vpn setup", "it/vpn.md", 1),
    ]


def test_popular_queries_treats_like_wildcards_literally(store: Store) -> None:
    store.log_search(search("100% uptime"))
    store.log_search(search("100 days"))
    store.log_search(search("a_b"))
    store.log_search(search("axb"))
    assert texts(store.popular_queries("100%", 10)) == ["100% uptime"]
    assert texts(store.popular_queries("a_", 10)) == ["a_b"]


def test_popular_queries_keeps_a_trailing_space(store: Store) -> None:
    store.log_search(search("vpn setup"))
    store.log_search(search("vpnclient"))
    assert texts(store.popular_queries("vpn ", 10)) == ["vpn setup"]


def test_popular_queries_list_ties_in_code_point_order_on_every_backend(store: Store) -> None:
    """Equal counts fall in the order Python sorts the texts, not the
    database's collation (a locale puts "vpn set up" after "vpn setup" and
    "vpn élan" before "vpn fix"); the same ties are kept at a limit."""
    queries = ["vpn setup", "vpn set up", "vpn fix", "vpn élan", "vpn Zugang", "vpn_b", "vpn-b"]
    for query in queries:
        store.log_search(search(query))
    expected = sorted(" ".join(q.casefold().split()) for q in queries)
    assert texts(store.popular_queries("vpn", 10)) == expected
    assert texts(store.popular_queries("vpn", 3)) == expected[:3]


def test_two_clicks_on_one_result_at_once_count_once(store: Store) -> None:
    """A double click sends two at the same moment. SQLite lets one write at a
    time; on PostgreSQL the second looked for the first before that one had
    committed, found none and counted a second view."""
    search_id = store.log_search(search())
    engine = sql(store).engine
    inserted = threading.Event()

    def hold_the_first(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        if statement.startswith("INSERT INTO click_events") and not inserted.is_set():
            inserted.set()
            time.sleep(0.5)  # not yet committed while the second click comes in

    event.listen(engine, "after_cursor_execute", hold_the_first)
    try:
        with ThreadPoolExecutor(2) as pool:
            click = ClickEvent(search_id=search_id, article_id="it/vpn", rank=1, ts=T0)
            first = pool.submit(store.log_click, click)
            assert inserted.wait(60)  # a loaded machine may keep the thread waiting
            second = pool.submit(store.log_click, click)
            assert second.result(timeout=30) == first.result(timeout=30)
    finally:
        event.remove(engine, "after_cursor_execute", hold_the_first)
    assert len(store.click_events()) == 1


def test_a_search_is_found_by_its_browser_and_time(store: Store) -> None:
    """A click on a search answered before it was logged names it by browser and
    time (`kb.search_log`): found once stored, to the microsecond, only for
    that browser."""
    assert store.search_event_at("b1", T0) is None  # not stored yet
    first = store.log_search(replace(search(), user="b1"))
    store.log_search(replace(search(minutes=1), user="b1"))
    store.log_search(replace(search(), user="b2"))
    found = store.search_event_at("b1", T0)
    assert found is not None and found.id == first and found.user == "b1"
    assert store.search_event_at("b1", T0 + timedelta(microseconds=1)) is None
    assert store.search_event_at("b3", T0) is None
