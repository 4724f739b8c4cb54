"""Insights rollups, gap topics and the purge: the contract on both databases."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

import numpy as np
import pytest
from sqlalchemy import insert

from kb.errors import NotFoundError
from kb.events import ClickEvent, FeedbackEvent, SearchEvent
from kb.insights.records import GapQuestion, GapTopic, TopicStatus
from kb.insights.store import InsightsStore, insights_store
from kb.store.protocols import Store
from kb.store.schema import insights_articles, insights_request_days, insights_state
from tests.support import log_ask_search

DAY = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def _search(
    store: Store,
    query: str,
    user: str,
    *,
    answered: bool,
    results: int = 2,
    at: datetime = DAY,
    department: str | None = "it",
    signed_in: bool = True,
) -> int:
    """A search by the account `user`, or signed out from the browser and network
    address `user` (the web app records the address's pseudonym as `person`)."""
    kind = "account" if signed_in else "address"
    return store.log_search(
        SearchEvent(
            query=query,
            answered=answered,
            user=user,
            person=f"{kind}-{user}" if user else "",
            signed_in=signed_in and bool(user),
            ts=at,
            lang="en",
            department=department,
            result_ids=[f"it/a{i}.md" for i in range(results)],
        )
    )


@pytest.fixture
def insights(store: Store) -> InsightsStore:
    return insights_store(store)


def test_rollups_count_a_day_of_searches_clicks_and_votes(
    store: Store, insights: InsightsStore
) -> None:
    answered = _search(store, "vpn setup", "p1", answered=True)
    store.log_click(ClickEvent(search_id=answered, article_id="it/a0.md", rank=1, ts=DAY))
    _search(store, "Parkplatz beantragen", "p2", answered=False, results=0, department=None)
    _search(store, "parking permit", "p3", answered=False)
    voted = _search(store, "printer toner", "p3", answered=True)
    store.log_feedback(FeedbackEvent(article_id="it/a0.md", helpful=False, search_id=voted, ts=DAY))
    assert insights.refresh() == [DAY.date()]
    figures = {f.department: f for f in insights.day_figures(DAY.date(), DAY.date() + timedelta(1))}
    assert figures["it"].searches == 3 and figures["it"].answered == 2
    assert figures["it"].clicked == 1 and figures["it"].not_helpful == 1
    assert figures[""].searches == 1 and figures[""].zero_results == 1
    assert insights.people(DAY.date(), DAY.date() + timedelta(1)) == 3
    assert insights.people(DAY.date(), DAY.date() + timedelta(1), "it") == 2
    texts = {q.text: q for q in insights.questions(DAY.date(), DAY.date() + timedelta(1))}
    assert set(texts) == {"parkplatz beantragen", "parking permit", "printer toner"}
    assert texts["parking permit"].unanswered == 1 and texts["parking permit"].unclicked == 1
    assert texts["printer toner"].not_helpful == 1 and texts["printer toner"].failed
    assert texts["parkplatz beantragen"].department == ""


def test_refresh_is_incremental_and_a_late_click_updates_its_search_day(
    store: Store, insights: InsightsStore
) -> None:
    first = _search(store, "vpn setup", "p1", answered=True)
    insights.refresh()
    assert insights.refresh() == []  # nothing new
    later = DAY + timedelta(days=1)
    store.log_click(ClickEvent(search_id=first, article_id="it/a0.md", rank=1, ts=later))
    _search(store, "mfa reset", "p2", answered=False, at=later)
    assert insights.refresh() == [DAY.date(), later.date()]
    (day,) = insights.day_figures(DAY.date(), DAY.date() + timedelta(1))
    assert day.clicked == 1 and day.searches == 1


def test_people_are_accounts_and_signed_out_searches_count_apart(
    store: Store, insights: InsightsStore
) -> None:
    """A browser id is no person: signed out, each search from a new browser (a
    client without the cookie) counted as one more person."""
    for browser in ("b1", "b2", "b3"):
        _search(store, "vpn setup", browser, answered=True, signed_in=False)
    for _ in range(2):  # one account, two searches
        _search(store, "vpn setup", "anna", answered=True)
    insights.refresh()
    until = DAY.date() + timedelta(1)
    (it,) = insights.day_figures(DAY.date(), until)
    assert (it.searches, it.signed_out_searches) == (5, 3)
    assert insights.people(DAY.date(), until) == insights.people(DAY.date(), until, "it") == 1
    assert insights.sessions(DAY.date(), until) == 1  # one person's day; browsers are nobody


def test_people_per_question_are_distinct_over_the_period(
    store: Store, insights: InsightsStore
) -> None:
    for i, user in enumerate(["a", "a", "b", "c", ""]):
        _search(store, "Sabbatical beantragen", user, answered=False, at=DAY + timedelta(days=i))
    insights.refresh()
    (q,) = insights.questions(DAY.date(), DAY.date() + timedelta(days=5))
    assert (q.searches, q.people) == (5, 3)
    (q,) = insights.questions(DAY.date(), DAY.date() + timedelta(days=2))
    assert (q.searches, q.people) == (2, 1)


def test_personal_data_never_reaches_the_stored_question(
    store: Store, insights: InsightsStore
) -> None:
    _search(store, "IBAN DE89 3704 0044 0532 0130 00 ändern", "p1", answered=False)
    insights.refresh()
    (event,) = store.search_events()
    assert event.query == "IBAN [iban] ändern"
    (q,) = insights.questions(DAY.date(), DAY.date() + timedelta(1))
    assert "3704" not in q.text


def test_purge_removes_old_events_and_the_people_of_those_days(
    store: Store, insights: InsightsStore
) -> None:
    old = _search(store, "old question", "p1", answered=False, at=DAY - timedelta(days=200))
    store.log_click(ClickEvent(search_id=old, article_id="it/a0.md", rank=1, ts=DAY))
    _search(store, "new question", "p2", answered=False)
    insights.refresh()
    removed = insights.purge_events(DAY - timedelta(days=180))
    assert removed["searches"] == 1
    assert [e.query for e in store.search_events()] == ["new question"]
    assert store.click_events() == []
    start = (DAY - timedelta(days=300)).date()
    assert [q.text for q in insights.questions(start, DAY.date() + timedelta(1))] == [
        "new question"
    ]
    assert sum(f.searches for f in insights.day_figures(start, DAY.date() + timedelta(1))) == 2


def test_topics_and_questions_round_trip(insights: InsightsStore) -> None:
    centroid = np.linspace(-1, 1, 8).astype(np.float32)
    topic = insights.save_topic(
        GapTopic(label="parking", department="facilities", centroid=centroid)
    )
    assert topic.id is not None
    stored = insights.topic(topic.id)
    assert np.array_equal(stored.centroid, centroid) and stored.status is TopicStatus.OPEN
    assigned = replace(
        stored, status=TopicStatus.ASSIGNED, assigned_department="facilities", assigned_at=DAY
    )
    insights.save_topic(assigned)
    assert [t.id for t in insights.topics(assigned_department="facilities")] == [topic.id]
    assert insights.topics(status=TopicStatus.CLOSED) == []
    question = GapQuestion(
        text="parkplatz", lang="de", model="m", vector=centroid, topic_id=topic.id, first_seen=DAY
    )
    insights.save_gap_questions([question])
    insights.save_gap_questions([replace(question, lang="de")])  # replaced, not doubled
    (back,) = insights.gap_questions(["parkplatz", "unknown"])
    assert back.topic_id == topic.id and np.array_equal(back.vector, centroid)
    assert insights.gap_questions(model="other") == []
    assert insights.clear_gap_questions(keep_model="other") == 1
    with pytest.raises(NotFoundError, match="no knowledge-gap topic with id 999"):
        insights.topic(999)
    with pytest.raises(NotFoundError):
        insights.save_topic(replace(stored, id=999))


def test_days_without_searches_have_no_rows(insights: InsightsStore) -> None:
    assert insights.refresh() == []
    assert insights.day_figures(date(2026, 1, 1), date(2026, 2, 1)) == []
    assert insights.people(date(2026, 1, 1), date(2026, 2, 1)) == 0


def test_a_job_lease_goes_to_one_taker_per_turn(insights: InsightsStore) -> None:
    assert insights.try_lease("job", DAY, 60)
    assert not insights.try_lease("job", DAY + timedelta(seconds=30), 60)
    assert insights.try_lease("other", DAY, 60)
    assert insights.try_lease("job", DAY + timedelta(seconds=61), 60)


@pytest.mark.parametrize(
    "backend", [pytest.param("postgresql", marks=pytest.mark.postgres)], indirect=True
)
def test_workers_asking_for_a_new_lease_at_once_are_told_no_not_an_error(
    store: Store, insights: InsightsStore
) -> None:
    # Every worker of a new deployment asks for the first lease at the same moment;
    # on PostgreSQL the ones that lose the race for the first row must hear False.
    other = store.engine.connect()
    first = other.begin()
    other.execute(insert(insights_state).values(name="lease:job", value=int(DAY.timestamp()) + 60))
    with ThreadPoolExecutor(1) as pool:
        taking = pool.submit(insights.try_lease, "job", DAY, 60)
        time.sleep(0.5)
        first.commit()
        other.close()
        assert taking.result(timeout=30) is False


def test_articles_are_rolled_up_with_answers_followed_by_requests(
    store: Store, insights: InsightsStore
) -> None:
    from kb.requests.records import Request

    first = _search(store, "vpn setup", "p1", answered=True)  # it/a0.md is the top answer
    _search(store, "vpn again", "p2", answered=True)
    _search(store, "parking", "p3", answered=False, results=1)
    store.log_feedback(FeedbackEvent(article_id="it/a1.md", helpful=False, ts=DAY))
    insights.refresh()
    store.create_request(
        Request(requester="emp", query="vpn", department="it", search_id=first, created=DAY)
    )
    assert insights.refresh() == [DAY.date()]  # a request filed later touches its search's day
    figures = insights.article_figures(DAY.date(), DAY.date() + timedelta(1))
    assert (figures["it/a0.md"].shown, figures["it/a0.md"].top_answers) == (3, 2)
    assert figures["it/a0.md"].answers_then_request == 1
    assert figures["it/a1.md"].shown == 2 and figures["it/a1.md"].not_helpful == 1


def test_searches_another_site_made_a_client_send_count_as_no_person(
    store: Store, insights: InsightsStore
) -> None:
    """The web app records no person for a search another site made the browser
    send (`Sec-Fetch-Site`, a header any client sets), and a client without the
    cookie gets a new browser id on every call: counted by that id, one client
    was a new reader of the answer and a new person asking on every search, and
    made an article "most read" on the home page or a planted question a named
    knowledge gap."""
    for n in range(5):
        shown = store.log_search(
            SearchEvent(
                query="win a prize",
                answered=True,
                user=f"fresh-cookie-{n}",
                person="",
                ts=DAY,
                lang="en",
                department="it",
                result_ids=["it/a0.md", "it/a1.md"],
            )
        )
        store.log_click(ClickEvent(search_id=shown, article_id="it/a1.md", rank=2))
    store.log_feedback(FeedbackEvent(article_id="it/a0.md", helpful=False, search_id=shown, ts=DAY))
    insights.refresh()
    until = DAY.date() + timedelta(days=1)
    assert insights.article_readers(DAY.date(), until) == {}
    (question,) = insights.questions(DAY.date(), until)
    assert (question.searches, question.people) == (5, 0)


def test_an_article_counts_each_reader_once_over_a_period(
    store: Store, insights: InsightsStore
) -> None:
    # p1 had it/a0.md as the answer on three days and opened it once from the
    # results; p2 opened it signed out (their address counts); p3 only saw it listed.
    for day in range(3):
        _search(store, "vpn setup", "p1", answered=True, at=DAY + timedelta(days=day))
    listed = _search(store, "vpn", "p1", answered=False, at=DAY + timedelta(days=3))
    store.log_click(ClickEvent(search_id=listed, article_id="it/a0.md", rank=1))
    signed_out = _search(store, "vpn", "p2", answered=False, signed_in=False)
    store.log_click(ClickEvent(search_id=signed_out, article_id="it/a0.md", rank=1))
    _search(store, "printer", "p3", answered=False)
    insights.refresh()
    until = DAY.date() + timedelta(days=4)
    assert insights.article_readers(DAY.date(), until) == {"it/a0.md": 2}
    assert insights.article_readers(DAY.date() + timedelta(days=1), until) == {"it/a0.md": 1}
    # Purged days keep their counts, not who read.
    insights.purge_events(DAY + timedelta(days=2))
    assert insights.article_readers(DAY.date(), until) == {"it/a0.md": 1}
    assert insights.article_figures(DAY.date(), until)["it/a0.md"].top_answers == 3


def test_an_ask_form_left_after_opening_a_suggestion_counts_as_deflected(
    store: Store, insights: InsightsStore
) -> None:
    from kb.requests.records import Request

    # p1 opened a suggestion and left; p2 opened one and asked anyway; p3 never opened one.
    for user in ("p1", "p2", "p3"):
        log_ask_search(store, user, DAY, opened=user != "p3")
    original = _search(store, "parking", "p2", answered=False)
    store.create_request(
        Request(
            requester="emp",
            query="parking",
            department="facilities",
            search_id=original,
            created=DAY,
        )
    )
    insights.refresh()
    days = insights.day_figures(DAY.date(), DAY.date() + timedelta(1))
    assert sum(d.ask_sessions for d in days) == 3
    assert sum(d.deflected for d in days) == 1


def test_one_person_moves_deflection_once_a_week_and_only_with_suggestions_served(
    store: Store, insights: InsightsStore
) -> None:
    """An employee could make each of their days "deflected" (open the ask form,
    open a suggestion, file nothing), and an ask search that suggested nothing
    still counted as an ask session: one person moved the figure at will."""

    def ask(user: str, day: int, *, served: bool = True, opened: bool = False) -> None:
        log_ask_search(store, user, DAY + timedelta(days=day), served=served, opened=opened)

    def per_day() -> list[tuple[int, int]]:
        days = insights.day_figures(DAY.date(), DAY.date() + timedelta(days=8))
        found = {d.day: (d.ask_sessions, d.deflected) for d in days if d.department}
        return [found.get(DAY.date() + timedelta(days=i), (0, 0)) for i in range(8)]

    for day in range(5):  # Monday to Friday, a suggestion opened and nothing filed
        ask("keen", day, opened=True)
    ask("keen", 7, opened=True)  # the next Monday: a new week
    ask("empty", 0, served=False, opened=False)  # nothing suggested: no ask session
    ask("late", 2)  # first served on Wednesday, opened nothing
    insights.refresh()
    assert per_day() == [(1, 1), (0, 0), (1, 0), (0, 0), (0, 0), (0, 0), (0, 0), (1, 1)]
    # An ask search of Monday logged late makes Wednesday's a repeat: Wednesday is
    # counted again though none of its own events changed.
    ask("late", 0, opened=True)
    insights.refresh()
    assert per_day() == [(2, 2), (0, 0), (0, 0), (0, 0), (0, 0), (0, 0), (0, 0), (1, 1)]


def test_a_period_sums_past_32_bits_though_each_day_is_a_32_bit_count(
    store: Store, insights: InsightsStore
) -> None:
    """The rollups' counts stay `integer` (32 bits on PostgreSQL; see
    `kb.store.schema_insights`): each counts one day's events. Their sums over
    a period are 64-bit on both databases (PostgreSQL sums `integer` as
    `bigint`), so a period never overflows where its days fit."""
    most, days = 2**31 - 1, [DAY.date(), DAY.date() + timedelta(days=1)]
    counts = dict.fromkeys(("top_answers", "answers_then_request"), 0)
    request_counts = ("first_judged", "first_within", "resolved_judged", "resolved_within",
                      "ratings", "rating_sum", "rated", "rated_sum")  # fmt: skip
    with store.engine.begin() as conn:
        conn.execute(insert(insights_articles), [
            {"day": d, "article_id": "it/vpn.md", "shown": most, **counts} for d in days
        ])  # fmt: skip
        conn.execute(insert(insights_request_days), [
            {"day": d, "department": "it", "requests": most, **dict.fromkeys(request_counts, 0)}
            for d in days
        ])  # fmt: skip
    until = days[-1] + timedelta(days=1)
    assert insights.article_figures(days[0], until)["it/vpn.md"].shown == 2 * most
    assert insights.request_figures(days[0], until, "it")[0] == 2 * most


def test_two_refreshes_at_once_both_finish_and_count_each_day_once(
    store: Store, insights: InsightsStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`kb insights refresh` beside a web worker's: on PostgreSQL the second
    rebuild of a day deleted what was committed before it began and then met
    the first one's new rows on their keys (SQLite runs one at a time)."""
    import kb.store.insights_rollup as rollup

    for user in ("p1", "p2"):
        _search(store, "parking permit", user, answered=False)
    first_inside = threading.Event()
    original = rollup.recompute_topic_days

    def slow(*args: object, **kwargs: object) -> None:
        original(*args, **kwargs)  # type: ignore[arg-type]
        if not first_inside.is_set():
            first_inside.set()
            time.sleep(0.5)  # the second refresh rebuilds the same day meanwhile

    monkeypatch.setattr(rollup, "recompute_topic_days", slow)
    with ThreadPoolExecutor(2) as pool:
        first = pool.submit(insights.refresh)
        assert first_inside.wait(60)  # a loaded machine may keep the thread waiting
        second = pool.submit(insights.refresh)
        assert first.result(timeout=30) == [DAY.date()]
        second.result(timeout=30)  # no conflict
    (figures,) = insights.day_figures(DAY.date(), DAY.date() + timedelta(1))
    assert figures.searches == 2
    assert insights.people(DAY.date(), DAY.date() + timedelta(1)) == 2
