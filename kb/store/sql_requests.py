"""Requests and their history in SQL (their tasks: `kb.store.sql_tasks`).

Lost updates are refused with a version column: every update names the
version it was based on (`WHERE version = :seen`) and bumps it, so of two
agents saving the same request the second gets ConflictError instead of
silently undoing the first one's change.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Connection, and_, func, insert, or_, select, update

from kb.accounts.records import User
from kb.attachments.records import Attachment
from kb.errors import ConflictError
from kb.requests.lifecycle import RequestStatus
from kb.requests.paging import Page, PageKey, RequestList
from kb.requests.records import (
    Reassignment,
    Request,
    RequestEntry,
    RequestTask,
    Suggestion,
    number_tasks,
)
from kb.store.protocols import Announce, RequestOrder
from kb.store.schema import request_entries, request_tasks, requests
from kb.store.sql_account_names import require_assignee, require_requester
from kb.store.sql_attachments import insert_attachments
from kb.store.sql_base import SqlBase, check_limit, inserted_id
from kb.store.sql_replays import mark_posted
from kb.store.sql_request_rows import announce as announce_entry
from kb.store.sql_request_rows import (
    entry_record,
    insert_entry,
    no_request,
    request_record,
    request_row,
    task_row,
)
from kb.store.sql_request_search import request_with_key
from kb.validators import ensure_optional_utc, ensure_utc, normal_name

OPEN_STATUSES = tuple(s.value for s in RequestStatus if s.is_open)
# Fields fixed at creation; update_request never writes them.
_CREATION_ONLY = ("id", "created", "idempotency_key", "version")


class SqlRequests(SqlBase):
    """The requests part of `SqlStore`."""

    def create_request(
        self,
        request: Request,
        tasks: Sequence[RequestTask] = (),
        idempotency_key: str | None = None,
        announce: Announce | None = None,
        suggestion: Suggestion | None = None,
        *,
        account: User | None = None,
    ) -> Request:
        if request.id is not None:
            raise ValueError(f"a new request must not have an id yet, got id={request.id!r}")
        if idempotency_key is not None and request.idempotency_key not in (None, idempotency_key):
            raise ValueError(
                f"two different idempotency keys given: {idempotency_key!r} and "
                f"{request.idempotency_key!r}"
            )
        key = idempotency_key or request.idempotency_key
        request = replace(request, idempotency_key=key, version=1)
        tasks = number_tasks(tasks)
        try:
            with self._write("create a request") as conn:
                existing = request_with_key(conn, key)
                if existing is not None:
                    return existing
                if account is not None:  # after the retry: a retry files nothing
                    require_requester(conn, request, account)
                stored, created = self._insert_request(conn, request, tasks, suggestion)
                announce_entry(conn, announce, stored, created)
                return stored
        except ConflictError:
            # Another process inserted the same key between our lookup and insert;
            # the unique index refused ours, so theirs is the request to return.
            with self._read("read a request by idempotency key") as conn:
                existing = request_with_key(conn, key)
            if existing is None:
                raise
            return existing

    def _insert_request(
        self,
        conn: Connection,
        request: Request,
        tasks: list[RequestTask],
        suggestion: Suggestion | None,
    ) -> tuple[Request, RequestEntry]:
        result = conn.execute(insert(requests).values(request_row(request)))
        stored = replace(request, id=inserted_id(result))
        assert stored.id is not None
        for task in tasks:
            conn.execute(
                insert(request_tasks).values(
                    request_id=stored.id, task_no=task.id, version=1, **task_row(task)
                )
            )
        data: dict[str, Any] = {"department": stored.department, "priority": stored.priority.value}
        if stored.workflow:
            data["workflow"] = stored.workflow
        if tasks:
            data["tasks"] = len(tasks)
        if suggestion is not None:
            data |= suggestion.as_entry_data()
        created = insert_entry(
            conn,
            RequestEntry(
                request_id=stored.id,
                actor=stored.requester,
                kind="created",
                ts=stored.created,
                data=data,
            ),
        )
        return stored, created

    def get_request(self, request_id: int) -> Request:
        with self._read("read a request") as conn:
            row = conn.execute(select(requests).where(requests.c.id == request_id)).first()
        if row is None:
            raise no_request(request_id)
        return request_record(row)

    def get_requests(self, request_ids: Sequence[int]) -> dict[int, Request]:
        wanted = sorted(set(request_ids))
        if not wanted:
            return {}
        with self._read("read requests") as conn:
            rows = conn.execute(select(requests).where(requests.c.id.in_(wanted)))
            return {row.id: request_record(row) for row in rows}

    def list_requests(
        self,
        *,
        department: str | None = None,
        departments: Sequence[str] | None = None,
        linked_only: bool = False,
        requester: str | None = None,
        status: RequestStatus | Sequence[RequestStatus] | None = None,
        assignee: str | None = None,
        overdue_at: datetime | None = None,
        order_by: RequestOrder = "due",
        limit: int | None = None,
        offset: int = 0,
    ) -> list[Request]:
        check_limit(limit, offset)
        statuses = [status] if isinstance(status, str) else status
        wanted = RequestList(
            department=department,
            departments=None if departments is None else tuple(departments),
            linked_only=linked_only,
            requester=requester,
            status=None if statuses is None else tuple(statuses),
            assignee=assignee,
            overdue_at=overdue_at,
            order_by=order_by,
        )
        query = select(requests).where(*_conditions(wanted))
        query = query.order_by(*_order(order_by))
        if limit is not None:
            query = query.limit(limit)
        if offset:
            query = query.offset(offset)
        with self._read("list requests") as conn:
            return [request_record(row) for row in conn.execute(query)]

    def page_requests(
        self, wanted: RequestList, limit: int, offset: int = 0, after: PageKey | None = None
    ) -> Page[Request]:
        check_limit(limit, offset)
        if limit < 1:
            raise ValueError(f"a page holds at least one request, got limit={limit!r}")
        if after is not None and offset:
            raise ValueError(f"give offset or after, not both (offset={offset!r})")
        order_by = wanted.order_by
        order = _order(order_by)
        if after is not None and after.order != order_by:
            raise ValueError(f"the key is of a list in {after.order!r} order, not {order_by!r}")
        where = _conditions(wanted)
        following = [] if after is None else [_after(after)]
        query = select(requests).where(*where, *following).order_by(*order).limit(limit + 1)
        if offset:
            query = query.offset(offset)
        # One snapshot for the counts and the rows, so they agree with each other.
        with self._read("page requests") as conn:
            total = _count(conn, where)
            before = offset if after is None else total - _count(conn, [*where, *following])
            rows = [request_record(row) for row in conn.execute(query)]
        shown, more = rows[:limit], len(rows) > limit
        last = shown[-1] if more and shown else None
        return Page(
            items=shown,
            total=total,
            offset=before,
            more=more,
            next_key=None if last is None else page_key(order_by, last),
        )

    def update_request(
        self,
        request: Request,
        entry: RequestEntry,
        announce: Announce | None = None,
        attachments: Sequence[Attachment] = (),
    ) -> Request:
        _check_change(request, entry)
        with self._write("update a request") as conn:
            require_assignee(conn, request, entry)
            return self._save(conn, request, entry, announce, attachments)

    def update_requests(
        self, changes: Sequence[tuple[Request, RequestEntry, Announce | None]]
    ) -> list[Request]:
        for request, entry, _ in changes:
            _check_change(request, entry)
        saved: dict[int, Request] = {}
        with self._write("update requests") as conn:
            # Accounts first, before any request's row: a rename waiting on a row
            # saved here would otherwise wait for this, which waits for it.
            for request, entry, _ in changes:
                require_assignee(conn, request, entry)
            # In id order: two transactions saving the same requests then take
            # their row locks in one order, so PostgreSQL never deadlocks them.
            # The sort is stable: changes to one request keep the order given.
            order = sorted(enumerate(changes), key=lambda c: c[1][0].id or 0)
            for position, (request, entry, announce) in order:
                saved[position] = self._save(conn, request, entry, announce, ())
        return [saved[position] for position in range(len(changes))]

    def _save(
        self,
        conn: Connection,
        request: Request,
        entry: RequestEntry,
        announce: Announce | None,
        attachments: Sequence[Attachment],
    ) -> Request:
        assert request.id is not None
        values = {k: v for k, v in request_row(request).items() if k not in _CREATION_ONLY}
        result = conn.execute(
            update(requests)
            .where(requests.c.id == request.id, requests.c.version == request.version)
            .values(**values, version=request.version + 1)
        )
        if result.rowcount == 0:
            self._refuse_stale(conn, request.id, request.version)
        saved = replace(request, version=request.version + 1)
        stored = insert_entry(conn, entry)
        files = insert_attachments(conn, attachments, stored)
        announce_entry(conn, announce, saved, stored)
        # A call sent with an idempotency key is answered with its change, in
        # this transaction: a retry never posts it again (`kb.store.replays`).
        posted = {"request": saved.id, "entry": stored.id, "attachments": [f.id for f in files]}
        mark_posted(conn, posted)
        return saved

    def _refuse_stale(self, conn: Connection, request_id: int, seen: int) -> None:
        stored = conn.execute(
            select(requests.c.version).where(requests.c.id == request_id)
        ).scalar()
        if stored is None:
            raise no_request(request_id)
        raise ConflictError(
            f"request {request_id} was changed by someone else (version {seen} is now "
            f"{stored}); reload it and apply your change again",
            details={"id": request_id, "version": seen, "stored_version": stored},
            key="changed_meanwhile",
            values={"id": request_id},
        )

    def add_entry(self, entry: RequestEntry) -> RequestEntry:
        if entry.id is not None:
            raise ValueError(f"a new entry must not have an id yet, got id={entry.id!r}")
        try:
            with self._write("add a history entry") as conn:
                return insert_entry(conn, entry)
        except ConflictError as exc:
            raise no_request(entry.request_id) from exc

    def entries(self, request_id: int) -> list[RequestEntry]:
        query = (
            select(request_entries)
            .where(request_entries.c.request_id == request_id)
            .order_by(request_entries.c.ts, request_entries.c.id)
        )
        with self._read("read a request's history") as conn:
            return [entry_record(row) for row in conn.execute(query)]

    def reassignments(self, since: datetime | None = None) -> list[Reassignment]:
        since = ensure_optional_utc("since", since)
        query = (
            select(request_entries, requests.c.query)
            .join(requests, requests.c.id == request_entries.c.request_id)
            .where(request_entries.c.kind == "reassigned")
            .order_by(request_entries.c.ts, request_entries.c.id)
        )
        if since is not None:
            query = query.where(request_entries.c.ts >= since)
        with self._read("read reassignments") as conn:
            rows = conn.execute(query).all()
        return [
            Reassignment(
                request_id=row.request_id,
                query=row.query,
                from_department=row.data["from_department"],
                to_department=row.data["to_department"],
                ts=row.ts,
                renamed=bool(row.data.get("renamed")),
            )
            for row in rows
        ]


def _conditions(wanted: RequestList) -> list[ColumnElement[bool]]:
    """The WHERE conditions of a request list's filters."""
    c = requests.c
    found: list[ColumnElement[bool]] = []
    if wanted.department is not None:
        # A queue's name as typed on macOS (NFD) is the department's (NFC) too.
        found.append(c.department == normal_name(wanted.department))
    if wanted.departments is not None:
        found.append(c.department.in_([normal_name(d) for d in wanted.departments]))
    if wanted.linked_only:  # the column's JSON text of no articles
        found.append(c.linked_articles != [])
    if wanted.requester is not None:
        found.append(c.requester == wanted.requester)
    if wanted.assignee is not None:
        found.append(c.assignee == wanted.assignee)
    if wanted.status is not None:
        found.append(c.status.in_([s.value for s in wanted.status]))
    if wanted.overdue_at is not None:
        at = ensure_utc("overdue_at", wanted.overdue_at)
        found.append(requests.c.status.in_(OPEN_STATUSES))
        found.append(
            or_(
                requests.c.resolution_due < at,
                and_(requests.c.first_responded_at.is_(None), requests.c.first_response_due < at),
            )
        )
    return found


def _order(order_by: RequestOrder) -> list[ColumnElement[Any]]:
    """ORDER BY of a list; the id last, so that equal keys keep one order."""
    c = requests.c
    if order_by == "due":
        return [c.resolution_due.asc().nulls_last(), c.created, c.id]
    if order_by == "created":
        return [c.created.desc(), c.id.desc()]
    raise ValueError(f"order_by must be 'due' or 'created', got {order_by!r}")


def page_key(order_by: RequestOrder, request: Request) -> PageKey:
    """The key of `request` in a list in `order_by` order."""
    assert request.id is not None
    return PageKey(order_by, request.resolution_due, request.created, request.id)


def _after(key: PageKey) -> ColumnElement[bool]:
    """The requests that sort after `key` in its order (the keyset of `_order`)."""
    c = requests.c
    if key.order == "created":
        return or_(c.created < key.created, and_(c.created == key.created, c.id < key.id))
    later = or_(c.created > key.created, and_(c.created == key.created, c.id > key.id))
    if key.due is None:  # no due date sorts last: only those without one follow
        return and_(c.resolution_due.is_(None), later)
    return or_(
        c.resolution_due > key.due,
        c.resolution_due.is_(None),
        and_(c.resolution_due == key.due, later),
    )


def _count(conn: Connection, where: Sequence[ColumnElement[bool]]) -> int:
    return int(conn.execute(select(func.count()).select_from(requests).where(*where)).scalar_one())


def _check_change(request: Request, entry: RequestEntry) -> None:
    if request.id is None:
        raise ValueError("update_request needs a stored request (its id is None)")
    if entry.request_id != request.id:
        raise ValueError(f"the entry belongs to request {entry.request_id!r}, not {request.id!r}")
