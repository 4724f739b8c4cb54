"""The tasks of value-stream requests in SQL: reading them and saving one.

A task is saved like a request: its version must still be the stored one
(`ConflictError` otherwise), and its history entry and announcements go in
the same transaction.
"""

from __future__ import annotations

from dataclasses import replace

from sqlalchemy import select, update

from kb.errors import ConflictError, NotFoundError
from kb.requests.lifecycle import TaskStatus
from kb.requests.records import RequestEntry, RequestTask
from kb.store.protocols import Announce
from kb.store.schema import request_tasks, requests
from kb.store.sql_base import SqlBase
from kb.store.sql_request_rows import announce as announce_entry
from kb.store.sql_request_rows import insert_entry, request_record, task_record, task_row

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
            return [task_record(row) for row in conn.execute(query)]

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
