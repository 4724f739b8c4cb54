"""A vote cast on a search before the search log stored it (the vote named the
search by its reference, and kept the words when the search was not stored
yet) is linked to the search once the search is stored, so that insights count
the failure once: as that search voted not helpful, not also as a search of
the vote's words (`kb/store/vote_links.py`)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from kb.events import FeedbackEvent, SearchEvent
from kb.insights.store import insights_store
from kb.store.protocols import Store
from kb.store.vote_links import LINK_SECONDS
from webapp.search.search_refs import REF_SECONDS

NOON = datetime.now(UTC).replace(hour=12, minute=0, second=0, microsecond=0)
WORDS = "parking permit"


def search(ts: datetime = NOON, user: str = "browser-1") -> SearchEvent:
    return SearchEvent(
        query="Parking  Permit",
        answered=False,
        lang="en",
        department="facilities",
        result_ids=["facilities/parking.md", "hr/leave.md"],
        user=user,
        person="p1",
        ts=ts,
    )


def vote(
    ts: datetime = NOON + timedelta(seconds=20),
    user: str = "browser-1",
    article: str = "facilities/parking.md",
    words: str = WORDS,
) -> FeedbackEvent:
    """A "not helpful" vote kept with its words: its search was not stored yet."""
    return FeedbackEvent(
        article_id=article, helpful=False, query=words, person="p1", lang="en", user=user, ts=ts
    )


def failed(store: Store, day: datetime) -> list[tuple[str, int, int]]:
    rollups = insights_store(store)
    rollups.refresh()
    since = day.date()
    questions = rollups.questions(since, since + timedelta(days=1))
    return [(q.text, q.searches, q.not_helpful) for q in questions]


def test_a_vote_cast_before_its_search_was_stored_counts_once(store: Store) -> None:
    store.log_feedback(vote())
    assert failed(store, NOON) == [(WORDS, 1, 1)]  # the vote's words, the search not stored
    search_id = store.log_search(search())
    (linked,) = store.feedback_events()
    assert (linked.search_id, linked.query, linked.person, linked.lang) == (search_id, "", "", "")
    assert failed(store, NOON) == [(WORDS, 1, 1)]  # the search, voted not helpful: once


def test_a_vote_cast_after_midnight_on_a_search_of_the_day_before_counts_once(
    store: Store,
) -> None:
    midnight = NOON.replace(hour=0)
    store.log_feedback(vote(ts=midnight + timedelta(seconds=5)))
    assert failed(store, midnight) == [(WORDS, 1, 1)]
    store.log_search(search(ts=midnight - timedelta(seconds=30)))
    assert failed(store, midnight) == []  # its day no longer counts it apart
    assert failed(store, midnight - timedelta(days=1)) == [(WORDS, 1, 1)]


def test_votes_of_other_searches_keep_their_words(store: Store) -> None:
    others = [
        vote(user="browser-2"),  # another browser's
        vote(article="it/vpn.md"),  # an article the search did not show
        vote(words="parking garage"),  # other words
        vote(ts=NOON - timedelta(seconds=1)),  # cast before the search
        vote(ts=NOON + timedelta(seconds=LINK_SECONDS + 1)),  # past the reference's life
    ]
    for event in others:
        store.log_feedback(event)
    store.log_search(search())
    assert [e.search_id for e in store.feedback_events()] == [None] * len(others)


def test_the_link_lasts_as_long_as_a_search_reference() -> None:
    assert LINK_SECONDS == REF_SECONDS
