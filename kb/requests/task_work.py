"""Working the tasks of value-stream requests: task queues, completing tasks.

Completing a task (an agent of the task's department) may unblock others:
their departments are told that their task can start. A new request moves to
in_progress with its first completed task, and resolves by itself when its
last task is finished. Closing a request cancels its open tasks.
"""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import suppress
from dataclasses import dataclass, replace
from datetime import datetime

from kb.accounts.records import User
from kb.errors import ConflictError, NotFoundError
from kb.notify.outbox import OutboxMessage
from kb.notify.topics import Topic
from kb.requests import entry_notes, permissions
from kb.requests.department_moves import require_listed_queue
from kb.requests.departments import Departments
from kb.requests.ledger import SAVE_ATTEMPTS, Ledger, Step, new_entry
from kb.requests.lifecycle import RequestStatus, TaskStatus
from kb.requests.paging import Page, Paging
from kb.requests.records import Request, RequestEntry, RequestTask
from kb.requests.resolution import resolved
from kb.requests.starting import started
from kb.requests.tasks import Progress, named_tasks, newly_unblocked, progress, task_states

_S = RequestStatus


class _Settled(Exception):
    """The request needs nothing more from its tasks (nothing is saved)."""


@dataclass(frozen=True)
class TaskItem:
    """A task in a department's task queue, with its request and whether it waits."""

    task: RequestTask
    request: Request
    waiting_for: tuple[int, ...] = ()
    waits_on: tuple[RequestTask, ...] = ()  # the tasks of `waiting_for`, to name them

    @property
    def blocked(self) -> bool:
        return bool(self.waiting_for)


def task_entry_data(task: RequestTask, status: TaskStatus) -> dict[str, object]:
    return {
        "task": task.id,
        "department": task.department,
        "title": task.title,
        "status": status.value,
    }


class TaskWork:
    """Task queues, completing and cancelling tasks, and what follows from them."""

    def __init__(self, ledger: Ledger, departments: Departments) -> None:
        self.ledger = ledger
        self.store = ledger.store
        self.departments = departments

    def task_queue(self, actor: User, department: str) -> list[TaskItem]:
        """The department's unfinished tasks, earliest due first; blocked ones flagged."""
        self.departments.get(department)
        permissions.require_queue(actor, department)
        return self._items(self.store.tasks_for_department(department))

    def task_queue_page(self, actor: User, department: str, paging: Paging) -> Page[TaskItem]:
        """One page of `task_queue`, paged in the database by cursor (an admin's
        of a department whose folder is gone too: `require_listed_queue`)."""
        require_listed_queue(self.store, self.departments, actor, department)
        if paging.offset:
            raise ValueError("a task queue is paged by cursor, not by offset")
        page = self.store.page_tasks(department, paging.limit, paging.task_key())
        return Page(self._items(page.items), page.total, page.offset, page.more, page.next_key)

    def _items(self, tasks: Sequence[RequestTask]) -> list[TaskItem]:
        """The tasks with their requests and what each waits for: two queries for
        all of them, however many requests they belong to."""
        ids = [t.request_id for t in tasks if t.request_id is not None]
        requests = self.store.get_requests(ids)
        siblings = self.store.tasks_of(ids)
        items = []
        for task in tasks:
            request = requests.get(task.request_id or 0)
            if request is None:  # removed (retention) since its task was read
                continue
            by_id = {t.id: t for t in siblings[request.id or 0]}
            waiting = {s.task.id: s.waiting_for for s in task_states(list(by_id.values()))}
            waits = waiting.get(task.id, ())
            waits_on = tuple(by_id[i] for i in waits if i in by_id)
            items.append(TaskItem(task, request, waits, waits_on))
        return items

    def progress(self, actor: User, request_id: int) -> Progress:
        """Finished tasks out of all (0/0 for a request without tasks)."""
        self.ledger.load(actor, request_id)
        return progress(self.store.tasks(request_id))

    def progress_of(self, actor: User, requests: Sequence[Request]) -> dict[int, Progress]:
        """`progress` of each request (read by the caller), by id, in one query;
        NotFoundError for one `actor` may not see."""
        ids = [r.id for r in requests if r.id is not None]
        tasks = self.store.tasks_of(ids)
        for request in requests:
            assert request.id is not None
            permissions.require_view(actor, request, {t.department for t in tasks[request.id]})
        return {request_id: progress(found) for request_id, found in tasks.items()}

    def ready_messages(
        self, request: Request, ready: Sequence[RequestTask], cause: RequestEntry
    ) -> list[OutboxMessage]:
        """Tell each department whose task can start now (announced with `cause`)."""
        out = []
        for task in ready:
            entry = replace(
                cause,
                message=f"Task {task.id} can start: {task.title}",
                data=task_entry_data(task, task.status),
            )
            out += self.ledger.notifier.messages(Topic.TASK_READY, request, entry)
        return out

    def complete_task(
        self, actor: User, request_id: int, task_id: int, note: str = ""
    ) -> RequestTask:
        """Mark a task done (agents of its department); unblocks the tasks waiting for it."""
        request = self.ledger.load(actor, request_id)  # unknown to those who may not see it
        before = self.store.tasks(request_id)
        task = self._completable(actor, request, before, task_id)
        entry = new_entry(
            actor,
            request,
            self.ledger.clock(),
            "task",
            (note or "").strip(),
            task_entry_data(task, TaskStatus.DONE),
        )
        done = replace(task, status=TaskStatus.DONE, assignee=task.assignee or actor.username)
        after = [done if t.id == task_id else t for t in before]
        ready = newly_unblocked(before, after)

        def also(saved: Request, stored: RequestEntry) -> list[OutboxMessage]:
            return self.ready_messages(saved, ready, stored)

        announce = self.ledger.announcing(Topic.TASK_COMPLETED, also=also, actor=actor)
        done = self.store.update_task(done, entry, announce)
        self._follow_tasks(actor, request_id, self.store.tasks(request_id))
        return done

    def _completable(
        self, actor: User, request: Request, tasks: list[RequestTask], task_id: int
    ) -> RequestTask:
        """The task to complete, after checking who asks and whether it may finish now."""
        task = self.workable_task(actor, request, tasks, task_id)
        waiting = next(s.waiting_for for s in task_states(tasks) if s.task.id == task_id)
        if waiting:
            names = named_tasks(t for t in tasks if t.id in waiting)
            raise ConflictError(
                f"task {task_id} ({task.title}) waits for tasks {names['tasks']}; "
                "complete those first",
                details={"task": task_id, "waiting_for": list(waiting)},
                key="task_waits",
                values={"title": task.title, **names},
            )
        return task

    def workable_task(
        self, actor: User, request: Request, tasks: list[RequestTask], task_id: int
    ) -> RequestTask:
        """The task to work on, after checking who asks and that it is still open."""
        task = next((t for t in tasks if t.id == task_id), None)
        if task is None:
            raise NotFoundError(
                f"request {request.id} has no task {task_id}",
                details={"request": request.id, "task": task_id},
                key="no_task",
                values={"id": request.id, "task": task_id},
            )
        if not permissions.works_queue(actor, task.department):
            permissions.require_queue(actor, task.department)
        permissions.refuse_merged_change(request, "tasks")
        if task.status.is_finished:
            raise ConflictError(
                f"task {task_id} of request {request.id} is already {task.status.value}",
                details={"task": task_id},
                key="task_done_already",
                values={"task": task_id, "title": task.title},
            )
        if not request.status.is_open:
            raise ConflictError(
                f"request {request.id} is {request.status.value}; reopen it "
                "before completing its tasks",
                details={"request": request.id},
                key="task_request_closed",
                values={"id": request.id},
            )
        return task

    def _follow_tasks(self, actor: User, request_id: int, tasks: list[RequestTask]) -> None:
        """Resolve the request when every task is finished; else start it. Judged
        on the request as it is saved: another agent's last task may have
        resolved it since, or an agent moved it on."""
        state = progress(tasks)

        def change(request: Request, now: datetime) -> Step:
            if not request.status.is_open or (
                not state.complete and request.status not in (_S.NEW, _S.TRIAGED)
            ):
                raise _Settled
            if state.complete:
                text = entry_notes.NOTES.note("entry_note_tasks_done", total=state.total)
                return resolved(actor, request, now, text, automatic=True)
            return started(actor, request, now, "entry_note_tasks_started", responded=True)

        with suppress(_Settled):
            self.ledger.save(actor, request_id, change)

    def refuse_open_tasks(self, request: Request) -> None:
        """A request with unfinished tasks resolves by itself, not by hand."""
        if not request.workflow or request.id is None:
            return
        unfinished = [t for t in self.store.tasks(request.id) if not t.status.is_finished]
        if unfinished:
            listed = named_tasks(unfinished)
            raise ConflictError(
                f"request {request.id} still has unfinished tasks: {listed['tasks']}; it "
                "resolves by itself when they are done, or close it to cancel them",
                details={"request": request.id, "tasks": [t.id for t in unfinished]},
                key="tasks_unfinished",
                values={"id": request.id, **listed},
            )

    def cancel_open_tasks(self, actor: User, request: Request) -> None:
        """Cancel every unfinished task of a closed request (nobody is notified).
        A task changed meanwhile (finished by an agent who read the request
        open) is read again: one finished stays so, the others are cancelled."""
        if not request.workflow or request.id is None:
            return
        for _ in range(SAVE_ATTEMPTS):
            changed = False
            for task in self.store.tasks(request.id):
                if task.status.is_finished:
                    continue
                entry = new_entry(
                    actor,
                    request,
                    self.ledger.clock(),
                    "task",
                    entry_notes.NOTES.note("entry_note_task_cancelled"),
                    task_entry_data(task, TaskStatus.CANCELLED),
                )
                try:
                    self.store.update_task(replace(task, status=TaskStatus.CANCELLED), entry)
                except ConflictError:
                    changed = True
            if not changed:
                return
