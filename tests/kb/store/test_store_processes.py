"""Contract: several worker processes on one database, as gunicorn runs them.

Each process opens its own store from the URL and, at the same moment as the
others, files requests, replies on one shared request and delivers the outbox:
no write is lost or doubled, no "database is locked" escapes, and every
notification is claimed by exactly one worker."""

from __future__ import annotations

import multiprocessing
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

from kb.errors import ConflictError
from kb.notify.outbox import OutboxMessage
from kb.requests.records import Request, RequestEntry
from kb.store.factory import create_store
from kb.store.protocols import Store

NOW = datetime(2025, 3, 3, 9, 0, tzinfo=UTC)
WORKERS = 2
MESSAGES = 30
REPLIES = 5


def _reply(store: Store, request_id: int, worker: int, n: int) -> None:
    """A reply on the shared request; a 409 is read again and applied again."""
    while True:
        current = store.get_request(request_id)
        entry = RequestEntry(
            request_id=request_id, actor=f"agent{worker}", kind="comment", message=f"{worker}.{n}"
        )
        try:
            store.update_request(
                replace(current, watchers=[*current.watchers, f"{worker}.{n}"]), entry
            )
            return
        except ConflictError:
            continue


def _work(url: str, worker: int, shared: int, start: Any, results: Any) -> None:
    store = create_store(url)
    start.wait()
    claimed: list[int] = []
    for n in range(REPLIES):
        store.create_request(
            Request(requester=f"emp{worker}", query=f"q {worker} {n}", department="it"), []
        )
        _reply(store, shared, worker, n)
        claimed.extend(_deliver(store, 2))
    while batch := _deliver(store, 3):
        claimed.extend(batch)
    store.close()
    results.put(claimed)


def _deliver(store: Store, limit: int) -> list[int]:
    batch = store.claim_messages(NOW, limit, timedelta(minutes=5))
    for message in batch:
        store.mark_delivered(message.id or 0, NOW)
    return [message.id or 0 for message in batch]


def test_worker_processes_lose_nothing_and_send_each_message_once(
    store: Store, store_url: str
) -> None:
    sent = [
        store.enqueue(
            OutboxMessage(
                topic="request.created",
                target="email:a@example.org",
                created=NOW,
                next_attempt_at=NOW,
            )
        ).id
        for _ in range(MESSAGES)
    ]
    shared = store.create_request(Request(requester="ann", query="VPN", department="it"), []).id
    assert shared is not None
    context = multiprocessing.get_context("spawn")
    start, results = context.Barrier(WORKERS), context.Queue()
    workers = [
        context.Process(target=_work, args=(store_url, n, shared, start, results))
        for n in range(WORKERS)
    ]
    for process in workers:
        process.start()
    claimed = [results.get(timeout=120) for _ in workers]
    for process in workers:
        process.join(timeout=30)
    assert [process.exitcode for process in workers] == [0] * WORKERS
    every = [message_id for mine in claimed for message_id in mine]
    assert sorted(every) == sorted(sent)  # each message delivered once, by one worker
    final = store.get_request(shared)
    assert final.version == 1 + WORKERS * REPLIES
    assert sorted(final.watchers) == sorted(
        f"{w}.{n}" for w in range(WORKERS) for n in range(REPLIES)
    )
    replies = [e.message for e in store.entries(shared) if e.kind == "comment"]
    assert len(replies) == WORKERS * REPLIES
    assert len(store.list_requests(department="it")) == 1 + WORKERS * REPLIES
