"""Who holds a value-stream task: taking it, releasing it, handing it over.

An agent takes a task so that the department's other agents see who works
it. When they cannot go on (away, the wrong person), an agent of the task's
department may release it (nobody holds it, open again) or hand it to
another agent of that department (who holds it, in progress). Each is
recorded in the request's history as a task entry: `assignee` names who
holds it after taking or handing over, `released` who held it before a
release, `handed_to` the new holder of a hand-over and `from` the one before.
A hand-over is announced (`request.task_handed_over`): the task's department's
webhook hears it, and the new holder gets a mail unless they handed it to
themselves (`kb.notify.topics`); taking and releasing mail nobody.

Who may do it are the agents of the task's department and admins, as for
taking it; anyone else who may read the request is refused (403), anyone
who may not is told it does not exist (404). A task is handed only to an
account with the agent role of its department: an admin or an agent of
another department is no holder the department's queue would show.

Each change may name the holder its caller saw (`Seen`): when someone else
took, released or handed over the task since, the change is refused (409)
instead of silently overwriting theirs. The check is made on the task as
read for the change, and the store saves it only while the task is still at
that version, so a change that slips in between is refused too.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from kb.accounts.records import Role, User
from kb.errors import ConflictError, ValidationError
from kb.notify.topics import Topic
from kb.requests.ledger import new_entry
from kb.requests.lifecycle import TaskStatus
from kb.requests.records import RequestTask
from kb.requests.starting import start_when_new
from kb.requests.task_work import TaskWork, task_entry_data
from kb.store.account_protocols import AccountStore
from kb.validators import required_text


@dataclass(frozen=True)
class Seen:
    """The holder a caller saw on the task (None: nobody held it)."""

    holder: str | None


class TaskHolders:
    """Taking, releasing and handing over tasks, within the task's department."""

    def __init__(self, tasks: TaskWork, accounts: AccountStore) -> None:
        self.tasks = tasks
        self.ledger = tasks.ledger
        self.store = tasks.store
        self.accounts = accounts

    def take_task(
        self, actor: User, request_id: int, task_id: int, seen: Seen | None = None
    ) -> RequestTask:
        """An agent of the task's department takes it: they become its assignee and it
        is in progress (a blocked task too, to prepare it), so that the department's
        other agents see it is being worked. Taking one's own task changes nothing."""
        request = self.ledger.load(actor, request_id)  # unknown to those who may not see it
        task = self.tasks.workable_task(actor, request, self.store.tasks(request_id), task_id)
        _still_held_as_seen(task, seen)
        if task.assignee == actor.username and task.status is TaskStatus.IN_PROGRESS:
            return task
        data = {**task_entry_data(task, TaskStatus.IN_PROGRESS), "assignee": actor.username}
        entry = new_entry(actor, request, self.ledger.clock(), "task", "", data)
        taken = replace(task, status=TaskStatus.IN_PROGRESS, assignee=actor.username)
        saved = self.store.update_task(taken, entry)
        self.ledger.save_all(actor, request_id, [start_when_new(actor)])
        return saved

    def release_task(
        self, actor: User, request_id: int, task_id: int, seen: Seen | None = None
    ) -> RequestTask:
        """Nobody holds the task any more and it is open again, for any agent of its
        department to take. Releasing a task nobody holds changes nothing."""
        request = self.ledger.load(actor, request_id)  # unknown to those who may not see it
        task = self.tasks.workable_task(actor, request, self.store.tasks(request_id), task_id)
        _still_held_as_seen(task, seen)
        if task.assignee is None:
            return task
        data = {**task_entry_data(task, TaskStatus.OPEN), "released": task.assignee}
        entry = new_entry(actor, request, self.ledger.clock(), "task", "", data)
        released = replace(task, status=TaskStatus.OPEN, assignee=None)
        return self.store.update_task(released, entry)

    def hand_over_task(
        self, actor: User, request_id: int, task_id: int, assignee: str, seen: Seen | None = None
    ) -> RequestTask:
        """Give the task to `assignee` (an agent of its department, named in any
        letter case), who holds it in progress. Handing it to whoever holds it
        already changes nothing."""
        name = required_text("assignee", assignee)
        request = self.ledger.load(actor, request_id)
        task = self.tasks.workable_task(actor, request, self.store.tasks(request_id), task_id)
        _still_held_as_seen(task, seen)
        holder = self._agent_of(task, name)
        if task.assignee == holder and task.status is TaskStatus.IN_PROGRESS:
            return task
        data = {
            **task_entry_data(task, TaskStatus.IN_PROGRESS),
            "assignee": holder,
            "handed_to": holder,
            "from": task.assignee,
        }
        announce = self.ledger.announcing(Topic.TASK_HANDED_OVER, actor=actor)
        entry = new_entry(actor, request, self.ledger.clock(), "task", "", data)
        handed = replace(task, status=TaskStatus.IN_PROGRESS, assignee=holder)
        saved = self.store.update_task(handed, entry, announce)
        self.ledger.save_all(actor, request_id, [start_when_new(actor)])
        return saved

    def _agent_of(self, task: RequestTask, name: str) -> str:
        """The username of `name`'s account, when it is an agent of the task's department."""
        user = self.accounts.find_user(name)
        if user is None or not user.has_role(Role.AGENT, task.department):
            raise ValidationError(
                f"{name} is not an agent of {task.department}; give them the role with "
                f"`kb users add {name} --role agent --department {task.department}`",
                details={"field": "assignee", "value": name, "task": task.id},
                key="not_an_agent",
                values={"name": name, "department": task.department},
            )
        return user.username


def _still_held_as_seen(task: RequestTask, seen: Seen | None) -> None:
    """Refuse a change based on a holder the task no longer has (someone took,
    released or handed it over since the caller read it)."""
    if seen is None or (task.assignee or "").casefold() == (seen.holder or "").casefold():
        return
    raise ConflictError(
        f"task {task.id} of request {task.request_id} is held by "
        f"{task.assignee or 'nobody'} now, not {seen.holder or 'nobody'} as you read it; "
        "nothing was changed: read the request again and decide anew",
        details={
            "request_id": task.request_id,
            "task": task.id,
            "reason": "holder_changed",
            "holder": task.assignee,
            "seen": seen.holder,
        },
        key="task_holder_changed",
        values={
            "id": task.request_id,
            "task": task.id,
            "holder": task.assignee or "-",
            "seen": seen.holder or "-",
        },
    )
