"""Votes on searches that were not logged, as evidence of failed questions.

A vote on an article names the search it came from; when that search was
never logged (the search log full or failing), the vote keeps the words
searched for instead (`feedback_events.query`), who voted, as a keyed
pseudonym (`feedback_events.person`), and the language of the words as a
search's is detected (`feedback_events.lang`, so that the gap topics treat
them as a search's words). The daily rollup counts each such vote
as one search of its words in the voted article's department (the first
part of the article's id), voted not helpful or not: a "not helpful" one is
a failed question like an unanswered search, and so joins the gap topics,
the failed questions and their minimum-people rule (`kb/store/insights_rollup.py`).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection, select

from kb.events import normalise_query
from kb.insights.privacy import mask_personal_data
from kb.store.schema import feedback_events


@dataclass(frozen=True)
class UnloggedVote:
    """A vote whose search was not logged: the words (masked, normalised), the
    voted article's department, the vote, who voted ('' for nobody) and the
    language of the words ('' when not known)."""

    text: str
    department: str
    helpful: bool
    person: str
    lang: str = ""


def unlogged_votes(conn: Connection, start: datetime, end: datetime) -> Iterator[UnloggedVote]:
    """The votes with start <= time < end that keep the words searched for."""
    f = feedback_events
    rows = conn.execute(
        select(f.c.query, f.c.article_id, f.c.helpful, f.c.person, f.c.lang).where(
            f.c.ts >= start, f.c.ts < end, f.c.search_id.is_(None), f.c.query != ""
        )
    )
    for query, article_id, helpful, person, lang in rows:
        # Masked when stored since 0031; masking again keeps older votes' words masked too.
        text = normalise_query(mask_personal_data(query))
        if text:
            department = article_id.split("/", 1)[0]
            yield UnloggedVote(text, department, bool(helpful), person or "", lang or "")
