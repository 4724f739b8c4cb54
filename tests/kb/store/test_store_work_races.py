"""People working one request at the same moment, in threads of their own, on
a real SQLite file and on PostgreSQL: each thread's change is computed from
what it read before the other's is saved. Two agents changing a request's
status and assignee, a request merged while its requester replies on the
duplicate, the last two tasks of an onboarding request finished at once, and
a request resolved or closed just after its requester replied.
Nothing is lost, nothing is done twice."""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest

from kb.errors import ConflictError, KbError
from kb.requests.service import RequestService
from kb.store.protocols import Store
from tests.kb.requests import test_concurrent_changes as two_agents
from tests.kb.requests.test_value_streams import FAR_FUTURE, ONBOARDING
from tests.support import (
    ADMIN,
    EMPLOYEE,
    FACILITIES_AGENT,
    FINANCE_AGENT,
    HR_AGENT,
    IT_AGENT,
    OTHER,
)

# The two agents of `tests/kb/requests/test_concurrent_changes.py`, on both
# backends: with the version read, the second is refused (412); without, both kept.
test_two_agents_from_one_version_the_second_is_refused = (
    two_agents.test_the_second_of_two_changes_from_one_version_is_refused
)
test_two_agents_changing_status_and_assignee_are_both_kept = (
    two_agents.test_two_changes_to_whatever_is_current_are_both_kept
)


@pytest.fixture(autouse=True)
def accounts(store: Store) -> None:
    """The agents and employees the service names, as accounts of the store."""
    for person in (IT_AGENT, HR_AGENT, FACILITIES_AGENT, FINANCE_AGENT, ADMIN, EMPLOYEE, OTHER):
        store.add_user(person)


@contextlib.contextmanager
def meeting(store: Store, *names: str, after: bool = False) -> Iterator[None]:
    """Each of two threads, at its first call of one of the store's `names`,
    waits for the other to get as far: before the call (both have decided what
    to save, neither has saved) or, `after`, once it returned or failed (both
    have saved, neither has looked again). A broken barrier: the other thread
    had nothing more to do there."""
    barrier = threading.Barrier(2, timeout=10)
    met: set[int] = set()
    plain = {name: getattr(store, name) for name in names}

    def meet() -> None:
        if threading.get_ident() in met:
            return
        met.add(threading.get_ident())
        with contextlib.suppress(threading.BrokenBarrierError):
            barrier.wait()

    def wrapping(call: Callable[..., Any]) -> Callable[..., Any]:
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            if not after:
                meet()
            try:
                return call(*args, **kwargs)
            finally:
                if after:
                    meet()

        return wrapped

    for name, call in plain.items():
        setattr(store, name, wrapping(call))
    try:
        yield
    finally:
        for name, call in plain.items():
            setattr(store, name, call)


def in_threads(*work: Callable[[], object]) -> list[object]:
    """Each of `work` in a thread of its own, started together; what each
    returned or raised (a `KbError`)."""
    start = threading.Barrier(len(work), timeout=10)

    def run(job: Callable[[], object]) -> object:
        start.wait()
        try:
            return job()
        except KbError as exc:
            return exc

    with ThreadPoolExecutor(len(work)) as pool:
        return list(pool.map(run, work, timeout=60))


def test_a_reply_on_a_duplicate_merged_at_that_moment_is_kept_or_refused(
    service: RequestService, store: Store
) -> None:
    """The requester replies on their request while an agent merges it into
    another, both from what they read before the other saved: the reply is
    either saved before the merge (and the merge goes through after it) or
    refused as a reply on a merged request; never saved on the closed duplicate."""
    kept = service.submit(EMPLOYEE, "VPN drops every hour", department="it")
    duplicate = service.submit(OTHER, "VPN keeps dropping", department="it")
    assert kept.id is not None and duplicate.id is not None
    rid, into = duplicate.id, kept.id
    # The comment's save (update_request) and the merge's (update_requests) meet.
    with meeting(store, "update_request", "update_requests"):
        replied, merged = in_threads(
            lambda: service.comment(OTHER, rid, "It dropped again at 10:00"),
            lambda: service.merge(IT_AGENT, rid, into, "Same outage"),
        )
    assert not isinstance(merged, KbError), merged
    closed = store.get_request(rid)
    assert (closed.status.value, closed.merged_into) == ("closed", into)
    kinds = [e.kind for e in store.entries(rid)]
    assert kinds.count("merged") == 1
    if isinstance(replied, ConflictError):
        assert replied.details.get("reason") == "merged"
        assert "comment" not in kinds
    else:
        assert not isinstance(replied, KbError), replied
        assert kinds.index("comment") < kinds.index("merged")
    notes = [e.data for e in store.entries(into) if e.kind == "merged"]
    assert notes == [{"from": rid, "query": duplicate.query, "requester": OTHER.username}]


def test_the_last_two_tasks_finished_at_once_resolve_the_request_once_with_one_mail(
    service: RequestService, store: Store
) -> None:
    """IT and Facilities finish the last two tasks of an onboarding request in
    threads of their own; each saves its task and, once both are saved, both
    see every task done and resolve: the request is resolved once, with one
    history entry and one mail to each of those who hear of it."""
    filed = service.submit(EMPLOYEE, "New hire Jana starts on 1 July", "Sales team, Hamburg.",
                           workflow="onboarding", fields=ONBOARDING)  # fmt: skip
    assert filed.id is not None
    rid = filed.id
    service.complete_task(HR_AGENT, rid, 1)
    service.complete_task(FINANCE_AGENT, rid, 2)
    with meeting(store, "update_task", after=True):
        done = in_threads(
            lambda: service.complete_task(IT_AGENT, rid, 3),
            lambda: service.complete_task(FACILITIES_AGENT, rid, 4),
        )
    assert not [d for d in done if isinstance(d, KbError)], done
    request = store.get_request(rid)
    assert request.status.value == "resolved"
    kinds = [e.kind for e in store.entries(rid)]
    assert kinds.count("resolution") == 1
    assert [t.status.value for t in store.tasks(rid)] == ["done"] * 4
    mails = [m for m in store.due_messages(FAR_FUTURE, 500) if m.topic == "request.resolved"]
    assert mails and len({m.target for m in mails}) == len(mails)


def test_a_task_finished_while_its_request_is_closed_is_refused_and_the_close_cancels_all(
    service: RequestService, store: Store
) -> None:
    """HR closes an onboarding request while IT finishes its task, which IT read
    before the close: IT's save comes between the close's reading of the open
    tasks and its cancelling of that one, after the close was saved. IT is
    told the request is closed and nothing of theirs is written (no task
    finished on a closed request, no history entry of it); the close cancels
    every open task (none stays in a queue, workable by nobody) and says it
    closed the request, not that a task changed."""
    import threading

    from kb.requests.lifecycle import TaskStatus

    filed = service.submit(EMPLOYEE, "New hire Jana starts on 1 July", "Sales team, Hamburg.",
                           workflow="onboarding", fields=ONBOARDING)  # fmt: skip
    assert filed.id is not None
    rid = filed.id
    service.complete_task(HR_AGENT, rid, 1)
    plain = store.update_task
    it_read, closing_reached, it_saved = threading.Event(), threading.Event(), threading.Event()

    def close() -> object:
        it_read.wait(timeout=30)  # IT has read the request open and its task to do
        return service.transition(HR_AGENT, rid, "closed", "Hire withdrew")

    def update_task(task: Any, *args: Any, **kwargs: Any) -> Any:
        if task.id == 3 and task.status is TaskStatus.DONE:  # IT, read before the close
            it_read.set()
            closing_reached.wait(timeout=30)
            try:
                return plain(task, *args, **kwargs)
            finally:
                it_saved.set()
        if task.id == 3 and task.status is TaskStatus.CANCELLED and not closing_reached.is_set():
            closing_reached.set()  # the close read IT's task open; IT saves first
            it_saved.wait(timeout=30)
        return plain(task, *args, **kwargs)

    setattr(store, "update_task", update_task)  # noqa: B010 - the store's own, for this test
    try:
        finished, closed = in_threads(
            lambda: service.complete_task(IT_AGENT, rid, 3),
            close,
        )
    finally:
        setattr(store, "update_task", plain)  # noqa: B010
    assert not isinstance(closed, KbError), closed
    assert isinstance(finished, ConflictError), finished
    assert finished.key == "task_request_closed"
    assert store.get_request(rid).status.value == "closed"
    statuses = {t.id: t.status.value for t in store.tasks(rid)}
    assert statuses == {1: "done", 2: "cancelled", 3: "cancelled", 4: "cancelled"}
    # The history names IT's task cancelled by the close, never done by IT.
    it_task = [e for e in store.entries(rid) if e.kind == "task" and e.data.get("task") == 3]
    assert [(e.actor, e.data["status"]) for e in it_task] == [(HR_AGENT.username, "cancelled")]


@pytest.mark.parametrize("move", ["resolve", "close"])
def test_a_request_resolved_or_closed_just_after_its_requester_replied_stays_so(
    service: RequestService, store: Store, move: str
) -> None:
    """The requester answers a request waiting for them; an agent resolves (or
    closes) it once the reply is stored, before the reply's own move back to
    in_progress. Before, that move came after and undid the agent's: the
    request in progress again, its resolution erased. Now the reply and its
    move are one save, so the agent's change comes after both and stands."""
    filed = service.submit(EMPLOYEE, "Laptop battery swells", department="it")
    rid = filed.id
    assert rid is not None
    service.transition(IT_AGENT, rid, "waiting_for_requester", note="Which model?")
    replied, done = threading.Event(), threading.Event()
    plain = {name: getattr(store, name) for name in ("update_request", "update_requests")}

    def after_the_reply(call: Callable[..., Any]) -> Callable[..., Any]:
        def saved(*args: Any, **kwargs: Any) -> Any:
            result = call(*args, **kwargs)
            if threading.current_thread().name == "requester" and not replied.is_set():
                replied.set()  # the reply is stored: the agent's turn
                assert done.wait(30), "the agent's change did not finish"
            return result

        return saved

    results: dict[str, object] = {}

    def reply() -> None:
        results["reply"] = service.comment(EMPLOYEE, rid, "A ThinkPad T14, bought 2022.")

    def agent() -> None:
        assert replied.wait(30), "the reply was not stored"
        try:
            if move == "resolve":
                results["agent"] = service.resolve(IT_AGENT, rid, "Battery replaced.")
            else:
                results["agent"] = service.transition(IT_AGENT, rid, "closed")
        finally:
            done.set()

    for name, call in plain.items():
        setattr(store, name, after_the_reply(call))
    try:
        threads = [threading.Thread(target=reply, name="requester"), threading.Thread(target=agent)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(60)
    finally:
        for name, call in plain.items():
            setattr(store, name, call)
    assert set(results) == {"reply", "agent"}, results
    now = store.get_request(rid)
    if move == "resolve":
        assert now.status.value == "resolved"
        assert now.resolution == "Battery replaced."
    else:
        assert now.status.value == "closed"
    entries = store.entries(rid)
    assert [e.kind for e in entries].count("comment") == 1
    moves = [e.data["to"] for e in entries if e.kind in ("status", "resolution")]
    assert moves[-1] == now.status.value, moves
