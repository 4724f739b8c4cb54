"""Answers kept for retries in SQL (`kb.store.replays`), one row per key.

A claim is one insert that does nothing when the key is taken
(`INSERT … ON CONFLICT DO NOTHING`, the same construct on SQLite and
PostgreSQL): of two copies of a call claimed at once exactly one inserts, and
the other reads the row it left. Rows past their time are deleted first, in
the same transaction, so an expired key or a lost claim is free again. A
claim's `created` is renewed while its call runs (`renew_claim`).

`mark_posted` answers the claim of the call running in this context in the
transaction that saves its change: the change and the mark commit together.
A claim that lapsed meanwhile (not renewed for `CLAIM_LOST_AFTER`) and was
taken by another sending of the call, or forgotten, is no longer this run's:
its change is refused and rolled back, so of the runs of one key exactly one
posts.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, and_, delete, or_, select, update

from kb.errors import ConflictError
from kb.store.replay_claims import current_posting
from kb.store.replays import CLAIM_LOST_AFTER, KEPT_FOR, KeptAnswer
from kb.store.schema import idempotent_answers
from kb.store.sql_base import SqlBase
from kb.store.sql_limits import upsert

_ROWS = idempotent_answers.c


class SqlReplays(SqlBase):
    """The kept answers part of `SqlStore`."""

    def claim_answer(self, claim: KeptAnswer, now: datetime) -> KeptAnswer | None:
        with self._write("claim an idempotency key") as conn:
            _forget_past(conn, now)
            inserted = conn.execute(
                upsert(conn)(idempotent_answers)
                .values(
                    key=claim.key,
                    account=claim.account,
                    fingerprint=claim.fingerprint,
                    status=None,
                    headers={},
                    body="",
                    created=now,
                )
                .on_conflict_do_nothing(index_elements=[_ROWS.key])
                .returning(_ROWS.key)
            ).first()
            if inserted is not None:
                return None
            row = conn.execute(select(idempotent_answers).where(_ROWS.key == claim.key)).one()
        return KeptAnswer(
            key=row.key,
            account=row.account,
            fingerprint=row.fingerprint,
            status=row.status,
            headers=dict(row.headers),
            body=row.body,
            created=row.created,
            posted=dict(row.posted or {}),
        )

    def renew_claim(self, key: str, now: datetime) -> bool:
        with self._write("renew an idempotency key's claim", brief=True) as conn:
            renewed = conn.execute(
                update(idempotent_answers)
                .where(_ROWS.key == key, _ROWS.status.is_(None))
                .values(created=now)
            )
            return bool(renewed.rowcount)

    def keep_answer(self, key: str, status: int, headers: dict[str, str], body: str) -> None:
        with self._write("keep an answer for retries") as conn:
            conn.execute(
                update(idempotent_answers)
                .where(_ROWS.key == key)
                .values(status=status, headers=dict(headers), body=body)
            )

    def drop_answer(self, key: str) -> None:
        with self._write("forget an idempotency key") as conn:
            # Only a claim: a call whose change was saved is answered from then on.
            conn.execute(delete(idempotent_answers).where(_ROWS.key == key, _ROWS.status.is_(None)))


def mark_posted(conn: Connection, posted: Mapping[str, Any]) -> None:
    """In the transaction saving a change: answer the claim of the call running
    in this context (`current_posting`, none outside a claimed call) with its
    `Posting`, recording what it `posted`. Once per run of the call: a later
    save of the same run finds its own mark. Raises `ConflictError` (the
    change is rolled back) when the claim is no longer this run's."""
    posting = current_posting()
    if posting is None:
        return
    marked = conn.execute(
        update(idempotent_answers)
        .where(_ROWS.key == posting.key, _ROWS.status.is_(None))
        .values(
            status=posting.status,
            headers=dict(posting.headers),
            body=posting.body,
            posted={**posted, "run": posting.token},
        )
    ).rowcount
    if marked:
        return
    found = conn.execute(select(_ROWS.posted).where(_ROWS.key == posting.key)).first()
    if found is not None and (found.posted or {}).get("run") == posting.token:
        return
    raise ConflictError(
        "this call's claim on its idempotency key lapsed while it ran, or another sending "
        "of it was posted meanwhile; nothing was posted by this one: send it again with "
        "the same key for its answer",
        details={"field": "Idempotency-Key"},
        key="idempotency_lapsed",
    )


def _forget_past(conn: Connection, now: datetime) -> None:
    """Delete answers kept past `KEPT_FOR` and claims not renewed for `CLAIM_LOST_AFTER`."""
    conn.execute(
        delete(idempotent_answers).where(
            or_(
                _ROWS.created < now - KEPT_FOR,
                and_(_ROWS.status.is_(None), _ROWS.created < now - CLAIM_LOST_AFTER),
            )
        )
    )


def forget_account(conn: Connection, username: str) -> int:
    """Drop the keys of `username` (renamed or removed): a later account given
    the name must not be answered with this one's calls."""
    return conn.execute(delete(idempotent_answers).where(_ROWS.account == username)).rowcount
