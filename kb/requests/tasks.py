"""The tasks of a value-stream request: creation, blocking and progress.

A request made from a template carries one task per template task, each in
its department's queue. A task is *blocked* while a task it depends on is
unfinished; it cannot be completed before then. The request is resolved
when every task is finished. The store keeps task status as open, in
progress, done or cancelled; "blocked" is derived, never stored, so it can
never disagree with the tasks it depends on.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from kb.catalogue.templates import fill
from kb.requests.lifecycle import TaskStatus
from kb.requests.records import RequestTask
from kb.requests.workflows import Workflow


@dataclass(frozen=True)
class TaskState:
    """A task with what it waits for (task numbers of unfinished dependencies)."""

    task: RequestTask
    waiting_for: tuple[int, ...] = ()

    @property
    def blocked(self) -> bool:
        return bool(self.waiting_for) and not self.task.status.is_finished


@dataclass(frozen=True)
class Progress:
    """How far a request's tasks are: what the employee sees ("2 of 4 done")."""

    done: int
    total: int

    @property
    def complete(self) -> bool:
        return self.total > 0 and self.done == self.total

    def __str__(self) -> str:
        return f"{self.done}/{self.total}"


def named_tasks(tasks: Iterable[RequestTask]) -> dict[str, object]:
    """The values an error naming `tasks` carries: `tasks` as the command line
    reads it ("1 (hr: Employee record)"), and `task_list` (number, department,
    title) for a page to name each department as it does elsewhere."""
    listed = [(t.id, t.department, t.title) for t in tasks]
    text = ", ".join(f"{number} ({department}: {title})" for number, department, title in listed)
    return {"tasks": text, "task_list": listed}


def task_states(tasks: Sequence[RequestTask]) -> list[TaskState]:
    """Every task with the unfinished tasks it still waits for."""
    finished = {t.id for t in tasks if t.status.is_finished}
    return [TaskState(t, tuple(d for d in t.depends_on if d not in finished)) for t in tasks]


def progress(tasks: Sequence[RequestTask]) -> Progress:
    """Finished tasks (done or cancelled) out of all."""
    return Progress(sum(1 for t in tasks if t.status.is_finished), len(tasks))


def newly_unblocked(
    before: Sequence[RequestTask], after: Sequence[RequestTask]
) -> list[RequestTask]:
    """Tasks that were blocked in `before` and are not in `after`."""
    was_blocked = {s.task.id for s in task_states(before) if s.blocked}
    return [s.task for s in task_states(after) if s.task.id in was_blocked and not s.blocked]


def tasks_from_workflow(
    workflow: Workflow,
    created: datetime,
    due_after: Callable[[datetime, str], datetime | None],
    lang: str = "en",
    values: Mapping[str, str] | None = None,
) -> list[RequestTask]:
    """The request tasks of a template, numbered in dependency order; task titles
    have the request's field `values` (as people read them) filled in.

    `due_after(start, department)` gives the due date of work a department
    starts at `start`; a task starts when its last dependency is due, so due
    dates follow the template's critical path.
    """
    numbers = workflow.task_numbers()
    dues: dict[str, datetime | None] = {}
    out: list[RequestTask] = []
    for task in workflow.tasks:
        starts = [d for d in (dues[k] for k in task.depends_on) if d is not None]
        due = due_after(max([created, *starts]), task.department)
        dues[task.key] = due
        out.append(
            RequestTask(
                id=numbers[task.key],
                department=task.department,
                title=fill(task.title_in(lang), values or {}),
                depends_on=sorted(numbers[k] for k in task.depends_on),
                due=due,
                status=TaskStatus.OPEN,
            )
        )
    return out


def latest_due(tasks: Sequence[RequestTask]) -> datetime | None:
    dues = [t.due for t in tasks if t.due is not None]
    return max(dues) if dues else None
