"""Contract: requests, their tasks and their history."""

from __future__ import annotations

import threading
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from kb.accounts.records import User
from kb.errors import ConflictError, NotFoundError
from kb.requests.lifecycle import Priority, RequestStatus, TaskStatus
from kb.requests.paging import RequestList
from kb.requests.records import Request, RequestEntry, RequestTask
from kb.store.protocols import Store

T0 = datetime(2025, 3, 3, 9, 0, 0, 500, tzinfo=UTC)
HOUR = timedelta(hours=1)


def new_request(
    query: str = "VPN does not connect", department: str = "it", **fields: object
) -> Request:
    values: dict[str, object] = {
        "requester": "ann",
        "query": query,
        "department": department,
        "created": T0,
        "updated": T0,
        "first_response_due": T0 + 8 * HOUR,
        "resolution_due": T0 + 40 * HOUR,
    }
    values.update(fields)
    return Request(**values)  # type: ignore[arg-type]


def note(request: Request, kind: str = "comment", **fields: object) -> RequestEntry:
    assert request.id is not None
    return RequestEntry(request_id=request.id, actor="bob", kind=kind, ts=T0 + HOUR, **fields)  # type: ignore[arg-type]


def test_request_round_trip_with_every_field(store: Store) -> None:
    request = new_request(
        description="Since this morning, error 809.",
        assignee="bob",
        status=RequestStatus.IN_PROGRESS,
        priority=Priority.HIGH,
        first_responded_at=T0 + HOUR,
        resolved_at=T0 + 2 * HOUR,
        resolution="Reinstalled the client.",
        linked_articles=["it/vpn", "it/vpn-errors"],
        search_id=42,
        suggestions_shown=True,
        went_on_anyway=True,
        workflow="remote-access",
        watchers=["carl", "dora"],
        self_watchers=["dora"],
    )
    created = store.create_request(request, idempotency_key="form-1")
    assert created.id is not None and created.version == 1
    assert created.idempotency_key == "form-1"
    assert store.get_request(created.id) == created
    assert created == replace(request, id=created.id, version=1, idempotency_key="form-1")


def test_who_watches_by_their_own_hand_is_kept_apart(store: Store) -> None:
    created = store.create_request(new_request(watchers=["carl"], self_watchers=["carl"]))
    assert created.id is not None
    assert store.get_request(created.id).self_watchers == ["carl"]
    changed = replace(created, watchers=["carl", "dora"], self_watchers=[], updated=T0 + HOUR)
    saved = store.update_request(changed, note(created, "watchers", data={"added": "dora"}))
    assert (saved.watchers, saved.self_watchers) == (["carl", "dora"], [])
    assert store.get_request(created.id) == saved
    with pytest.raises(ValueError, match="self_watchers must be watchers too"):
        replace(saved, self_watchers=["erik"])


def test_creation_writes_a_created_entry(store: Store) -> None:
    created = store.create_request(new_request())
    assert created.id is not None
    [entry] = store.entries(created.id)
    assert entry.kind == "created" and entry.actor == "ann" and entry.ts == T0
    assert entry.data == {"department": "it", "priority": "normal"}


def test_unknown_request_is_not_found(store: Store) -> None:
    with pytest.raises(NotFoundError, match="999"):
        store.get_request(999)


def test_tasks_are_numbered_and_round_trip(store: Store) -> None:
    tasks = [
        RequestTask(department="hr", title="Contract", due=T0 + 24 * HOUR),
        RequestTask(department="it", title="Laptop", depends_on=[1], assignee="bob"),
        RequestTask(department="facilities", title="Desk", depends_on=[1, 2]),
    ]
    created = store.create_request(new_request("Onboard Dana", workflow="onboarding"), tasks)
    assert created.id is not None
    stored = store.tasks(created.id)
    assert [(t.id, t.title, t.depends_on) for t in stored] == [
        (1, "Contract", []),
        (2, "Laptop", [1]),
        (3, "Desk", [1, 2]),
    ]
    assert stored[1] == replace(tasks[1], request_id=created.id, id=2, version=1)
    assert store.entries(created.id)[0].data["tasks"] == 3


def test_task_dependencies_must_name_earlier_tasks(store: Store) -> None:
    tasks = [
        RequestTask(department="hr", title="A", depends_on=[2]),
        RequestTask(department="it", title="B"),
    ]
    with pytest.raises(ValueError, match=r"\[2\]"):
        store.create_request(new_request(), tasks)
    assert store.list_requests() == []


def test_tasks_for_department_and_update_task(store: Store) -> None:
    first = store.create_request(
        new_request(), [RequestTask(department="it", title="Laptop", due=T0 + 48 * HOUR)]
    )
    second = store.create_request(
        new_request(), [RequestTask(department="it", title="Phone", due=T0 + 24 * HOUR)]
    )
    assert [t.title for t in store.tasks_for_department("it")] == ["Phone", "Laptop"]
    assert second.id is not None and first.id is not None
    [phone] = store.tasks(second.id)
    done = store.update_task(
        replace(phone, status=TaskStatus.DONE, assignee="bob"),
        note(second, "task", message="Phone handed over", data={"task": 1}),
    )
    assert done.version == 2
    assert store.tasks(second.id) == [done]
    assert [t.title for t in store.tasks_for_department("it")] == ["Laptop"]
    assert len(store.tasks_for_department("it", include_finished=True)) == 2
    assert store.entries(second.id)[-1].message == "Phone handed over"
    with pytest.raises(ConflictError, match="changed by someone else"):
        store.update_task(replace(phone, title="stale"), note(second))
    with pytest.raises(NotFoundError):
        store.update_task(replace(phone, id=9), note(second))


def test_idempotent_create_returns_the_first_request(store: Store) -> None:
    first = store.create_request(new_request(), idempotency_key="submit-77")
    again = store.create_request(new_request("something else"), idempotency_key="submit-77")
    assert again == first
    also = store.create_request(new_request(idempotency_key="submit-77"))
    assert also == first
    assert len(store.list_requests()) == 1
    assert first.id is not None and len(store.entries(first.id)) == 1
    assert store.request_by_key("submit-77") == first
    assert store.request_by_key("submit-78") is None


def test_concurrent_creates_with_one_key_make_one_request(store: Store) -> None:
    threads = 8
    barrier = threading.Barrier(threads)
    results: list[Request] = []
    errors: list[BaseException] = []

    def submit() -> None:
        try:
            barrier.wait()
            results.append(store.create_request(new_request(), idempotency_key="double-click"))
        except BaseException as exc:  # reported below; a thread cannot raise into the test
            errors.append(exc)

    workers = [threading.Thread(target=submit) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    assert errors == []
    assert len({r.id for r in results}) == 1 and len(results) == threads
    assert len(store.list_requests()) == 1
    assert results[0].id is not None and len(store.entries(results[0].id)) == 1


def test_update_request_saves_fields_and_appends_entry(store: Store) -> None:
    created = store.create_request(new_request())
    changed = replace(
        created,
        status=RequestStatus.IN_PROGRESS,
        assignee="bob",
        first_responded_at=T0 + HOUR,
        updated=T0 + HOUR,
        linked_articles=["it/vpn"],
    )
    saved = store.update_request(changed, note(created, "status", message="On it"))
    assert saved.version == 2
    assert created.id is not None
    assert store.get_request(created.id) == saved
    assert [e.kind for e in store.entries(created.id)] == ["created", "status"]


def test_lost_updates_are_refused(store: Store) -> None:
    store.add_user(User(username="bob"))  # an assignment saves only to an account
    created = store.create_request(new_request())
    mine = replace(created, assignee="bob")
    theirs = replace(created, priority=Priority.URGENT)
    store.update_request(mine, note(created, "assigned"))
    with pytest.raises(ConflictError, match="changed by someone else"):
        store.update_request(theirs, note(created, "comment", message="lost?"))
    assert created.id is not None
    stored = store.get_request(created.id)
    assert stored.assignee == "bob" and stored.priority is Priority.NORMAL
    assert [e.kind for e in store.entries(created.id)] == ["created", "assigned"]


def test_several_changes_to_one_request_save_together_or_not_at_all(store: Store) -> None:
    for name in ("bob", "carl"):  # an assignment saves only to an account
        store.add_user(User(username=name))
    created = store.create_request(new_request())
    assert created.id is not None
    assigned = replace(created, assignee="bob")
    moved = replace(assigned, status=RequestStatus.IN_PROGRESS, version=created.version + 1)
    saved = store.update_requests(
        [(assigned, note(created, "assigned"), None), (moved, note(created, "status"), None)]
    )
    assert [s.version for s in saved] == [2, 3]
    assert saved[0].status is RequestStatus.NEW and saved[1].assignee == "bob"
    assert store.get_request(created.id) == saved[1]
    assert [e.kind for e in store.entries(created.id)] == ["created", "assigned", "status"]
    # A stale change anywhere in the lot saves none of it.
    again = replace(saved[1], assignee="carl")
    stale = replace(again, status=RequestStatus.TRIAGED)
    with pytest.raises(ConflictError, match="changed by someone else"):
        store.update_requests(
            [(again, note(created, "assigned"), None), (stale, note(created, "status"), None)]
        )
    assert store.get_request(created.id) == saved[1]
    assert len(store.entries(created.id)) == 3


def test_update_of_unknown_request_is_not_found(store: Store) -> None:
    ghost = replace(new_request(), id=999, version=1)
    with pytest.raises(NotFoundError):
        store.update_request(ghost, note(ghost))


def test_a_failed_update_writes_nothing(store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    import kb.store.sql_requests as sql_requests

    created = store.create_request(new_request())

    def broken_insert(*args: object) -> None:
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(sql_requests, "insert_entry", broken_insert)
    with pytest.raises(RuntimeError):
        store.update_request(replace(created, assignee="bob"), note(created))
    assert created.id is not None
    assert store.get_request(created.id) == created


def test_add_entry_and_history_order(store: Store) -> None:
    created = store.create_request(new_request())
    internal = store.add_entry(
        note(created, message="Checked the logs", visible_to_requester=False, data={"n": 1})
    )
    assert internal.id is not None
    assert created.id is not None
    history = store.entries(created.id)
    assert history[-1] == internal
    with pytest.raises(NotFoundError, match="404"):
        store.add_entry(RequestEntry(request_id=404, actor="bob", kind="comment"))


def test_list_filters(store: Store) -> None:
    a = store.create_request(new_request(department="it", assignee="bob"))
    b = store.create_request(new_request(department="hr", requester="carl"))
    c = store.create_request(new_request(department="it", status=RequestStatus.RESOLVED))

    def ids(**filters: object) -> list[int | None]:
        return sorted(r.id for r in store.list_requests(**filters))  # type: ignore[arg-type, type-var]

    assert ids(department="it") == [a.id, c.id]
    assert ids(requester="carl") == [b.id]
    assert ids(assignee="bob") == [a.id]
    assert ids(status=RequestStatus.RESOLVED) == [c.id]
    assert ids(status=[RequestStatus.NEW, RequestStatus.RESOLVED]) == [a.id, b.id, c.id]
    assert ids(department="it", status=RequestStatus.NEW) == [a.id]
    assert ids(department="legal") == []


def test_ordering_and_paging(store: Store) -> None:
    late = store.create_request(new_request("late", resolution_due=T0 + 90 * HOUR))
    none = store.create_request(new_request("no due", resolution_due=None))
    soon = store.create_request(
        new_request("soon", resolution_due=T0 + 10 * HOUR, created=T0 + HOUR, updated=T0 + HOUR)
    )
    by_due = store.list_requests(order_by="due")
    assert [r.query for r in by_due] == ["soon", "late", "no due"]  # no due date last
    by_created = store.list_requests(order_by="created")
    assert [r.id for r in by_created] == [soon.id, none.id, late.id]  # newest first
    page = store.list_requests(order_by="due", limit=1, offset=1)
    assert [r.query for r in page] == ["late"]
    with pytest.raises(ValueError, match="'priority'"):
        store.list_requests(order_by="priority")  # type: ignore[arg-type]


def test_pages_by_cursor_neither_skip_nor_repeat_when_the_list_changes(store: Store) -> None:
    # Three with one due date (ties broken by creation, then id), one without a
    # due date (last), one with an earlier due date.
    made = [
        store.create_request(new_request(f"r{n}", resolution_due=due, created=T0 + n * HOUR))
        for n, due in enumerate([T0 + 50 * HOUR] * 3 + [None, T0 + 20 * HOUR])
    ]
    whole = [r.id for r in store.list_requests(order_by="due")]
    first = store.page_requests(RequestList(order_by="due"), 2)
    assert [r.id for r in first.items] == whole[:2]
    assert (first.total, first.offset, first.more) == (5, 0, True)
    assert first.next_key is not None and first.next_key.id == whole[1]
    # Between the pages the first request of the list closes and leaves an
    # open-only list, which by offset would skip one; a new one joins at its end.
    store.update_request(replace(made[4], status=RequestStatus.CLOSED), note(made[4], "status"))
    joined = store.create_request(new_request("late", resolution_due=None, created=T0 + 9 * HOUR))
    open_only = RequestList(status=tuple(s for s in RequestStatus if s.is_open))
    by_offset = store.page_requests(open_only, 2, offset=2)
    by_cursor = store.page_requests(open_only, 2, after=first.next_key)
    assert [r.id for r in by_cursor.items] == whole[2:4]
    assert by_offset.items[0].id == whole[3]  # what offsets do: whole[2] was skipped
    assert (by_cursor.total, by_cursor.offset, by_cursor.more) == (5, 1, True)
    last = store.page_requests(open_only, 2, after=by_cursor.next_key)
    assert [r.id for r in last.items] == [whole[4], joined.id]
    assert (last.offset, last.more, last.next_key) == (3, False, None)


def test_pages_newest_first_by_cursor(store: Store) -> None:
    same = T0 + HOUR
    made = [store.create_request(new_request(f"r{n}", created=same)) for n in range(3)]
    older = store.create_request(new_request("older", created=T0))
    anns = RequestList(requester="ann", order_by="created")
    first = store.page_requests(anns, 2)
    rest = store.page_requests(anns, 2, after=first.next_key)
    assert [r.id for r in first.items + rest.items] == [
        made[2].id,
        made[1].id,
        made[0].id,
        older.id,
    ]
    assert (rest.total, rest.offset, rest.more) == (4, 2, False)
    empty = store.page_requests(RequestList(requester="nobody", order_by="created"), 5)
    assert (empty.items, empty.total, empty.more, empty.next_key) == ([], 0, False, None)
    with pytest.raises(ValueError, match="not both"):
        store.page_requests(anns, 1, offset=1, after=first.next_key)
    with pytest.raises(ValueError, match="'created' order"):
        store.page_requests(RequestList(), 1, after=first.next_key)


def test_overdue_filter(store: Store) -> None:
    now = T0 + 10 * HOUR
    no_response = store.create_request(new_request("no first response"))
    store.create_request(new_request("answered", first_responded_at=T0 + HOUR))
    late = store.create_request(
        new_request("past resolution", first_responded_at=T0 + HOUR, resolution_due=T0 + 9 * HOUR)
    )
    store.create_request(
        new_request("resolved late", status=RequestStatus.RESOLVED, resolution_due=T0 + HOUR)
    )
    store.create_request(new_request("no targets", first_response_due=None, resolution_due=None))
    overdue = store.list_requests(overdue_at=now)
    assert {r.id for r in overdue} == {no_response.id, late.id}
    assert all(r.is_overdue(now) for r in overdue)
    assert [r.id for r in store.list_requests(overdue_at=now, order_by="due")] == [
        late.id,
        no_response.id,
    ]
    assert store.list_requests(overdue_at=T0) == []


def test_reassignments_feed_routing(store: Store) -> None:
    created = store.create_request(new_request("my payslip is wrong", department="it"))
    moved = replace(created, department="hr", status=RequestStatus.TRIAGED)
    store.update_request(
        moved,
        note(created, "reassigned", data={"from_department": "it", "to_department": "hr"}),
    )
    store.add_entry(note(created, message="unrelated comment"))
    [row] = store.reassignments()
    assert (row.request_id, row.query, row.from_department, row.to_department) == (
        created.id,
        "my payslip is wrong",
        "it",
        "hr",
    )
    assert store.reassignments(since=T0 + 2 * HOUR) == []
