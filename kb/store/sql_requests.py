"""Requests, their tasks and their history in SQL.

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

from sqlalchemy import Connection, Row, and_, insert, or_, select, update

from kb.errors import ConflictError, NotFoundError
from kb.requests.lifecycle import RequestStatus, TaskStatus
from kb.requests.records import Reassignment, Request, RequestEntry, RequestTask, number_tasks
from kb.store.protocols import Announce, RequestOrder
from kb.store.schema import request_entries, request_tasks, requests
from kb.store.sql_base import SqlBase, check_limit, inserted_id
from kb.store.sql_outbox import insert_message
from kb.validators import ensure_optional_utc, ensure_utc

OPEN_STATUSES = tuple(s.value for s in RequestStatus if s.is_open)
UNFINISHED_TASKS = tuple(s.value for s in TaskStatus if not s.is_finished)
# Fields fixed at creation; update_request never writes them.
_CREATION_ONLY = ("id", "created", "idempotency_key", "version")


def _request_row(request: Request) -> dict[str, Any]:
    return {
        "requester": request.requester,
        "query": request.query,
        "description": request.description,
        "department": request.department,
        "assignee": request.assignee,
        "status": request.status.value,
        "priority": request.priority.value,
        "created": request.created,
        "updated": request.updated,
        "first_response_due": request.first_response_due,
        "resolution_due": request.resolution_due,
        "first_responded_at": request.first_responded_at,
        "resolved_at": request.resolved_at,
        "resolution": request.resolution,
        "linked_articles": request.linked_articles,
        "search_id": request.search_id,
        "suggestions_shown": request.suggestions_shown,
        "went_on_anyway": request.went_on_anyway,
        "workflow": request.workflow,
        "request_type": request.request_type,
        "fields": request.fields,
        "idempotency_key": request.idempotency_key,
        "version": request.version,
    }


def _request(row: Row[Any]) -> Request:
    # The columns of `requests` are named exactly like the fields of `Request`.
    return Request(**{c.name: getattr(row, c.name) for c in requests.columns})


def _task_row(task: RequestTask) -> dict[str, Any]:
    return {
        "department": task.department,
        "title": task.title,
        "status": task.status.value,
        "depends_on": task.depends_on,
        "assignee": task.assignee,
        "due": task.due,
    }


def _task(row: Row[Any]) -> RequestTask:
    return RequestTask(
        request_id=row.request_id,
        id=row.task_no,
        department=row.department,
        title=row.title,
        status=row.status,
        depends_on=row.depends_on,
        assignee=row.assignee,
        due=row.due,
        version=row.version,
    )


def _entry(row: Row[Any]) -> RequestEntry:
    return RequestEntry(
        id=row.id,
        request_id=row.request_id,
        ts=row.ts,
        actor=row.actor,
        kind=row.kind,
        message=row.message,
        data=row.data,
        visible_to_requester=row.visible_to_requester,
    )


def _announce(
    conn: Connection, announce: Announce | None, request: Request, entry: RequestEntry
) -> None:
    """Queue the messages announcing `entry` in the transaction that stored it."""
    if announce is not None:
        for message in announce(request, entry):
            insert_message(conn, message)


def _insert_entry(conn: Connection, entry: RequestEntry) -> RequestEntry:
    result = conn.execute(
        insert(request_entries).values(
            request_id=entry.request_id,
            ts=entry.ts,
            actor=entry.actor,
            kind=entry.kind,
            message=entry.message,
            data=entry.data,
            visible_to_requester=entry.visible_to_requester,
        )
    )
    return replace(entry, id=inserted_id(result))


class SqlRequests(SqlBase):
    """The requests part of `SqlStore`."""

    def create_request(
        self,
        request: Request,
        tasks: Sequence[RequestTask] = (),
        idempotency_key: str | None = None,
        announce: Announce | None = None,
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
                existing = self._find_by_key(conn, key)
                if existing is not None:
                    return existing
                stored, created = self._insert_request(conn, request, tasks)
                _announce(conn, announce, stored, created)
                return stored
        except ConflictError:
            # Another process inserted the same key between our lookup and insert;
            # the unique index refused ours, so theirs is the request to return.
            with self._read("read a request by idempotency key") as conn:
                existing = self._find_by_key(conn, key)
            if existing is None:
                raise
            return existing

    def _find_by_key(self, conn: Connection, key: str | None) -> Request | None:
        if key is None:
            return None
        row = conn.execute(select(requests).where(requests.c.idempotency_key == key)).first()
        return None if row is None else _request(row)

    def _insert_request(
        self, conn: Connection, request: Request, tasks: list[RequestTask]
    ) -> tuple[Request, RequestEntry]:
        result = conn.execute(insert(requests).values(_request_row(request)))
        stored = replace(request, id=inserted_id(result))
        assert stored.id is not None
        for task in tasks:
            conn.execute(
                insert(request_tasks).values(
                    request_id=stored.id, task_no=task.id, version=1, **_task_row(task)
                )
            )
        data: dict[str, Any] = {"department": stored.department, "priority": stored.priority.value}
        if stored.workflow:
            data["workflow"] = stored.workflow
        if tasks:
            data["tasks"] = len(tasks)
        created = _insert_entry(
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
            raise NotFoundError(f"no request with id {request_id!r}", details={"id": request_id})
        return _request(row)

    def list_requests(
        self,
        *,
        department: str | None = None,
        requester: str | None = None,
        status: RequestStatus | Sequence[RequestStatus] | None = None,
        assignee: str | None = None,
        overdue_at: datetime | None = None,
        order_by: RequestOrder = "due",
        limit: int | None = None,
        offset: int = 0,
    ) -> list[Request]:
        check_limit(limit, offset)
        query = select(requests)
        if department is not None:
            query = query.where(requests.c.department == department)
        if requester is not None:
            query = query.where(requests.c.requester == requester)
        if assignee is not None:
            query = query.where(requests.c.assignee == assignee)
        if status is not None:
            wanted = [status] if isinstance(status, str) else list(status)
            query = query.where(requests.c.status.in_([RequestStatus(s).value for s in wanted]))
        if overdue_at is not None:
            at = ensure_utc("overdue_at", overdue_at)
            query = query.where(
                requests.c.status.in_(OPEN_STATUSES),
                or_(
                    requests.c.resolution_due < at,
                    and_(
                        requests.c.first_responded_at.is_(None),
                        requests.c.first_response_due < at,
                    ),
                ),
            )
        if order_by == "due":
            query = query.order_by(
                requests.c.resolution_due.asc().nulls_last(),
                requests.c.created,
                requests.c.id,
            )
        elif order_by == "created":
            query = query.order_by(requests.c.created.desc(), requests.c.id.desc())
        else:
            raise ValueError(f"order_by must be 'due' or 'created', got {order_by!r}")
        if limit is not None:
            query = query.limit(limit)
        if offset:
            query = query.offset(offset)
        with self._read("list requests") as conn:
            return [_request(row) for row in conn.execute(query)]

    def update_request(
        self, request: Request, entry: RequestEntry, announce: Announce | None = None
    ) -> Request:
        if request.id is None:
            raise ValueError("update_request needs a stored request (its id is None)")
        if entry.request_id != request.id:
            raise ValueError(
                f"the entry belongs to request {entry.request_id!r}, not {request.id!r}"
            )
        values = {k: v for k, v in _request_row(request).items() if k not in _CREATION_ONLY}
        with self._write("update a request") as conn:
            result = conn.execute(
                update(requests)
                .where(requests.c.id == request.id, requests.c.version == request.version)
                .values(**values, version=request.version + 1)
            )
            if result.rowcount == 0:
                self._refuse_stale(conn, request.id, request.version)
            saved = replace(request, version=request.version + 1)
            _announce(conn, announce, saved, _insert_entry(conn, entry))
        return saved

    def _refuse_stale(self, conn: Connection, request_id: int, seen: int) -> None:
        stored = conn.execute(
            select(requests.c.version).where(requests.c.id == request_id)
        ).scalar()
        if stored is None:
            raise NotFoundError(f"no request with id {request_id!r}", details={"id": request_id})
        raise ConflictError(
            f"request {request_id} was changed by someone else (version {seen} is now "
            f"{stored}); reload it and apply your change again",
            details={"id": request_id, "version": seen, "stored_version": stored},
        )

    def add_entry(self, entry: RequestEntry) -> RequestEntry:
        if entry.id is not None:
            raise ValueError(f"a new entry must not have an id yet, got id={entry.id!r}")
        try:
            with self._write("add a history entry") as conn:
                return _insert_entry(conn, entry)
        except ConflictError as exc:
            raise NotFoundError(
                f"no request with id {entry.request_id!r}", details={"id": entry.request_id}
            ) from exc

    def entries(self, request_id: int) -> list[RequestEntry]:
        query = (
            select(request_entries)
            .where(request_entries.c.request_id == request_id)
            .order_by(request_entries.c.ts, request_entries.c.id)
        )
        with self._read("read a request's history") as conn:
            return [_entry(row) for row in conn.execute(query)]

    def tasks(self, request_id: int) -> list[RequestTask]:
        query = (
            select(request_tasks)
            .where(request_tasks.c.request_id == request_id)
            .order_by(request_tasks.c.task_no)
        )
        with self._read("read a request's tasks") as conn:
            return [_task(row) for row in conn.execute(query)]

    def tasks_for_department(
        self, department: str, *, include_finished: bool = False
    ) -> list[RequestTask]:
        query = select(request_tasks).where(request_tasks.c.department == department)
        if not include_finished:
            query = query.where(request_tasks.c.status.in_(UNFINISHED_TASKS))
        query = query.order_by(
            request_tasks.c.due.asc().nulls_last(),
            request_tasks.c.request_id,
            request_tasks.c.task_no,
        )
        with self._read("read a department's tasks") as conn:
            return [_task(row) for row in conn.execute(query)]

    def update_task(
        self, task: RequestTask, entry: RequestEntry, announce: Announce | None = None
    ) -> RequestTask:
        if task.request_id is None or task.id is None:
            raise ValueError("update_task needs a stored task (request_id and id set)")
        if entry.request_id != task.request_id:
            raise ValueError(
                f"the entry belongs to request {entry.request_id!r}, not {task.request_id!r}"
            )
        where = (
            request_tasks.c.request_id == task.request_id,
            request_tasks.c.task_no == task.id,
        )
        with self._write("update a task") as conn:
            result = conn.execute(
                update(request_tasks)
                .where(*where, request_tasks.c.version == task.version)
                .values(**_task_row(task), version=task.version + 1)
            )
            if result.rowcount == 0:
                stored = conn.execute(select(request_tasks.c.version).where(*where)).scalar()
                if stored is None:
                    raise NotFoundError(
                        f"request {task.request_id!r} has no task {task.id!r}",
                        details={"request_id": task.request_id, "task": task.id},
                    )
                raise ConflictError(
                    f"task {task.id} of request {task.request_id} was changed by someone "
                    f"else (version {task.version} is now {stored}); reload it and try again",
                    details={"request_id": task.request_id, "task": task.id},
                )
            stored_entry = _insert_entry(conn, entry)
            if announce is not None:
                row = conn.execute(select(requests).where(requests.c.id == task.request_id)).one()
                _announce(conn, announce, _request(row), stored_entry)
        return replace(task, version=task.version + 1)

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
            )
            for row in rows
        ]
