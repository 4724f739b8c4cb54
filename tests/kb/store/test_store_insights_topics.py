"""The rollups of gap topics on both databases: per topic and day, kept in step
when texts are placed in topics, moved or forgotten; requests per topic; the
bounds and counts the minimum-people rule reads; what the purge leaves."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import numpy as np
import pytest

from kb.events import ClickEvent, SearchEvent
from kb.insights.records import GapQuestion, GapTopic
from kb.insights.store import InsightsStore, insights_store
from kb.requests.records import Request
from kb.store.protocols import Store

DAY = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
SINCE, UNTIL = DAY.date(), DAY.date() + timedelta(days=7)


def _failed(store: Store, text: str, user: str, day: int = 0) -> int:
    return store.log_search(
        SearchEvent(
            query=text,
            answered=False,
            user=user,
            person=f"account-{user}",
            signed_in=True,
            lang="en",
            department="facilities",
            ts=DAY + timedelta(days=day),
            result_ids=[],
        )
    )


@pytest.fixture
def insights(store: Store) -> InsightsStore:
    return insights_store(store)


def _topic(insights: InsightsStore, label: str) -> int:
    topic = insights.save_topic(GapTopic(label=label, department="facilities", centroid=np.ones(4)))
    assert topic.id is not None
    return topic.id


def _place(insights: InsightsStore, topic_id: int | None, *texts: str) -> None:
    insights.save_gap_questions(
        GapQuestion(text=t, lang="en", model="m", vector=np.ones(4), topic_id=topic_id)
        for t in texts
    )


def test_topic_figures_follow_texts_into_topics_and_out_again(
    store: Store, insights: InsightsStore
) -> None:
    for user in ("a", "b", "c"):
        _failed(store, "parking permit", user)
    _failed(store, "parkplatz", "a", day=1)
    _failed(store, "vpn broken", "d")
    insights.refresh()
    assert insights.topic_figures(SINCE, UNTIL) == {}  # nothing placed yet
    parking, other = _topic(insights, "parking"), _topic(insights, "other")
    _place(insights, parking, "parking permit", "parkplatz")
    _place(insights, other, "vpn broken")
    figures = insights.topic_figures(SINCE, UNTIL)
    assert (figures[parking].searches, figures[parking].people) == (4, 3)
    assert (figures[other].searches, figures[other].people) == (1, 1)
    assert insights.topic_people(SINCE, UNTIL) == {parking: 3, other: 1}
    only_day_one = SINCE + timedelta(days=1)
    assert insights.topic_figures(only_day_one, UNTIL)[parking].searches == 1
    _place(insights, other, "parkplatz")  # moved: both days follow
    figures = insights.topic_figures(SINCE, UNTIL, people=False)
    assert (figures[parking].searches, figures[other].searches) == (3, 2)
    assert insights.clear_gap_questions(keep_model="another model") == 3
    assert insights.topic_figures(SINCE, UNTIL) == {}
    _failed(store, "parking permit", "e", day=2)  # a new day of a placed text
    _place(insights, parking, "parking permit")
    insights.refresh()
    assert insights.topic_figures(SINCE, UNTIL)[parking].searches == 4


def test_texts_of_topics_carry_bounds_on_their_people(
    store: Store, insights: InsightsStore
) -> None:
    for day in range(3):
        _failed(store, "sabbatical", "a", day=day)  # one person, three days
        _failed(store, "parental leave", f"p{day}", day=day)  # three people, a day each
    for user in ("x", "y", "z"):
        _failed(store, "leave carry over", user)  # three people, one day
    _failed(store, "rare", "q")  # one person-day: cannot reach 2
    insights.refresh()
    leave = _topic(insights, "leave")
    _place(insights, leave, "sabbatical", "parental leave", "leave carry over", "rare")
    texts = {t.text: t for t in insights.topic_texts(SINCE, UNTIL, at_least=2)}
    assert set(texts) == {"sabbatical", "parental leave", "leave carry over"}
    assert (texts["sabbatical"].most_in_a_day, texts["sabbatical"].person_days) == (1, 3)
    assert (texts["leave carry over"].most_in_a_day, texts["leave carry over"].searches) == (3, 3)
    assert {t.topic_id for t in texts.values()} == {leave}
    counted = insights.spellings_people(
        {"sabbatical": ["sabbatical"], "leave": ["parental leave", "leave carry over"]},
        SINCE,
        UNTIL,
    )
    assert counted == {"sabbatical": 1, "leave": 6}
    asked_later = {"parental leave": ["parental leave", "unknown"]}
    assert insights.spellings_people(asked_later, SINCE + timedelta(days=1), UNTIL) == {
        "parental leave": 2
    }


def test_requests_count_for_the_topic_of_their_masked_question(
    store: Store, insights: InsightsStore
) -> None:
    _failed(store, "change my iban [iban]", "a")
    insights.refresh()
    topic = _topic(insights, "bank details")
    _place(insights, topic, "change my iban [iban]")
    store.create_request(
        Request(
            requester="emp",
            query="Change my IBAN DE89 3704 0044 0532 0130 00",
            department="finance",
            created=DAY,
        )
    )
    store.create_request(
        Request(requester="emp2", query="something else", department="finance", created=DAY)
    )
    insights.refresh()
    assert insights.topic_requests(SINCE, UNTIL) == {topic: (1, 0)}
    other = _topic(insights, "other")
    _place(insights, other, "something else")  # placed after the request: it follows
    assert insights.topic_requests(SINCE, UNTIL) == {topic: (1, 0), other: (1, 0)}


def test_the_purge_keeps_counts_but_no_people_or_texts(
    store: Store, insights: InsightsStore
) -> None:
    for user in ("a", "b"):
        _failed(store, "old question", user)
    insights.refresh()
    topic = _topic(insights, "old")
    _place(insights, topic, "old question")
    assert insights.people(SINCE, UNTIL) == 2
    insights.purge_events(DAY + timedelta(days=1))
    assert insights.people(SINCE, UNTIL) == 0  # the sketches are gone
    assert insights.sessions(SINCE, UNTIL) == 2  # the day's counts stay
    assert sum(f.searches for f in insights.day_figures(SINCE, UNTIL)) == 2
    assert insights.topic_figures(SINCE, UNTIL) == {
        topic: insights.topic_figures(SINCE, UNTIL)[topic]
    }
    assert insights.topic_figures(SINCE, UNTIL)[topic].people == 0
    assert insights.topic_texts(SINCE, UNTIL, at_least=1) == []
    assert insights.spellings_people({"old": ["old question"]}, SINCE, UNTIL) == {"old": 0}


def test_periods_across_blocks_of_days_count_each_day_once(
    store: Store, insights: InsightsStore
) -> None:
    from kb.store.insights_topics import BLOCK_DAYS

    days = 3 * BLOCK_DAYS + 3
    for day in range(days):  # one new person a day, and "everyday" every day
        _failed(store, "parking permit", f"p{day}", day=day)
        _failed(store, "parking permit", "everyday", day=day)
    insights.refresh()
    topic = _topic(insights, "parking")
    _place(insights, topic, "parking permit")
    for start in range(BLOCK_DAYS + 1):
        for length in (1, BLOCK_DAYS - 1, BLOCK_DAYS, 2 * BLOCK_DAYS + 1, days - start):
            since = SINCE + timedelta(days=start)
            until = since + timedelta(days=min(length, days - start))
            figures = insights.topic_figures(since, until)[topic]
            span = (until - since).days
            assert (figures.searches, figures.people) == (2 * span, span + 1), (start, length)
    insights.purge_events(DAY + timedelta(days=days - 1))  # all but the last day
    whole = insights.topic_figures(SINCE, SINCE + timedelta(days=days))[topic]
    assert (whole.searches, whole.people) == (2 * days, 2)  # counts kept, people of one day


def test_a_question_s_results_are_those_of_its_newest_search_that_showed_any(
    store: Store, insights: InsightsStore
) -> None:
    def search(text: str, day: int, results: list[str]) -> None:
        store.log_search(
            SearchEvent(
                query=text,
                answered=False,
                user="a",
                lang="en",
                ts=DAY + timedelta(days=day),
                result_ids=results,
            )
        )

    search("Printer  offline", 0, ["it/printers.md", "it/vpn.md"])
    search("printer offline", 2, ["it/printers.md", "it/toner.md"])
    search("printer offline", 3, [])  # nothing shown: the one before counts
    search("parking permit", 1, ["facilities/parking.md"])
    assert insights.question_results(["printer offline", "parking permit", "never asked"]) == {
        "printer offline": ["it/printers.md", "it/toner.md"],
        "parking permit": ["facilities/parking.md"],
    }
    assert insights.question_results([]) == {}


def test_a_text_placed_after_its_days_were_rolled_up_counts_its_recent_uses(
    store: Store, insights: InsightsStore
) -> None:
    """The daily topic update places texts after their days were rolled up: a
    new gap of use read "0 searches of the last 7 days" for a week, however
    often it was asked, and could not close."""
    now = datetime.now(UTC).replace(hour=9, minute=0, second=0, microsecond=0)
    for days_ago in (1, 3, 5):
        for n, clicked in enumerate((True, True, False)):
            search_id = store.log_search(
                SearchEvent(
                    query="badge printer",
                    answered=True,
                    user=f"u{n}",
                    person=f"account-u{n}",
                    signed_in=True,
                    lang="en",
                    department="facilities",
                    ts=now - timedelta(days=days_ago),
                    result_ids=["facilities/badges.md"],
                )
            )
            if clicked:
                ts = now - timedelta(days=days_ago) + timedelta(seconds=5)
                store.log_click(
                    ClickEvent(
                        search_id=search_id, article_id="facilities/badges.md", rank=1, ts=ts
                    )
                )
    insights.refresh()
    badge = _topic(insights, "badge printer")
    _place(insights, badge, "badge printer")
    since, until = now.date() - timedelta(days=8), now.date() + timedelta(days=1)
    uses = insights.topic_uses(since, until)[badge]
    assert (uses.searches, uses.used) == (9, 6)
    insights.refresh()  # a later refresh counts them the same
    assert insights.topic_uses(since, until)[badge].searches == 9
