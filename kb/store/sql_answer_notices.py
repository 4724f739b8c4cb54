"""Answers a requester has not seen yet, in SQL (`kb.requests.answers`).

`requests.answered_at` is written with the change that answers, like every
other field of the request; `requests.requester_seen_at` only here, when the
requester opens the request, by its own statement that neither raises the
request's version nor writes its history: reading is no change, and a change
saved meanwhile from a copy read before keeps what was seen.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ColumnElement, and_, func, or_, select, update

from kb.store.schema import requests
from kb.store.sql_base import SqlBase
from kb.validators import ensure_utc


def new_answer() -> ColumnElement[bool]:
    """`Request.has_new_answer` in SQL."""
    return and_(
        requests.c.answered_at.is_not(None),
        or_(
            requests.c.requester_seen_at.is_(None),
            requests.c.requester_seen_at < requests.c.answered_at,
        ),
    )


class SqlAnswerNotices(SqlBase):
    """The answer notices of `SqlStore`."""

    def mark_answer_seen(self, request_id: int, requester: str, answered_at: datetime) -> None:
        seen = ensure_utc("answered_at", answered_at)
        with self._write("mark an answer seen", brief=True) as conn:
            conn.execute(
                update(requests)
                .where(
                    requests.c.id == request_id,
                    requests.c.requester == requester,
                    # Never back to an older answer (two pages opened at once).
                    or_(
                        requests.c.requester_seen_at.is_(None),
                        requests.c.requester_seen_at < seen,
                    ),
                )
                .values(requester_seen_at=seen)
            )

    def count_new_answers(self, requester: str) -> int:
        with self._read("count the new answers") as conn:
            found = select(func.count()).where(requests.c.requester == requester, new_answer())
            return int(conn.execute(found).scalar_one())
