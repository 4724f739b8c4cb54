"""The tasks of value-stream requests in SQL: reading them and saving one.

A task is saved like a request: its version must still be the stored one
(`ConflictError` otherwise), and its history entry and announcements go in
the same transaction. A department's unfinished tasks are paged by cursor
(`TaskKey`) in the order of `tasks_for_department`.

A task is worked (finished, taken, handed over) only while its request is
open, checked in the saving transaction with the request's row locked
(`_require_open_request`): the service's check ran before it, and a close
saved in between would otherwise get a task finished on a closed request,
with its history entry. Cancelling, which the close itself does, goes
through regardless.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from sqlalchemy import ColumnElement, Connection, and_, func, or_, select, update

from kb.errors import ConflictError, NotFoundError
from kb.requests.lifecycle import RequestStatus, TaskStatus
from kb.requests.paging import Page, TaskKey
from kb.requests.records import RequestEntry, RequestTask
from kb.store.protocols import Announce
from kb.store.schema import request_tasks, requests
from kb.store.sql_base import SqlBase, check_limit
from kb.store.sql_request_rows import announce as announce_entry
from kb.store.sql_request_rows import (
    insert_entry,
    no_request,
    request_record,
    task_record,
    task_row,
)
from kb.validators import normal_name

UNFINISHED_TASKS = tuple(s.value for s in TaskStatus if not s.is_finished)


class SqlRequestTasks(SqlBase):
    """The tasks part of `SqlStore`."""

    def tasks(self, request_id: int) -> list[RequestTask]:
        query = (
            select(request_tasks)
            .where(request_tasks.c.request_id == request_id)
            .order_by(request_tasks.c.task_no)
        )
        with self._read("read a request's tasks") as conn:
            return [task_record(row) for row in conn.execute(query)]

    def tasks_of(self, request_ids: Sequence[int]) -> dict[int, list[RequestTask]]:
        wanted = sorted(set(request_ids))
        found: dict[int, list[RequestTask]] = {i: [] for i in wanted}
        if not wanted:
            return found
        query = (
            select(request_tasks)
            .where(request_tasks.c.request_id.in_(wanted))
            .order_by(request_tasks.c.request_id, request_tasks.c.task_no)
        )
        with self._read("read the tasks of requests") as conn:
            for row in conn.execute(query):
                found[row.request_id].append(task_record(row))
        return found

    def tasks_for_department(
        self, department: str, *, include_finished: bool = False
    ) -> list[RequestTask]:
        query = select(request_tasks).where(*_department_tasks(department, include_finished))
        with self._read("read a department's tasks") as conn:
            return [task_record(row) for row in conn.execute(query.order_by(*_TASK_ORDER))]

    def page_tasks(
        self, department: str, limit: int, after: TaskKey | None = None
    ) -> Page[RequestTask]:
        check_limit(limit, 0)
        if limit < 1:
            raise ValueError(f"a page holds at least one task, got limit={limit!r}")
        where = _department_tasks(department, include_finished=False)
        following = [] if after is None else [_after(after)]
        query = (
            select(request_tasks).where(*where, *following).order_by(*_TASK_ORDER).limit(limit + 1)
        )
        # One snapshot for the counts and the rows, so they agree with each other.
        with self._read("page a department's tasks") as conn:
            total = _count(conn, where)
            before = 0 if after is None else total - _count(conn, [*where, *following])
            rows = [task_record(row) for row in conn.execute(query)]
        shown, more = rows[:limit], len(rows) > limit
        last = shown[-1] if more and shown else None
        key = None
        if last is not None:
            assert last.request_id is not None and last.id is not None
            key = TaskKey(last.due, last.request_id, last.id)
        return Page(items=shown, total=total, offset=before, more=more, next_key=key)

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
            if task.status is not TaskStatus.CANCELLED:
                _require_open_request(conn, task)
            result = conn.execute(
                update(request_tasks)
                .where(*where, request_tasks.c.version == task.version)
                .values(**task_row(task), version=task.version + 1)
            )
            if result.rowcount == 0:
                stored = conn.execute(select(request_tasks.c.version).where(*where)).scalar()
                if stored is None:
                    raise NotFoundError(
                        f"request {task.request_id!r} has no task {task.id!r}",
                        details={"request_id": task.request_id, "task": task.id},
                        key="no_task",
                        values={"id": task.request_id, "task": task.id},
                    )
                raise ConflictError(
                    f"task {task.id} of request {task.request_id} was changed by someone "
                    f"else (version {task.version} is now {stored}); reload it and try again",
                    details={"request_id": task.request_id, "task": task.id},
                    key="changed_meanwhile",
                    values={"id": task.request_id},
                )
            stored_entry = insert_entry(conn, entry)
            if announce is not None:
                row = conn.execute(select(requests).where(requests.c.id == task.request_id)).one()
                announce_entry(conn, announce, request_record(row), stored_entry)
        return replace(task, version=task.version + 1)


def _require_open_request(conn: Connection, task: RequestTask) -> None:
    """ConflictError unless the task's request is open now. Its row stays locked
    (PostgreSQL; SQLite's writers are serialised) until the task is saved: a
    close waits for this save and then cancels what is still open, or commits
    first and is seen here."""
    found = (
        select(requests.c.status).where(requests.c.id == task.request_id).with_for_update(read=True)
    )
    status = conn.execute(found).scalar()
    if status is None:
        raise no_request(task.request_id or 0)
    if RequestStatus(status).is_open:
        return
    raise ConflictError(
        f"request {task.request_id} is {status} (closed meanwhile); nothing was saved: "
        "reopen it before working its tasks",
        details={"request": task.request_id, "task": task.id, "status": status},
        key="task_request_closed",
        values={"id": task.request_id},
    )


_TASK_ORDER = (
    request_tasks.c.due.asc().nulls_last(),
    request_tasks.c.request_id,
    request_tasks.c.task_no,
)


def _department_tasks(department: str, include_finished: bool) -> list[ColumnElement[bool]]:
    found = [request_tasks.c.department == normal_name(department)]  # NFD typed: NFC
    if not include_finished:
        found.append(request_tasks.c.status.in_(UNFINISHED_TASKS))
    return found


def _after(key: TaskKey) -> ColumnElement[bool]:
    """The tasks that sort after `key` in `_TASK_ORDER` (no due date sorts last)."""
    c = request_tasks.c
    later = or_(
        c.request_id > key.request_id,
        and_(c.request_id == key.request_id, c.task_no > key.task_no),
    )
    if key.due is None:
        return and_(c.due.is_(None), later)
    return or_(c.due > key.due, c.due.is_(None), and_(c.due == key.due, later))


def _count(conn: Connection, where: Sequence[ColumnElement[bool]]) -> int:
    query = select(func.count()).select_from(request_tasks).where(*where)
    return int(conn.execute(query).scalar_one())
