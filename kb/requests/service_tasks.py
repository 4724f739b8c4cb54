"""The value-stream part of `RequestService`: task queues, completing tasks, progress.

Completing a task (an agent of the task's department) may unblock others:
their departments are notified that their task can start. A new request
moves to in_progress with its first completed task, and resolves by itself
when its last task is finished. Closing a request cancels its open tasks.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from kb.accounts.records import User
from kb.errors import ConflictError, NotFoundError
from kb.requests import access
from kb.requests.lifecycle import RequestStatus, TaskStatus
from kb.requests.records import Request, RequestEntry, RequestTask
from kb.requests.service_base import ServiceBase
from kb.requests.tasks import Progress, newly_unblocked, progress, task_states

_S = RequestStatus


@dataclass(frozen=True)
class TaskItem:
    """A task in a department's task queue, with its request and whether it waits."""

    task: RequestTask
    request: Request
    waiting_for: tuple[int, ...] = ()

    @property
    def blocked(self) -> bool:
        return bool(self.waiting_for)


class TaskMixin(ServiceBase):
    """Tasks of value-stream requests."""

    def task_queue(self, actor: User, department: str) -> list[TaskItem]:
        """The department's unfinished tasks, earliest due first; blocked ones flagged."""
        self.department(department)
        access.require_queue(actor, department)
        items = []
        states: dict[int, dict[int | None, tuple[int, ...]]] = {}
        requests: dict[int, Request] = {}
        for task in self.store.tasks_for_department(department):
            assert task.request_id is not None
            if task.request_id not in states:
                requests[task.request_id] = self.store.get_request(task.request_id)
                states[task.request_id] = {
                    s.task.id: s.waiting_for for s in task_states(self.store.tasks(task.request_id))
                }
            items.append(
                TaskItem(task, requests[task.request_id], states[task.request_id].get(task.id, ()))
            )
        return items

    def progress(self, actor: User, request_id: int) -> Progress:
        """Finished tasks out of all (0/0 for a request without tasks)."""
        self._load(actor, request_id)
        return progress(self.store.tasks(request_id))

    def complete_task(
        self, actor: User, request_id: int, task_id: int, note: str = ""
    ) -> RequestTask:
        """Mark a task done (agents of its department); unblocks the tasks waiting for it."""
        request = self.store.get_request(request_id)
        before = self.store.tasks(request_id)
        task = next((t for t in before if t.id == task_id), None)
        if task is None:
            raise NotFoundError(
                f"request {request_id} has no task {task_id}",
                details={"request": request_id, "task": task_id},
            )
        if not access.works_queue(actor, task.department):
            access.require_queue(actor, task.department)
        if task.status.is_finished:
            raise ConflictError(
                f"task {task_id} of request {request_id} is already {task.status.value}",
                details={"task": task_id},
            )
        if not request.status.is_open:
            raise ConflictError(
                f"request {request_id} is {request.status.value}; reopen it "
                "before completing its tasks",
                details={"request": request_id},
            )
        waiting = next(s.waiting_for for s in task_states(before) if s.task.id == task_id)
        if waiting:
            names = ", ".join(
                f"{t.id} ({t.department}: {t.title})" for t in before if t.id in waiting
            )
            raise ConflictError(
                f"task {task_id} ({task.title}) waits for tasks {names}; complete those first",
                details={"task": task_id, "waiting_for": list(waiting)},
            )
        now = self.clock()
        entry = self._entry(
            actor,
            request,
            now,
            "task",
            (note or "").strip(),
            {
                "task": task_id,
                "department": task.department,
                "title": task.title,
                "status": TaskStatus.DONE.value,
            },
        )
        done = self.store.update_task(
            replace(task, status=TaskStatus.DONE, assignee=task.assignee or actor.username), entry
        )
        after = self.store.tasks(request_id)
        self.notifier.notify(
            "request.task_completed", request, entry, webhooks=[request.department, task.department]
        )
        for ready in newly_unblocked(before, after):
            self._task_ready(request, ready, entry)
        self._follow_tasks(actor, request_id, after)
        return done

    def _follow_tasks(self, actor: User, request_id: int, tasks: list[RequestTask]) -> None:
        """Resolve the request when every task is finished; else start it."""
        state = progress(tasks)

        def change(request: Request, now: datetime) -> tuple[Request, RequestEntry]:
            if state.complete:
                text = f"All {state.total} tasks are done."
                return self._resolved(actor, request, now, text, automatic=True)
            entry = self._entry(
                actor,
                request,
                now,
                "status",
                "Work on the tasks has started.",
                {"from": request.status.value, "to": _S.IN_PROGRESS.value, "automatic": True},
            )
            return replace(
                request,
                status=_S.IN_PROGRESS,
                updated=now,
                first_responded_at=request.first_responded_at or now,
            ), entry

        current = self.store.get_request(request_id)
        if not current.status.is_open:
            return
        if not state.complete and current.status not in (_S.NEW, _S.TRIAGED):
            return
        _, saved, entry = self._save(actor, request_id, change)
        if saved.status is _S.RESOLVED:
            self._notify_resolved(saved, entry)
        else:
            self.notifier.notify(
                "request.status_changed", saved, entry, webhooks=[saved.department]
            )

    def _task_ready(self, request: Request, task: RequestTask, cause: RequestEntry) -> None:
        """Tell a department that its task can start now."""
        entry = replace(
            cause,
            message=f"Task {task.id} can start: {task.title}",
            data={
                "task": task.id,
                "department": task.department,
                "title": task.title,
                "status": task.status.value,
            },
        )
        self.notifier.notify(
            "request.task_ready",
            request,
            entry,
            webhooks=[task.department],
            queues=[task.department],
        )

    def _refuse_open_tasks(self, request: Request) -> None:
        if not request.workflow or request.id is None:
            return
        unfinished = [t for t in self.store.tasks(request.id) if not t.status.is_finished]
        if unfinished:
            listed = ", ".join(f"{t.id} ({t.department}: {t.title})" for t in unfinished)
            raise ConflictError(
                f"request {request.id} still has unfinished tasks: {listed}; it resolves by "
                "itself when they are done, or close it to cancel them",
                details={"request": request.id, "tasks": [t.id for t in unfinished]},
            )

    def _cancel_open_tasks(self, actor: User, request: Request) -> None:
        if not request.workflow or request.id is None:
            return
        for task in self.store.tasks(request.id):
            if task.status.is_finished:
                continue
            entry = self._entry(
                actor,
                request,
                self.clock(),
                "task",
                "Cancelled: request closed.",
                {
                    "task": task.id,
                    "department": task.department,
                    "title": task.title,
                    "status": TaskStatus.CANCELLED.value,
                },
            )
            self.store.update_task(replace(task, status=TaskStatus.CANCELLED), entry)
