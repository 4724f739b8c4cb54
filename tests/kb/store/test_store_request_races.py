"""Request changes that race each other, on every backend: two agents merging
two requests into each other at the same moment."""

from __future__ import annotations

import contextlib
import threading
from typing import Any

from kb.errors import ConflictError
from kb.requests.service import RequestService
from kb.store.protocols import Store
from tests.support import EMPLOYEE, IT_AGENT, OTHER


class MeetBeforeSaving:
    """A store whose saves of requests wait (briefly) for a second thread to save
    too, so that two changes are both computed before either is saved."""

    def __init__(self, store: Store) -> None:
        self._store = store
        self._barrier = threading.Barrier(2, timeout=3)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._store, name)

    def _meet(self) -> None:
        # A broken barrier: the other thread has nothing more to save.
        with contextlib.suppress(threading.BrokenBarrierError):
            self._barrier.wait()

    def update_request(self, *args: Any, **kwargs: Any) -> Any:
        self._meet()
        return self._store.update_request(*args, **kwargs)

    def update_requests(self, *args: Any, **kwargs: Any) -> Any:
        self._meet()
        return self._store.update_requests(*args, **kwargs)


def test_merging_two_requests_into_each_other_at_once_merges_one(
    service: RequestService, store: Store
) -> None:
    first = service.submit(EMPLOYEE, "VPN drops every hour", department="it")
    second = service.submit(OTHER, "VPN keeps dropping", department="it")
    assert first.id is not None and second.id is not None
    racing = MeetBeforeSaving(store)
    service.ledger.store = racing  # type: ignore[assignment]
    outcomes: list[object] = []

    def merge(duplicate: int, into: int) -> None:
        try:
            outcomes.append(service.merge(IT_AGENT, duplicate, into, "Same outage"))
        except ConflictError as exc:
            outcomes.append(exc)

    workers = [
        threading.Thread(target=merge, args=(first.id, second.id)),
        threading.Thread(target=merge, args=(second.id, first.id)),
    ]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    assert sorted(type(o).__name__ for o in outcomes) == ["ConflictError", "Request"]
    a, b = store.get_request(first.id), store.get_request(second.id)
    closed, kept = (a, b) if a.merged_into is not None else (b, a)
    assert (closed.status.value, closed.merged_into) == ("closed", kept.id)
    assert kept.status.is_open and kept.merged_into is None
    assert closed.id is not None and kept.id is not None
    notes = [e.data for e in store.entries(kept.id) if e.kind == "merged"]
    assert notes == [{"from": closed.id, "query": closed.query, "requester": closed.requester}]
    # The closed one carries its own closing entry only, no note of a merge into it.
    closing = [e.data for e in store.entries(closed.id) if e.kind == "merged"]
    assert closing == [{"into": kept.id, "from": "new", "to": "closed"}]


WRITERS = 6


def _at_once(work: Any) -> list[BaseException]:
    """Run `work(n)` in WRITERS threads that start together; what they raised."""
    start = threading.Barrier(WRITERS, timeout=10)
    raised: list[BaseException] = []

    def run(n: int) -> None:
        start.wait()
        try:
            work(n)
        except BaseException as exc:  # noqa: BLE001 - collected and checked below
            raised.append(exc)

    threads = [threading.Thread(target=run, args=(n,)) for n in range(WRITERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return raised


def test_writers_of_one_request_or_task_at_once_lose_nothing(store: Store) -> None:
    """Agents saving the same request (and the same task) at the same moment from
    the version each read: one wins, the others hear of a conflict and, reading
    again, save on top; every change and its history entry is kept, once."""
    from dataclasses import replace

    from kb.requests.records import Request, RequestEntry, RequestTask

    made = store.create_request(
        Request(requester="ann", query="VPN", department="it"),
        [RequestTask(department="it", title="Check VPN")],
    )
    assert made.id is not None
    rid = made.id
    [task] = store.tasks(rid)
    conflicts: list[str] = []

    def save(n: int) -> None:
        request = made
        while True:  # as the web app does on a 409: read again, apply again
            note = RequestEntry(request_id=rid, actor=f"agent{n}", kind="comment", message=f"{n}")
            try:
                store.update_request(replace(request, watchers=[*request.watchers, f"w{n}"]), note)
                break
            except ConflictError:
                conflicts.append("request")
                request = store.get_request(rid)
        current = task
        while True:
            done = RequestEntry(request_id=rid, actor=f"agent{n}", kind="task", message=f"t{n}")
            try:
                store.update_task(replace(current, title=f"{current.title} {n}"), done)
                return
            except ConflictError:
                conflicts.append("task")
                [current] = store.tasks(rid)

    assert _at_once(save) == []
    assert {"request", "task"} <= set(conflicts)  # they did meet
    final = store.get_request(rid)
    assert sorted(final.watchers) == sorted(f"w{n}" for n in range(WRITERS))
    assert final.version == 1 + WRITERS
    notes = [e.message for e in store.entries(rid) if e.kind in ("comment", "task")]
    assert sorted(notes) == sorted(
        [*(str(n) for n in range(WRITERS)), *(f"t{n}" for n in range(WRITERS))]
    )
    [saved] = store.tasks(rid)
    assert saved.version == 1 + WRITERS
    assert sorted(saved.title.split()[2:]) == sorted(str(n) for n in range(WRITERS))


def test_an_assignment_to_an_account_renamed_after_its_check_is_refused(
    service: RequestService, store: Store, monkeypatch: Any
) -> None:
    """On every backend: the rename commits between the service's check of the
    assignee and the save; the save, checking again in its transaction, refuses."""
    from kb.accounts.service import rename_user
    from kb.errors import ValidationError
    from tests.kb.requests.test_assignee_accounts import COLLEAGUE, after_the_check

    store.add_user(COLLEAGUE)
    filed = service.submit(EMPLOYEE, "VPN drops every hour", department="it")
    assert filed.id is not None
    after_the_check(store, monkeypatch, lambda: rename_user(store, "carl", "carl.b"))
    try:
        service.assign(IT_AGENT, filed.id, "carl")
    except ValidationError as exc:
        assert exc.key == "assignee_gone"
    else:
        raise AssertionError("the assignment to a renamed account was saved")
    assert store.get_request(filed.id).assignee is None
    assert service.assign(IT_AGENT, filed.id, "carl.b").assignee == "carl.b"
