"""Working a request: replies and notes, status changes, resolving, assigning
and moving it to another queue.

Each change is checked against `kb.requests.permissions`, saved with its
history entry and announced under its topic in one transaction (`Ledger`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from kb.accounts.records import Role, User
from kb.attachments.records import Attachment
from kb.errors import ConflictError, ValidationError
from kb.notify.topics import Topic
from kb.requests import entry_notes, permissions
from kb.requests.departments import Departments
from kb.requests.internal_notes import shared_note_data
from kb.requests.ledger import Change, Ledger, MaybeChange, Step, new_entry
from kb.requests.lifecycle import RequestStatus, check_transition
from kb.requests.records import Request
from kb.requests.resolution import resolved
from kb.requests.starting import start_when_new
from kb.requests.task_work import TaskWork
from kb.store.account_protocols import AccountStore
from kb.validators import parse_choice, required_text

_S = RequestStatus


@dataclass(frozen=True)
class RequestChanges:
    """What one `RequestWork.patch` changes; None (or `assign=False`) leaves a
    field as it is. `version`: the version of the request the changes are
    based on (None: whichever is current)."""

    department: str | None = None
    reason: str = ""
    assign: bool = False
    assignee: str | None = None
    status: RequestStatus | str | None = None
    note: str = ""
    resolution: str | None = None
    version: int | None = None
    # Only for agents of the request's queue (and admins), even where its
    # requester could make the change on the request's own page: the queue's
    # bulk change is an agents' tool (`kb.requests.bulk`).
    agents_only: bool = False
    # A request already in `status` keeps it and takes the rest of the change, when
    # there is a rest (an assignment) and no note (which goes with a move): the
    # queue's bulk change of requests of which some are there already.
    keep_reached_status: bool = False


class RequestWork:
    """Comments, status changes, resolutions, assignments and reassignments."""

    def __init__(
        self, ledger: Ledger, departments: Departments, tasks: TaskWork, accounts: AccountStore
    ) -> None:
        self.ledger = ledger
        self.departments = departments
        self.tasks = tasks
        self.accounts = accounts

    def comment(
        self,
        actor: User,
        request_id: int,
        text: str,
        visible_to_requester: bool = True,
        attachments: Sequence[Attachment] = (),
        check: Callable[[Request], None] | None = None,
    ) -> Request:
        """Add a comment (with the files that came with it; `check` looks at the
        current request before saving). An agent's visible reply is the first
        response if none was given yet; the requester's reply to
        waiting_for_requester resumes work."""
        text = required_text("text", text)

        def change(request: Request, now: datetime) -> Step:
            if check is not None:
                check(request)
            allowed = self.ledger.permissions(actor, request)
            is_agent = self.ledger.works_on(actor, request)
            is_requester = permissions.is_requester(actor, request)
            if visible_to_requester:
                permissions.require_reply(actor, request, allowed.reply)
            else:
                permissions.require_internal_notes(actor, request, allowed.internal_notes)
            updates: dict[str, Any] = {"updated": now}
            if is_agent and not is_requester and visible_to_requester:
                updates["first_responded_at"] = request.first_responded_at or now
                updates["answered_at"] = now  # a new answer (`kb.requests.answers`)
            data: dict[str, Any] = (
                {"attachments": [a.name for a in attachments]} if attachments else {}
            )
            if not visible_to_requester:
                data.update(self.note_sharing(actor, request))
            entry = new_entry(
                actor, request, now, "comment", text, data, visible=visible_to_requester
            )
            return Step(replace(request, **updates), entry, Topic.COMMENTED, tuple(attachments))

        saved = self.ledger.save(actor, request_id, change).after
        if visible_to_requester and saved.answered_at == saved.updated:  # an agent's reply
            for step in self.ledger.save_all(actor, request_id, [start_when_new(actor)]):
                saved = step.after
        if permissions.is_requester(actor, saved) and saved.status is _S.WAITING_FOR_REQUESTER:
            for step in self.ledger.save_all(actor, request_id, [self._resumed_by(actor)]):
                saved = step.after
        return saved

    def _resumed_by(self, actor: User) -> MaybeChange:
        """The move back to in_progress that a reply of the requester makes on a
        request waiting for them, checked on the request as it is when the move is
        saved: one resolved or closed since the reply was stored stays so (before,
        the move went through from there and undid it, erasing the resolution)."""
        note = entry_notes.NOTES.note("entry_note_requester_replied")
        move = self._status_change(actor, _S.IN_PROGRESS, note, by_rule=True)

        def resume(request: Request, now: datetime) -> Step | None:
            waiting = request.status is _S.WAITING_FOR_REQUESTER
            return (
                move(request, now) if waiting and permissions.is_requester(actor, request) else None
            )

        return resume

    def note_sharing(self, actor: User, request: Request) -> dict[str, list[str]]:
        """What an internal note by `actor` carries: a task's agent's is shared with
        their department (`kb.requests.internal_notes`)."""
        return shared_note_data(actor, request, lambda: self.ledger.task_departments(request))

    def transition(
        self, actor: User, request_id: int, status: RequestStatus | str, note: str = ""
    ) -> Request:
        """Move a request to another status (see `kb.requests.lifecycle.TRANSITIONS`).

        Agents of its queue may make every allowed move; the requester may
        reopen (resolved or closed → in_progress) and close. Resolving needs a
        resolution text: `note` is used, or call `resolve`.
        """
        target = parse_choice(RequestStatus, "status", status)
        if target is _S.RESOLVED:
            return self.resolve(actor, request_id, note)
        return self.change_status(actor, request_id, target, (note or "").strip())

    def change_status(
        self,
        actor: User,
        request_id: int,
        target: RequestStatus,
        note: str,
        *,
        by_rule: bool = False,
    ) -> Request:
        """Set the status; `by_rule` for moves the product makes on someone's behalf."""
        change = self._status_change(actor, target, note, by_rule=by_rule)
        saved = self.ledger.save(actor, request_id, change).after
        if target is _S.CLOSED:
            self.tasks.cancel_open_tasks(actor, saved)
        return saved

    def _status_change(
        self, actor: User, target: RequestStatus, note: str, *, by_rule: bool = False
    ) -> Change:
        def change(request: Request, now: datetime) -> Step:
            permissions.refuse_merged_change(request, "status")
            # Agents of a task's department work their task, not the request's status.
            is_agent = permissions.works_queue(actor, request.department)
            if not by_rule:
                permissions.require_status_move(actor, request, target, self.ledger.window())
            check_transition(request.status, target)
            updates: dict[str, Any] = {"status": target, "updated": now}
            if not request.status.is_open and target.is_open:  # reopened
                updates.update(resolved_at=None, resolution=None)
            if is_agent and note and not permissions.is_requester(actor, request):
                updates["first_responded_at"] = request.first_responded_at or now
            data = {"from": request.status.value, "to": target.value}
            entry = new_entry(actor, request, now, "status", note, data)
            return Step(replace(request, **updates), entry, Topic.STATUS_CHANGED)

        return change

    def resolve(self, actor: User, request_id: int, resolution: str) -> Request:
        """Resolve with a resolution text (the answer the requester gets); an agent
        of its department who resolves it while nobody holds it becomes its
        assignee in the same save (`_claim_change`)."""
        changes = [self._claim_change(actor), self._resolve_change(actor, resolution)]
        return self.ledger.save_all(actor, request_id, changes)[-1].after

    def _claim_change(self, actor: User) -> MaybeChange:
        """The resolver as assignee of a request nobody holds, when they are an agent
        of its department (an admin who is not stays out: the queue's figures per
        assignee are its agents'). Recorded in the history as an assignment, and
        announced by the resolution alone: the queue hears "resolved", once."""

        def change(request: Request, now: datetime) -> Step | None:
            if request.assignee or not actor.has_role(Role.AGENT, request.department):
                return None
            account = self.accounts.find_user(actor.username)  # one that may be assigned
            if account is None:
                return None
            data = {"from": None, "to": account.username, "resolver": True}
            entry = new_entry(actor, request, now, "assigned", "", data, visible=False)
            return Step(replace(request, assignee=account.username, updated=now), entry, None)

        return change

    def _resolve_change(self, actor: User, resolution: str) -> Change:
        resolution = required_text("resolution", resolution)

        def change(request: Request, now: datetime) -> Step:
            permissions.require_agent(actor, request, "resolve")
            permissions.refuse_merged_change(request, "status")
            self.tasks.refuse_open_tasks(request)
            check_transition(request.status, _S.RESOLVED)
            return resolved(actor, request, now, resolution)

        return change

    def assign(self, actor: User, request_id: int, assignee: str | None) -> Request:
        """Give the request to an agent of its queue (None: unassign)."""
        return self.ledger.save(actor, request_id, self._assign_change(actor, assignee)).after

    def _assign_change(self, actor: User, assignee: str | None) -> Change:
        name = (assignee or "").strip() or None

        def change(request: Request, now: datetime) -> Step:
            permissions.require_agent(actor, request, "assign")
            permissions.refuse_merged_change(request, "assignee")
            assigned = name
            if name is not None:
                # In any letter case, as sign-in takes it; stored as the account spells it.
                user = self.accounts.find_user(name)
                if user is None or not permissions.works_queue(user, request.department):
                    raise ValidationError(
                        f"{name} is not an agent of {request.department}; give them the role "
                        f"with `kb users add {name} --role agent --department {request.department}`",
                        details={"field": "assignee", "value": name},
                        key="not_an_agent",
                        values={"name": name, "department": request.department},
                    )
                assigned = user.username
            data = {"from": request.assignee, "to": assigned}
            entry = new_entry(actor, request, now, "assigned", "", data, visible=False)
            return Step(replace(request, assignee=assigned, updated=now), entry, Topic.ASSIGNED)

        return change

    def reassign(self, actor: User, request_id: int, department: str, reason: str) -> Request:
        """Move the request to another department's queue.

        The move is recorded (and teaches routing, see `routing_hints`); due
        dates are recounted from the request's creation with the new
        department's targets, the assignee is cleared, and a new request
        becomes triaged.
        """
        change = self._reassign_change(actor, department, reason)
        return self.ledger.save(actor, request_id, change).after

    def _reassign_change(self, actor: User, department: str, reason: str) -> Change:
        reason = required_text("reason", reason)
        target = required_text("department", department)
        self.departments.get(target)

        def change(request: Request, now: datetime) -> Step:
            permissions.require_agent(actor, request, "reassign")
            permissions.refuse_merged_change(request, "queue")
            if target == request.department:
                raise ConflictError(
                    f"request {request.id} is already in the {target} queue",
                    details={"request": request.id, "department": target},
                    key="in_queue_already",
                    values={"id": request.id, "department": target},
                )
            status = _S.TRIAGED if request.status is _S.NEW else request.status
            dues = self.departments.due_dates(target, request.created)
            data = {"from_department": request.department, "to_department": target}
            entry = new_entry(actor, request, now, "reassigned", reason, data)
            moved = replace(
                request,
                department=target,
                assignee=None,
                status=status,
                updated=now,
                first_response_due=dues.first_response,
                resolution_due=dues.resolution,
            )
            return Step(moved, entry, Topic.REASSIGNED)

        return change

    def patch(self, actor: User, request_id: int, wanted: RequestChanges) -> Request:
        """Several changes to one request, all saved or none: the move to another
        department (with its reason), the assignment (None unassigns), then the
        resolution (resolves) or the move to another status (with its note), as
        `reassign`, `assign`, `resolve` and `transition` make them.

        Each step is checked on the request as the steps before it leave it (an
        agent who moves a request out of their queue may not also assign it
        there), and all are saved in one transaction, each with its own history
        entry and notifications, on the version loaded (`Ledger.save_all`).
        """
        changes: list[MaybeChange] = []
        if wanted.agents_only:
            changes.append(_agents_only(actor))
        if wanted.department is not None:
            changes.append(self._reassign_change(actor, wanted.department, wanted.reason))
        if wanted.assign:
            changes.append(self._assign_change(actor, wanted.assignee))
        target = None
        if wanted.status is not None:
            target = parse_choice(RequestStatus, "status", wanted.status)
        if wanted.resolution is not None or target is _S.RESOLVED:
            # As `transition`: resolving without a resolution takes the note; as
            # `resolve`, the resolver takes it unless the patch says who holds it.
            if not wanted.assign:
                changes.append(self._claim_change(actor))
            changes.append(self._resolve_change(actor, wanted.resolution or wanted.note))
        elif target is not None:
            move = self._status_change(actor, target, wanted.note.strip())
            if wanted.keep_reached_status and wanted.assign and not wanted.note.strip():
                changes.append(_unless_in(target, move))
            else:
                changes.append(move)
        if not changes:
            raise ValidationError(
                "nothing to change: send status, department (with reason), assignee or resolution",
                details={"request": request_id},
                key="nothing_to_change",
            )
        saved = self.ledger.save_all(actor, request_id, changes, wanted.version)[-1].after
        if target is _S.CLOSED and wanted.resolution is None:
            self.tasks.cancel_open_tasks(actor, saved)
        return saved


def _unless_in(status: RequestStatus, move: Change) -> MaybeChange:
    """`move`, or nothing for a request already in `status`."""

    def maybe(request: Request, now: datetime) -> Step | None:
        return None if request.status is status else move(request, now)

    return maybe


def _agents_only(actor: User) -> MaybeChange:
    """A step that changes nothing and refuses `actor` unless they work the
    request's queue (checked on the request as loaded, before the other steps)."""

    def check(request: Request, now: datetime) -> None:
        permissions.require_agent(actor, request, "bulk-change")

    return check
