"""A department's requests moved (`kb requests move-department`, after its folder
was renamed or removed) while other connections write requests of it, on both
backends: a request filed into the old queue, and one moved out of it, in the
middle of the move. Every request the move moves gets its history entry, and
only those; the move names exactly those it moved; what it could not see stays
in the old queue, where the admins' queue list finds it."""

from __future__ import annotations

import threading
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import event

from kb.errors import ConflictError
from kb.requests.lifecycle import TaskStatus
from kb.requests.records import Request, RequestEntry, RequestTask
from kb.store.protocols import Store

NOW = datetime(2026, 12, 5, 12, 0, tzinfo=UTC)


def _moves(store: Store, request_id: int) -> list[RequestEntry]:
    return [
        e
        for e in store.entries(request_id)
        if e.kind == "reassigned" and e.data.get("renamed") and e.actor == "root"
    ]


def test_requests_written_while_a_department_moves_are_moved_with_their_entry_or_left(
    store: Store,
) -> None:
    staying = store.create_request(Request(requester="ann", query="VPN", department="it-old"), [])
    leaving = store.create_request(Request(requester="bob", query="Mail", department="it-old"), [])
    assert staying.id is not None and leaving.id is not None
    late: dict[str, Any] = {}

    def others_write() -> None:
        # Another agent and another employee, on their own connections.
        filed = store.create_request(
            Request(requester="cy", query="Wi-Fi", department="it-old"), []
        )
        late["filed"] = filed.id
        moved = replace(leaving, department="hr")
        note = RequestEntry(
            request_id=leaving.id or 0,
            actor="ian",
            kind="reassigned",
            data={"from_department": "it-old", "to_department": "hr"},
            ts=NOW,
        )
        try:
            store.update_request(moved, note)
        except ConflictError:  # the move came first: its version is stale, nothing saved
            late["stale"] = True

    # Right before the move rewrites the queue: the others write (and commit,
    # where the database lets them while the move runs).
    writer = threading.Thread(target=others_write)
    moved = _move_with(store, "UPDATE REQUESTS SET DEPARTMENT", writer, late)
    assert not writer.is_alive() and "filed" in late
    in_new = {rid for rid in (staying.id, leaving.id, late["filed"]) if _dept(store, rid) == "it"}
    # The move names exactly the requests it moved, each with one entry of it.
    assert set(moved.requests) == in_new
    for rid in (staying.id, leaving.id, late["filed"]):
        assert len(_moves(store, rid)) == (1 if rid in in_new else 0), rid
    assert _dept(store, staying.id) == "it"
    # Moved out by the agent, before or after the move: never back in a queue by it.
    assert _dept(store, leaving.id) in ("hr", "it")
    # A request the move could not see stays where the admins' queue list finds it.
    use = {u.department: u.requests for u in store.department_use()}
    left = [rid for rid in (staying.id, leaving.id, late["filed"]) if _dept(store, rid) == "it-old"]
    assert use.get("it-old", 0) == len(left)


def _move_with(store: Store, statement: str, other: threading.Thread, seen: dict[str, Any]) -> Any:
    """`it-old` moved to `it`, with `other` started (and given two seconds) right
    before the move's first statement that begins with `statement`; waits for it."""
    engine = store.engine  # type: ignore[attr-defined]

    def before(conn: Any, cursor: Any, sql: str, *args: Any) -> None:
        if sql.lstrip().upper().startswith(statement) and "started" not in seen:
            seen["started"] = True
            other.start()
            other.join(timeout=2)

    event.listen(engine, "before_cursor_execute", before)
    try:
        moved = store.move_department("it-old", "it", "root", "Folder renamed", NOW)
    finally:
        event.remove(engine, "before_cursor_execute", before)
    other.join(timeout=60)
    return moved


def _dept(store: Store, request_id: int) -> str:
    return store.get_request(request_id).department


def test_a_task_saved_while_its_department_moves_waits_and_never_deadlocks(
    store: Store,
) -> None:
    """An agent saves a task of the moving department on a request of another
    queue, at the moment the move has rewritten the tasks and is about to note
    their requests: the save waits for the move (or is told the task changed
    meanwhile) and the move goes through. Before, the move held the task and
    waited for its request while the save held the request and waited for the
    task: PostgreSQL aborted one of them."""
    filed = store.create_request(
        Request(requester="ann", query="New hire", department="hr"),
        [RequestTask(department="it-old", title="Laptop")],
    )
    assert filed.id is not None
    [task] = store.tasks(filed.id)
    saved: dict[str, Any] = {}

    def agent_saves() -> None:
        done = replace(task, status=TaskStatus.DONE)
        entry = RequestEntry(
            request_id=filed.id or 0, actor="ian", kind="task", data={"task": task.id}, ts=NOW
        )
        try:
            saved["task"] = store.update_task(done, entry)
        except Exception as exc:  # what the agent would be told
            saved["error"] = exc

    # The move has rewritten the tasks; next it notes their requests.
    agent = threading.Thread(target=agent_saves)
    moved = _move_with(store, "UPDATE REQUESTS SET VERSION", agent, saved)
    assert not agent.is_alive() and "started" in saved
    assert moved.requests == () and moved.with_tasks == (filed.id,)
    error = saved.get("error")
    # Waited for the move, then found the task's version moved on: told so, nothing saved.
    assert error is None or (isinstance(error, ConflictError) and error.key == "changed_meanwhile")
    [after] = store.tasks(filed.id)
    assert after.department == "it"
    assert after.status is (TaskStatus.DONE if error is None else TaskStatus.OPEN)
