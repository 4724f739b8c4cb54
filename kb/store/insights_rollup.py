"""Recomputing one day of the insights rollups from the event tables.

`touched_days` finds the days that events written since the last refresh
belong to; `recompute_day` replaces a day's rows (figures and people per
department and for the whole day, failed questions, article figures) from
that day's events, inside the caller's transaction (`SqlInsights.refresh`).
People are kept as counts and sketches (`kb.insights.sketches`); only the
people of each failed question are kept as rows (`insights_question_people`).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import Connection, Row, delete, exists, insert, select, true

from kb.insights.records import DAY_COUNTS
from kb.insights.sketches import sketch_people
from kb.store.insights_deflection import (
    DEFLECTION_RULE,
    asked_earlier_in_week,
    later_asked_in_week,
    served_suggestions,
)
from kb.store.insights_topics import (
    insert_batches,
    recompute_topic_days,
    topics_of,
    write_gap_uses,
)
from kb.store.insights_votes import UnloggedVote, unlogged_votes
from kb.store.schema import (
    click_events,
    feedback_events,
    insights_articles,
    insights_day_people,
    insights_days,
    insights_question_days,
    insights_question_people,
    insights_questions,
    requests,
    search_events,
)
from kb.store.vote_links import linked_vote_days

# Results counted as shown: the first page the web app shows.
_FIRST_PAGE = 10


def day_start(day: date) -> datetime:
    return datetime.combine(day, time(0), tzinfo=UTC)


def counted_person(person: str | None, browser: str | None, signed_in: bool | None) -> str:
    """Who a search counts as, as a person (a failed question's people, an
    article's readers): the keyed pseudonym of the account or of the network
    address that the web app recorded (`person`); the demo's signed-in people,
    logged without one, by their browser id (`browser`). A search with neither (another
    site made the browser send it) is nobody's: its browser id is what the
    client's cookie says, or a new one on every call without it, so counting
    it would make one client any number of people (sending `Sec-Fetch-Site:
    cross-site` and no cookie is all it takes). "" for nobody."""
    if person:
        return person
    return (browser or "") if signed_in else ""


@dataclass
class _Question:
    lang: str = ""
    searches: int = 0
    unanswered: int = 0
    unclicked: int = 0
    not_helpful: int = 0
    used: int = 0  # a result opened or voted helpful, failed or not
    people: set[str] = field(default_factory=set)


def _people_sets() -> defaultdict[str, set[str]]:
    return defaultdict(set)


@dataclass
class _DayTally:
    """What one day's searches add up to, gathered row by row."""

    figures: dict[str, dict[str, int]] = field(
        default_factory=lambda: defaultdict(lambda: defaultdict(int))
    )
    # Which accounts searched (the day's sessions: one person, one day), and which
    # filed a request from one of their searches, per department ('*': anywhere).
    people: defaultdict[str, set[str]] = field(default_factory=_people_sets)
    requested: defaultdict[str, set[str]] = field(default_factory=_people_sets)
    # Which accounts searched: the people of a period. A browser id is no person
    # (a client without the cookie is a new one on every search), nor is an
    # address; searches without an account count as signed-out searches.
    accounts: defaultdict[str, set[str]] = field(default_factory=_people_sets)
    questions: dict[tuple[str, str], _Question] = field(
        default_factory=lambda: defaultdict(_Question)
    )
    articles: dict[str, list[int]] = field(
        default_factory=lambda: defaultdict(lambda: [0, 0, 0, 0, 0])
    )
    # Who read each article: had it as the answer, or opened it from the results.
    readers: defaultdict[str, set[str]] = field(default_factory=_people_sets)
    # Per account: the department their ask form suggested articles from (None: it
    # served them none), whether they opened one of those suggestions, whether any
    # of their searches became a request.
    sessions: dict[str, list[Any]] = field(
        default_factory=lambda: defaultdict(lambda: [None, False, False])
    )

    def add(self, row: Row[Any]) -> None:
        dept = row.department or ""
        articles = self.articles
        for article in dict.fromkeys(row.result_ids[:_FIRST_PAGE]):
            articles[article][0] += 1
        if row.answered and row.result_ids:
            articles[row.result_ids[0]][1] += 1
            articles[row.result_ids[0]][2] += bool(row.requested)
            self.add_reader(
                row.result_ids[0], counted_person(row.person, row.user_id, row.signed_in)
            )
        f = self.figures[dept]
        f["searches"] += 1
        if row.signed_in:  # the account's pseudonym (the demo's people: their browser id)
            account = row.person or row.user_id
            self.accounts[dept].add(account)
            self.accounts["*"].add(account)
            self._add_session(account, row, dept)
        else:
            f["signed_out_searches"] += 1
        f["answered"] += bool(row.answered)
        f["zero_results"] += not row.result_ids
        f["clicked"] += bool(row.clicked)
        unclicked = bool(row.result_ids) and not row.clicked and not row.helpful
        q = self.questions[(row.query_norm, dept)]
        q.searches += 1
        q.used += bool(row.clicked or row.helpful)
        if row.answered and not row.unhelpful and not unclicked:
            return  # answered and used: not a failed question
        q.lang = row.lang or q.lang
        q.unanswered += not row.answered
        q.unclicked += unclicked
        q.not_helpful += bool(row.unhelpful)
        who = counted_person(row.person, row.user_id, row.signed_in)
        if who:
            q.people.add(who)

    def add_vote(self, vote: UnloggedVote) -> None:
        """A vote whose search was not logged: one search of its words, failed
        when voted not helpful (`kb/store/insights_votes.py`)."""
        q = self.questions[(vote.text, vote.department)]
        q.searches += 1
        q.used += vote.helpful
        if not vote.helpful:
            q.lang = vote.lang or q.lang  # as a failed search's
            q.not_helpful += 1
            if vote.person:
                q.people.add(vote.person)

    def add_reader(self, article: str, who: str) -> None:
        """Count `who` (`counted_person`) as a reader of `article`."""
        if who:
            self.readers[article].add(who)

    def _add_session(self, account: str, row: Row[Any], dept: str) -> None:
        """The day's search session of `account`: one person, one day (a browser
        is no person: one person may use two, two people may share one)."""
        session = self.sessions[account]
        if served_suggestions(row.filters, row.result_ids):
            session[0] = session[0] if session[0] is not None else dept
            # A click is recorded only on a result its search showed: a suggestion served.
            session[1] = session[1] or bool(row.clicked)
        session[2] = session[2] or bool(row.requested)
        for key in (dept, "*"):
            self.people[key].add(account)
            if row.requested:
                self.requested[key].add(account)


def touched_days(conn: Connection, marks: dict[str, int]) -> set[date]:
    """The days whose figures events written after `marks` (id per table) change
    (with the later days of their weeks: see `asked_earlier_in_week`)."""
    seen = marks.get("search_events", 0)
    clicks = marks.get("click_events", 0)
    votes = marks.get("feedback_events", 0)
    stamps: list[datetime] = []
    stamps += conn.execute(select(search_events.c.ts).where(search_events.c.id > seen)).scalars()
    stamps += conn.execute(
        select(search_events.c.ts)
        .join(click_events, click_events.c.search_id == search_events.c.id)
        .where(click_events.c.id > clicks)
    ).scalars()
    stamps += conn.execute(
        select(search_events.c.ts)
        .join(feedback_events, feedback_events.c.search_id == search_events.c.id)
        .where(feedback_events.c.id > votes)
    ).scalars()
    stamps += conn.execute(
        select(feedback_events.c.ts).where(feedback_events.c.id > votes)
    ).scalars()
    stamps += linked_vote_days(conn, seen)  # they counted as votes on searches not logged
    stamps += conn.execute(
        select(search_events.c.ts)
        .join(requests, requests.c.search_id == search_events.c.id)
        .where(requests.c.id > marks.get("requests", 0))
    ).scalars()
    return {ts.astimezone(UTC).date() for ts in stamps} | later_asked_in_week(conn, seen)


def _day_searches(conn: Connection, start: datetime, end: datetime) -> Iterable[Row[Any]]:
    """Every search of the day with whether it was clicked, voted on, or asked on."""
    clicked = exists().where(click_events.c.search_id == search_events.c.id)
    helpful = exists().where(
        feedback_events.c.search_id == search_events.c.id, feedback_events.c.helpful.is_(true())
    )
    requested = exists().where(requests.c.search_id == search_events.c.id)
    unhelpful = exists().where(
        feedback_events.c.search_id == search_events.c.id,
        feedback_events.c.helpful.is_not(true()),
    )
    return conn.execute(
        select(
            search_events.c.query_norm,
            search_events.c.department,
            search_events.c.lang,
            search_events.c.answered,
            search_events.c.result_ids,
            search_events.c.user_id,
            search_events.c.person,
            search_events.c.signed_in,
            search_events.c.filters,
            clicked.label("clicked"),
            helpful.label("helpful"),
            unhelpful.label("unhelpful"),
            requested.label("requested"),
        ).where(search_events.c.ts >= start, search_events.c.ts < end)
    )


def recompute_day(conn: Connection, day: date) -> None:
    """Replace the rollup rows of `day` with figures counted from its events."""
    start, end = day_start(day), day_start(day + timedelta(days=1))
    for table in (
        insights_days,
        insights_day_people,
        insights_questions,
        insights_question_days,
        insights_question_people,
        insights_articles,
    ):
        conn.execute(delete(table).where(table.c.day == day))
    tally = _DayTally()
    for row in _day_searches(conn, start, end):
        tally.add(row)
    votes = conn.execute(
        select(search_events.c.department, feedback_events.c.article_id, feedback_events.c.helpful)
        .select_from(feedback_events)
        .outerjoin(search_events, search_events.c.id == feedback_events.c.search_id)
        .where(feedback_events.c.ts >= start, feedback_events.c.ts < end)
    )
    for dept, article, is_helpful in votes:
        tally.figures[dept or ""]["helpful" if is_helpful else "not_helpful"] += 1
        tally.articles[article][3 if is_helpful else 4] += 1
    for vote in unlogged_votes(conn, start, end):
        tally.add_vote(vote)
    clicks = conn.execute(
        select(
            click_events.c.article_id,
            search_events.c.person,
            search_events.c.user_id,
            search_events.c.signed_in,
        )
        .join(search_events, search_events.c.id == click_events.c.search_id)
        .where(search_events.c.ts >= start, search_events.c.ts < end)
    )
    for click in clicks:  # on the search's day, as the search's clicks
        tally.add_reader(
            click.article_id, counted_person(click.person, click.user_id, click.signed_in)
        )
    repeats = asked_earlier_in_week(conn, day)
    for account, (asked_in, opened, requested) in tally.sessions.items():
        # Once a week per person: one person cannot move the figures by asking daily.
        if asked_in is not None and account not in repeats:
            tally.figures[asked_in]["ask_sessions"] += 1
            # An ask form left after opening a suggestion it served: deflected.
            tally.figures[asked_in]["deflected"] += opened and not requested
    _write_figures(conn, day, tally)
    _write_questions(conn, day, tally.questions)
    write_gap_uses(conn, day, tally.questions)
    recompute_topic_days(conn, [day])
    _write_articles(conn, day, tally)


def _write_articles(conn: Connection, day: date, tally: _DayTally) -> None:
    insert_batches(
        conn,
        insights_articles,
        (
            {
                "day": day,
                "article_id": a,
                "shown": n[0],
                "top_answers": n[1],
                "answers_then_request": n[2],
                "helpful": n[3],
                "not_helpful": n[4],
                "readers_sketch": sketch_people(tally.readers.get(a, ())),
            }
            # An article opened from a later page of results has a row too.
            for a in tally.articles.keys() | tally.readers.keys()
            for n in [tally.articles.get(a, [0, 0, 0, 0, 0])]
        ),
    )


def _write_figures(conn: Connection, day: date, tally: _DayTally) -> None:
    people, requested, accounts = tally.people, tally.requested, tally.accounts
    rows = [
        {
            "day": day,
            "department": dept,
            **{n: f.get(n, 0) for n in DAY_COUNTS},
            "people": len(people.get(dept, ())),
            "requested": len(requested.get(dept, ())),
            "people_sketch": sketch_people(accounts.get(dept, ())),
        }
        for dept, f in tally.figures.items()
    ]
    if rows:
        conn.execute(insert(insights_days), rows)
        conn.execute(
            insert(insights_day_people).values(
                day=day,
                people=len(people.get("*", ())),
                requested=len(requested.get("*", ())),
                people_sketch=sketch_people(accounts.get("*", ())),
                deflection_rule=DEFLECTION_RULE,
            )
        )


def _write_questions(
    conn: Connection, day: date, questions: dict[tuple[str, str], _Question]
) -> None:
    failed = {key: q for key, q in questions.items() if q.unanswered + q.unclicked + q.not_helpful}
    insert_batches(
        conn,
        insights_questions,
        (
            {
                "day": day,
                "query_norm": text,
                "department": dept,
                "lang": q.lang,
                "searches": q.searches,
                "unanswered": q.unanswered,
                "unclicked": q.unclicked,
                "not_helpful": q.not_helpful,
                "people_sketch": sketch_people(q.people),
            }
            for (text, dept), q in failed.items()
        ),
    )
    per_text: dict[str, tuple[int, set[str]]] = {}
    for (text, _), q in failed.items():
        searches, people = per_text.get(text, (0, set()))
        per_text[text] = (searches + q.searches, people | q.people)
    topic_of = topics_of(conn, list(per_text))
    insert_batches(
        conn,
        insights_question_days,
        (
            {
                "day": day,
                "query_norm": text,
                "topic_id": topic_of.get(text),
                "searches": searches,
                "people": len(people),
            }
            for text, (searches, people) in per_text.items()
        ),
    )
    insert_batches(
        conn,
        insights_question_people,
        (
            {"query_norm": text, "day": day, "person": person}
            for text, (_, people) in per_text.items()
            for person in people
        ),
    )
