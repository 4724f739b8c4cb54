"""The notification outbox in SQL: queue, find what is due, record the outcome.

`claim_messages` is how several workers share one outbox without sending a
message twice: each claimed message's next attempt is pushed past a lease with
a conditional update (`WHERE next_attempt_at <= now`), and only the worker
whose update matched a row gets that message. That works the same on both
databases, without row locks that would have to stay open while sending.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection, Row, Select, insert, select, update

from kb.errors import ConflictError, NotFoundError
from kb.notify.outbox import OutboxMessage
from kb.store.schema import outbox
from kb.store.sql_base import SqlBase, check_limit, inserted_id
from kb.validators import ensure_optional_utc, ensure_text, ensure_utc


def _message(row: Row[Any]) -> OutboxMessage:
    return OutboxMessage(**{c.name: getattr(row, c.name) for c in outbox.columns})


def _due(now: datetime, limit: int) -> Select[Any]:
    check_limit(limit)
    return (
        select(outbox)
        .where(
            outbox.c.delivered_at.is_(None),
            outbox.c.next_attempt_at.is_not(None),
            outbox.c.next_attempt_at <= now,
        )
        .order_by(outbox.c.next_attempt_at, outbox.c.id)
        .limit(limit)
    )


def insert_message(conn: Connection, message: OutboxMessage) -> OutboxMessage:
    """Queue `message` in the transaction of `conn` (with the change it announces)."""
    if message.id is not None:
        raise ValueError(f"a new message must not have an id yet, got id={message.id!r}")
    values = {c.name: getattr(message, c.name) for c in outbox.columns if c.name != "id"}
    result = conn.execute(insert(outbox).values(values))
    return replace(message, id=inserted_id(result))


class SqlOutbox(SqlBase):
    """The outbox part of `SqlStore`."""

    def enqueue(self, message: OutboxMessage) -> OutboxMessage:
        with self._write("queue a notification") as conn:
            return insert_message(conn, message)

    def due_messages(self, now: datetime, limit: int = 100) -> list[OutboxMessage]:
        query = _due(ensure_utc("now", now), limit)
        with self._read("read due notifications") as conn:
            return [_message(row) for row in conn.execute(query)]

    def claim_messages(
        self, now: datetime, limit: int = 100, lease: timedelta = timedelta(minutes=5)
    ) -> list[OutboxMessage]:
        now = ensure_utc("now", now)
        if lease <= timedelta(0):
            raise ValueError(f"lease must be positive, got {lease!r}")
        until = now + lease
        claimed: list[OutboxMessage] = []
        with self._write("claim due notifications") as conn:
            for row in conn.execute(_due(now, limit)).all():
                result = conn.execute(
                    update(outbox)
                    .where(
                        outbox.c.id == row.id,
                        outbox.c.delivered_at.is_(None),
                        outbox.c.next_attempt_at <= now,
                    )
                    .values(next_attempt_at=until)
                )
                if result.rowcount == 1:  # 0: another worker claimed it first
                    claimed.append(replace(_message(row), next_attempt_at=until))
        return claimed

    def mark_delivered(self, message_id: int, ts: datetime) -> None:
        ts = ensure_utc("ts", ts)
        with self._write("mark a notification delivered") as conn:
            result = conn.execute(
                update(outbox)
                .where(outbox.c.id == message_id, outbox.c.delivered_at.is_(None))
                .values(delivered_at=ts, attempts=outbox.c.attempts + 1, last_error=None)
            )
            if result.rowcount == 0:
                self._refuse(conn, message_id)

    def mark_failed(self, message_id: int, error: str, next_attempt_at: datetime | None) -> None:
        ensure_text("error", error, allow_empty=True)
        next_attempt_at = ensure_optional_utc("next_attempt_at", next_attempt_at)
        with self._write("record a failed notification") as conn:
            result = conn.execute(
                update(outbox)
                .where(outbox.c.id == message_id, outbox.c.delivered_at.is_(None))
                .values(
                    attempts=outbox.c.attempts + 1,
                    last_error=error,
                    next_attempt_at=next_attempt_at,
                )
            )
            if result.rowcount == 0:
                self._refuse(conn, message_id)

    def _refuse(self, conn: Connection, message_id: int) -> None:
        exists = conn.execute(select(outbox.c.id).where(outbox.c.id == message_id)).first()
        if exists is None:
            raise NotFoundError(
                f"no outbox message with id {message_id!r}",
                details={"id": message_id},
                key="no_outbox_message",
                values={"id": message_id},
            )
        raise ConflictError(
            f"outbox message {message_id} was already delivered",
            details={"id": message_id},
            key="outbox_delivered",
            values={"id": message_id},
        )
