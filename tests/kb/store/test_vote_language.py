"""The words a vote keeps for a search that was not logged have a language, as
a search's words do: detected as a query's, stored with the vote, given to the
votes stored before `0032_vote_language`, and carried to the failed question."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from alembic import command
from sqlalchemy import MetaData, insert, select

from kb.events import FeedbackEvent, SearchEvent
from kb.insights.store import insights_store
from kb.store.factory import build_engine
from kb.store.migrate import alembic_config
from kb.store.protocols import Store
from search.understanding import query_language

GERMAN = "wo beantrage ich meinen urlaub"
NOW = datetime.now(UTC).replace(hour=10, minute=0, second=0, microsecond=0)


def test_a_vote_keeps_the_language_of_its_words_and_the_question_gets_it(store: Store) -> None:
    assert query_language(GERMAN) == "de" and query_language("parking permit for visitors") == "en"
    for person in ("p1", "p2", "p3"):
        store.log_feedback(
            FeedbackEvent(
                article_id="hr/leave.md",
                helpful=False,
                query=GERMAN,
                person=person,
                lang=query_language(GERMAN),
                ts=NOW,
            )
        )
    store.log_search(
        SearchEvent(query="parking permit", answered=False, lang="en", person="p4", ts=NOW)
    )
    assert {e.lang for e in store.feedback_events()} == {"de"}
    rollups = insights_store(store)
    rollups.refresh()
    day = NOW.date()
    langs = {q.text: q.lang for q in rollups.questions(day, day + timedelta(days=1))}
    assert langs == {GERMAN: "de", "parking permit": "en"}


def test_a_vote_linked_to_its_search_keeps_no_language(store: Store) -> None:
    search = store.log_search(SearchEvent(query="vpn", answered=True, lang="en", ts=NOW))
    store.log_feedback(
        FeedbackEvent(article_id="it/vpn.md", helpful=True, search_id=search, lang="en", ts=NOW)
    )
    assert [e.lang for e in store.feedback_events()] == [""]


def test_the_votes_stored_before_0032_get_their_language_and_their_days_again(
    store_url: str,
) -> None:
    engine, _ = build_engine(store_url)
    try:
        with engine.begin() as conn:
            command.upgrade(alembic_config(conn), "0031_vote_person")
            tables = MetaData()
            tables.reflect(conn)
            votes, state = tables.tables["feedback_events"], tables.tables["insights_state"]
            common = {"comment": "", "user_id": "u", "ts": NOW, "person": "p", "helpful": False}
            rows = [
                ("it/vpn.md", 7, ""),  # linked to its search: no words
                ("hr/leave.md", None, GERMAN),
                ("hr/pay.md", None, "where is my payslip"),
            ]
            conn.execute(
                insert(votes),
                [{**common, "article_id": a, "search_id": s, "query": q} for a, s, q in rows],
            )
            conn.execute(insert(state).values(name="feedback_events", value=3))
            command.upgrade(alembic_config(conn), "0032_vote_language")
            tables = MetaData()
            tables.reflect(conn)
            votes, state = tables.tables["feedback_events"], tables.tables["insights_state"]
            langs = conn.execute(select(votes.c.id, votes.c.lang).order_by(votes.c.id)).all()
            mark = conn.execute(select(state.c.value)).scalar_one()
    finally:
        engine.dispose()
    assert [lang for _, lang in langs] == ["", "de", "en"]
    assert mark == langs[1][0] - 1  # the first vote with words is rolled up again
