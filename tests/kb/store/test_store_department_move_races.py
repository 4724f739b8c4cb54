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
from kb.requests.records import Request, RequestEntry
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
    engine = store.engine  # type: ignore[attr-defined]
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

    writer = threading.Thread(target=others_write)

    def before(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        # Right before the move rewrites the queue: the others write (and commit,
        # where the database lets them while the move runs).
        rewrite = statement.lstrip().upper().startswith("UPDATE REQUESTS SET DEPARTMENT")
        if rewrite and "started" not in late:
            late["started"] = True
            writer.start()
            writer.join(timeout=2)

    event.listen(engine, "before_cursor_execute", before)
    try:
        moved = store.move_department("it-old", "it", "root", "Folder renamed", NOW)
    finally:
        event.remove(engine, "before_cursor_execute", before)
    writer.join(timeout=60)
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


def _dept(store: Store, request_id: int) -> str:
    return store.get_request(request_id).department
