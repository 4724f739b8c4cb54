"""Requests found by their words, within the queues that may read them, and
by the idempotency key they were filed with.

The agents' search of a queue (`search_requests`) matches every word against
a request's question and description, without case or accents for every
letter, alike on SQLite and PostgreSQL: both the word and the stored
`requests.search_text` are folded in Python (`kb.store.word_folding`).
The match scans the queue's requests (a LIKE with a leading wildcard uses no
index), a folded column at a time instead of lowering two columns per row.

`within_queues` is the one rule of which requests a queue's search reaches,
shared with the attachments' search (`kb.store.sql_attachments`).
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import ColumnElement, Connection, and_, exists, or_, select

from kb.requests.records import Request
from kb.store.schema import request_tasks, requests
from kb.store.sql_base import SqlBase, check_limit
from kb.store.sql_request_rows import request_record
from kb.store.word_folding import every_word


def within_queues(
    departments: Sequence[str], shared: ColumnElement[bool] | None = None
) -> ColumnElement[bool]:
    """Requests of `departments`, and those with a task there; of the latter only
    what is `shared` with a task's agents (None: all of it)."""
    owned = requests.c.department.in_(list(departments))
    has_task = exists().where(
        request_tasks.c.request_id == requests.c.id,
        request_tasks.c.department.in_(list(departments)),
    )
    return or_(owned, has_task if shared is None else and_(has_task, shared))


def request_with_key(conn: Connection, key: str | None) -> Request | None:
    """The request stored with idempotency key `key` (None: no key, or none has it)."""
    if key is None:
        return None
    row = conn.execute(select(requests).where(requests.c.idempotency_key == key)).first()
    return None if row is None else request_record(row)


class SqlRequestSearch(SqlBase):
    """The request search part of `SqlStore`."""

    def request_by_key(self, key: str) -> Request | None:
        with self._read("read a request by idempotency key") as conn:
            return request_with_key(conn, key)

    def search_requests(
        self, words: Sequence[str], departments: Sequence[str] | None, limit: int = 50
    ) -> list[Request]:
        """Requests whose question or description holds every word (case and
        accents ignored), newest first, of `departments` or with a task there
        (None: every department). The question and description are what a
        task's agents read too."""
        check_limit(limit)
        wanted = every_word(requests.c.search_text, words)
        if wanted is None:
            return []
        query = select(requests).where(wanted)
        if departments is not None:
            query = query.where(within_queues(departments))
        query = query.order_by(requests.c.created.desc(), requests.c.id.desc()).limit(limit)
        with self._read("search requests") as conn:
            return [request_record(row) for row in conn.execute(query)]
