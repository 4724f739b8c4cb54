"""Contract: the notification outbox."""

from __future__ import annotations

import threading
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from kb.errors import ConflictError, NotFoundError
from kb.notify.outbox import OutboxMessage, backoff, delivery_key
from kb.store.protocols import Store

T0 = datetime(2025, 3, 3, 9, 0, tzinfo=UTC)
MINUTE = timedelta(minutes=1)


def message(topic: str = "request.created", *, at: datetime = T0) -> OutboxMessage:
    return OutboxMessage(
        topic=topic,
        target="https://hooks.example.org/kb",
        payload={"request": 7, "text": "Grüße"},
        created=T0,
        next_attempt_at=at,
    )


def test_enqueue_round_trip(store: Store) -> None:
    queued = store.enqueue(message())
    assert queued.id is not None
    assert store.due_messages(T0, 10) == [queued]


def test_due_messages_in_order_and_limited(store: Store) -> None:
    later = store.enqueue(message("b", at=T0 + 5 * MINUTE))
    sooner = store.enqueue(message("a", at=T0 + MINUTE))
    store.enqueue(message("c", at=T0 + 60 * MINUTE))
    assert store.due_messages(T0, 10) == []
    assert store.due_messages(T0 + 10 * MINUTE, 10) == [sooner, later]
    assert store.due_messages(T0 + 10 * MINUTE, 1) == [sooner]


def test_failure_backs_off_and_delivery_ends_it(store: Store) -> None:
    queued = store.enqueue(message())
    assert queued.id is not None
    retry_at = T0 + backoff(1)
    store.mark_failed(queued.id, "HTTP 503", retry_at)
    assert store.due_messages(retry_at - timedelta(seconds=1), 10) == []
    [due] = store.due_messages(retry_at, 10)
    assert (due.attempts, due.last_error, due.next_attempt_at) == (1, "HTTP 503", retry_at)
    store.mark_delivered(queued.id, retry_at + MINUTE)
    assert store.due_messages(T0 + timedelta(days=1), 10) == []
    with pytest.raises(ConflictError, match="already delivered"):
        store.mark_failed(queued.id, "late failure", T0)


def test_giving_up_keeps_the_message_out_of_the_queue(store: Store) -> None:
    queued = store.enqueue(message())
    assert queued.id is not None
    store.mark_failed(queued.id, "410 Gone", None)
    assert store.due_messages(T0 + timedelta(days=365), 10) == []


def test_unknown_message_is_not_found(store: Store) -> None:
    with pytest.raises(NotFoundError, match="4242"):
        store.mark_delivered(4242, T0)
    with pytest.raises(NotFoundError, match="4242"):
        store.mark_failed(4242, "x", T0)


def test_claimed_messages_are_leased(store: Store) -> None:
    queued = store.enqueue(message())
    [claimed] = store.claim_messages(T0, 10, lease=5 * MINUTE)
    assert claimed.id == queued.id and claimed.next_attempt_at == T0 + 5 * MINUTE
    assert store.claim_messages(T0 + MINUTE, 10) == []  # still leased
    assert [m.id for m in store.claim_messages(T0 + 6 * MINUTE, 10)] == [queued.id]


def test_concurrent_workers_never_claim_the_same_message(store: Store) -> None:
    ids = [store.enqueue(message(f"m{i}")).id or 0 for i in range(20)]
    workers = 4
    barrier = threading.Barrier(workers)
    claims: list[list[int]] = []
    errors: list[BaseException] = []

    def work() -> None:
        try:
            barrier.wait()
            mine: list[int] = []
            while batch := store.claim_messages(T0, 3):
                mine.extend(m.id or 0 for m in batch)
            claims.append(mine)
        except BaseException as exc:  # reported below; a thread cannot raise into the test
            errors.append(exc)

    threads = [threading.Thread(target=work) for _ in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    every = [i for mine in claims for i in mine]
    assert sorted(every) == sorted(ids)  # each message claimed exactly once


def test_every_delivery_of_a_message_carries_one_key_and_no_other_message_shares_it(
    store: Store,
) -> None:
    queued = replace(message(), created=T0 + timedelta(microseconds=123457))
    first = store.enqueue(queued)
    other = store.enqueue(queued)
    claimed = {m.id: m for m in store.claim_messages(T0, lease=MINUTE)}[first.id]
    # The worker died before recording the delivery: claimed again after the lease.
    again = {m.id: m for m in store.claim_messages(T0 + 2 * MINUTE, lease=MINUTE)}[first.id]
    assert delivery_key(claimed) == delivery_key(again) == delivery_key(first)
    assert delivery_key(first).endswith("123457Z")  # the store keeps the microseconds
    assert delivery_key(other) != delivery_key(first)
    # A new or restored database numbers its messages from the same ids again.
    renumbered = replace(other, id=first.id, created=T0 + timedelta(seconds=1))
    assert delivery_key(renumbered) != delivery_key(first)
    with pytest.raises(ValueError, match="once the store has given it an id"):
        delivery_key(message())
