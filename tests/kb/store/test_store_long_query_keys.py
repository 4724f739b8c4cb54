"""Two long queries that share their first 2,000 bytes are two questions.

A query's key (`normalise_query`) holds at most 2,000 bytes, which PostgreSQL
can index; a longer query is keyed by its beginning and a hash of the whole
text, so queries that differ only after their first 2,000 bytes are counted
apart, on both databases. Migration 0025 rekeys what an older version stored
under the cut beginning alone.
"""

from __future__ import annotations

import numpy as np
from sqlalchemy import text

from kb.events import MAX_QUERY_KEY_BYTES, normalise_query, query_prefix
from kb.insights.records import GapQuestion
from kb.insights.store import insights_store
from kb.store.migrate import upgrade
from kb.store.protocols import Store
from kb.store.sql import SqlStore
from tests.kb.store.test_composed_names import _as_before, _sql
from tests.kb.store.test_store_insights_keys import DAY, UNTIL, _search

# Two 5,000-character questions (in a script of 2-byte letters) that differ in
# their last word only, far past the first 2,000 bytes.
BEGINNING = "Почему принтер на третьем этаже " + "снова " * 800
JAM, FAX = BEGINNING + "заедает", BEGINNING + "не шлёт факс"


def _old_key(query: str) -> str:
    """A long query's key before 0025: its first 2,000 bytes, cut between characters."""
    folded = " ".join(query.casefold().split()).encode("utf-8")[:MAX_QUERY_KEY_BYTES]
    return folded.decode("utf-8", "ignore").rstrip()


def test_long_queries_differing_after_2000_bytes_are_two_questions(store: Store) -> None:
    jam, fax = normalise_query(JAM), normalise_query(FAX)
    assert jam != fax and _old_key(JAM) == _old_key(FAX)
    assert all(len(k.encode()) <= MAX_QUERY_KEY_BYTES for k in (jam, fax))
    assert jam.startswith(query_prefix(BEGINNING[:300])) and normalise_query(jam) == jam
    for who in ("a", "b", "c"):
        _search(store, JAM, who)
    _search(store, FAX, "d")
    insights = insights_store(store)
    insights.refresh()
    counted = {q.text: (q.searches, q.people) for q in insights.questions(DAY, UNTIL)}
    assert counted == {jam: (3, 3), fax: (1, 1)}


def test_the_migration_rekeys_what_an_older_version_cut(store: Store) -> None:
    assert isinstance(store, SqlStore)
    _search(store, JAM, "a")
    _search(store, FAX, "b")
    insights = insights_store(store)
    insights.refresh()
    _as_before(store, "0024_article_readers")
    _sql(store, "UPDATE search_events SET query_norm = :k", k=_old_key(JAM))
    # One question under the cut key, as the version before counted the two.
    _sql(store, "DELETE FROM insights_questions WHERE query_norm = :k", k=normalise_query(FAX))
    _sql(store, "UPDATE insights_questions SET query_norm = :k", k=_old_key(JAM))
    vector = np.ones(4, dtype=np.float32)
    short = GapQuestion(text="vpn", lang="en", model="m", vector=vector)
    cut = GapQuestion(text=_old_key(JAM), lang="ru", model="m", vector=vector)
    insights.save_gap_questions([short, cut])
    assert upgrade(store.engine) is True
    with store.engine.connect() as conn:
        keys = set(conn.execute(text("SELECT query_norm FROM search_events")).scalars())
    assert keys == {normalise_query(JAM), normalise_query(FAX)}
    assert [q.text for q in insights.gap_questions()] == ["vpn"]  # the cut one embedded again
    assert insights.refresh() == [DAY]  # the marks were forgotten: the day is counted again
    counted = {q.text: q.searches for q in insights.questions(DAY, UNTIL)}
    assert counted == {normalise_query(JAM): 1, normalise_query(FAX): 1}
