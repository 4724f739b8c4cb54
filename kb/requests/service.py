"""`RequestService`: the library API for requests that views and the CLI call.

Every method takes the acting `User` and checks what they may do
(`kb.requests.access`). Every change appends an entry to the request's
append-only history and queues its notifications (`kb.notify`). Time comes
from an injected clock, so tests can fix "now".

Lost updates cannot happen: the store refuses a save based on a stale version,
and the service then reloads the request, checks the change again against
the fresh state and retries.

Reading, value-stream tasks and articles drafted from answers are the mixins
in `service_reading`, `service_tasks` and `service_articles`; their records
(`QueueItem`, `RequestDetail`, `TaskItem`) are importable from here too.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import replace
from datetime import datetime
from typing import Any

from kb.accounts.records import User
from kb.errors import ConflictError, PermissionDenied, ValidationError
from kb.notify.config import NotifyConfig
from kb.notify.notifier import Notifier
from kb.records import Department
from kb.requests import access
from kb.requests.lifecycle import Priority, RequestStatus, check_transition
from kb.requests.records import Request, RequestEntry, RequestTask
from kb.requests.service_articles import ArticleMixin
from kb.requests.service_reading import QueueItem, ReadingMixin, RequestDetail
from kb.requests.service_tasks import TaskItem, TaskMixin
from kb.requests.sla import WorkingCalendar
from kb.requests.tasks import latest_due, task_states, tasks_from_workflow
from kb.requests.workflows import Workflow, WorkflowCatalog, load_workflows, workflows_path
from kb.settings import Settings
from kb.store.protocols import Store
from kb.validators import parse_choice, required_text, utc_now

__all__ = ["QueueItem", "RequestDetail", "RequestService", "TaskItem"]

logger = logging.getLogger(__name__)

_S = RequestStatus


class RequestService(ReadingMixin, TaskMixin, ArticleMixin):
    """Submitting, working and resolving requests."""

    @classmethod
    def from_settings(
        cls,
        settings: Settings,
        store: Store,
        *,
        departments: Mapping[str, Department] | None = None,
        clock: Callable[[], datetime] = utc_now,
    ) -> RequestService:
        """The service as configured: departments and templates from the content root."""
        if departments is None:
            from kb.content.scanner import load_departments

            departments = load_departments(settings.content_path)
        path = workflows_path(settings.content_path, settings.workflows_file)
        known = [*departments, settings.triage_department]
        if settings.workflows_file or path.is_file():
            workflows = load_workflows(path, known)
        else:
            workflows = WorkflowCatalog()
        notifier = Notifier(
            store,
            NotifyConfig.from_settings(settings, departments),
            department_names={slug: d.name for slug, d in departments.items()},
            clock=clock,
        )
        return cls(
            store,
            departments=departments,
            workflows=workflows,
            calendar=WorkingCalendar.from_settings(settings),
            triage_department=settings.triage_department,
            route_threshold=settings.route_threshold,
            notifier=notifier,
            clock=clock,
        )

    def route(self, department: str | None, suggested: str | None, confidence: float | None) -> str:
        """The queue a new request goes to.

        The employee's choice wins when it differs from the suggestion. A
        suggestion the router was not confident about (below
        `route_threshold`), or no department at all, means the triage queue.
        """
        chosen = (department or "").strip() or (suggested or "").strip()
        if not chosen:
            return self.triage
        low = confidence is not None and confidence < self.route_threshold
        if low and chosen == (suggested or "").strip():
            return self.triage
        return chosen

    # -- submitting ---------------------------------------------------------------
    def submit(
        self,
        actor: User,
        query: str,
        description: str = "",
        department: str | None = None,
        suggested_department: str | None = None,
        suggestions_shown: bool = False,
        went_on_anyway: bool = False,
        search_id: int | None = None,
        priority: Priority | str = Priority.NORMAL,
        idempotency_key: str | None = None,
        workflow: str | None = None,
        department_confidence: float | None = None,
    ) -> Request:
        """File a request (or, with `workflow`, a value-stream request with its tasks).

        With an idempotency key, submitting again returns the first request
        unchanged and notifies no one again. Keys are per requester.
        """
        query = required_text("query", query)
        now = self.clock()
        template: Workflow | None = self.workflows.get(workflow) if workflow else None
        slug = (
            template.owner
            if template
            else self.route(department, suggested_department, department_confidence)
        )
        tasks: list[RequestTask] = []
        dues = self.due_dates(slug, now)  # refuses unknown departments
        if template is not None:
            lang = self.language_of(f"{query}\n{description}")
            tasks = tasks_from_workflow(template, now, self.due_after, lang)
            dues = replace(dues, resolution=max(dues.resolution, latest_due(tasks) or now))
        key = f"{actor.username}:{idempotency_key.strip()}" if idempotency_key else None
        try:
            request = Request(
                requester=actor.username,
                query=query,
                description=(description or "").strip(),
                department=slug,
                priority=parse_choice(Priority, "priority", priority),
                created=now,
                updated=now,
                search_id=search_id,
                suggestions_shown=bool(suggestions_shown),
                went_on_anyway=bool(went_on_anyway),
                workflow=template.name if template else None,
                idempotency_key=key,
                first_response_due=dues.first_response,
                resolution_due=dues.resolution,
            )
        except ValueError as exc:
            raise ValidationError(str(exc)) from None
        stored = self.store.create_request(request, tasks)
        if not _same_submission(stored, request):
            if stored.query != request.query:
                raise ConflictError(
                    f"idempotency key {idempotency_key!r} was already used for request "
                    f"{stored.id} with another question; use a new key for a new request",
                    details={"id": stored.id},
                )
            return stored
        assert stored.id is not None
        created = self.store.entries(stored.id)[0]
        stored_tasks = self.store.tasks(stored.id)
        self.notifier.notify(
            "request.created", stored, created, webhooks=[slug], requester=True, queues=[slug]
        )
        for state in task_states(stored_tasks):
            if not state.blocked and state.task.department != slug:
                self._task_ready(stored, state.task, created)
        return stored

    def match_workflow(self, text: str) -> Workflow | None:
        """The value stream to offer for a question, or None."""
        return self.workflows.match(text)

    # -- working --------------------------------------------------------------------
    def comment(
        self, actor: User, request_id: int, text: str, visible_to_requester: bool = True
    ) -> Request:
        """Add a comment. An agent's visible reply is the first response if none was
        given yet; the requester's reply to waiting_for_requester resumes work."""
        text = required_text("text", text)

        def change(request: Request, now: datetime) -> tuple[Request, RequestEntry]:
            is_agent = self.works_on(actor, request)
            is_requester = access.is_requester(actor, request)
            if not visible_to_requester and not is_agent:
                raise PermissionDenied(
                    f"{actor.username} may not write internal notes on request {request.id}: "
                    "only agents of its queue may",
                    details={"request": request.id},
                )
            updates: dict[str, Any] = {"updated": now}
            if is_agent and not is_requester and visible_to_requester:
                updates["first_responded_at"] = request.first_responded_at or now
            entry = self._entry(actor, request, now, "comment", text, visible=visible_to_requester)
            return replace(request, **updates), entry

        before, saved, entry = self._save(actor, request_id, change)
        by_requester = access.is_requester(actor, saved)
        self.notifier.notify(
            "request.commented",
            saved,
            entry,
            webhooks=[saved.department],
            requester=not by_requester,
            queues=[saved.department] if entry.visible_to_requester else [],
        )
        if by_requester and saved.status is _S.WAITING_FOR_REQUESTER:
            saved = self._change_status(
                actor, request_id, _S.IN_PROGRESS, "The requester replied.", by_rule=True
            )
        return saved

    def transition(
        self, actor: User, request_id: int, status: RequestStatus | str, note: str = ""
    ) -> Request:
        """Move a request to another status (see `kb.requests.TRANSITIONS`).

        Agents of its queue may make every allowed move; the requester may
        reopen (resolved or closed → in_progress) and close. Resolving needs a
        resolution text: `note` is used, or call `resolve`.
        """
        target = parse_choice(RequestStatus, "status", status)
        if target is _S.RESOLVED:
            return self.resolve(actor, request_id, note)
        return self._change_status(actor, request_id, target, (note or "").strip())

    def _change_status(
        self,
        actor: User,
        request_id: int,
        target: RequestStatus,
        note: str,
        *,
        by_rule: bool = False,
    ) -> Request:
        def change(request: Request, now: datetime) -> tuple[Request, RequestEntry]:
            # Agents of a task's department work their task, not the request's status.
            is_agent = access.works_queue(actor, request.department)
            if not (is_agent or by_rule):
                self._check_requester_move(actor, request, target)
            check_transition(request.status, target)
            updates: dict[str, Any] = {"status": target, "updated": now}
            if not request.status.is_open and target.is_open:  # reopened
                updates.update(resolved_at=None, resolution=None)
            if is_agent and note and not access.is_requester(actor, request):
                updates["first_responded_at"] = request.first_responded_at or now
            entry = self._entry(
                actor,
                request,
                now,
                "status",
                note,
                {"from": request.status.value, "to": target.value},
            )
            return replace(request, **updates), entry

        before, saved, entry = self._save(actor, request_id, change)
        if target is _S.CLOSED:
            self._cancel_open_tasks(actor, saved)
        by_requester = access.is_requester(actor, saved)
        self.notifier.notify(
            "request.status_changed",
            saved,
            entry,
            webhooks=[saved.department],
            requester=not by_requester,
            queues=[saved.department],
        )
        return saved

    def _check_requester_move(self, actor: User, request: Request, target: RequestStatus) -> None:
        if access.is_requester(actor, request):
            reopen = target is _S.IN_PROGRESS and not request.status.is_open
            if reopen or target is _S.CLOSED:
                return
            raise PermissionDenied(
                f"as its requester, {actor.username} may only reopen or close request "
                f"{request.id}, not make it {target.value}; agents of {request.department} do that",
                details={"request": request.id, "to": target.value},
            )
        access.require_agent(actor, request, "change the status of")

    def resolve(self, actor: User, request_id: int, resolution: str) -> Request:
        """Resolve with a resolution text (the answer the requester gets)."""
        resolution = required_text("resolution", resolution)

        def change(request: Request, now: datetime) -> tuple[Request, RequestEntry]:
            access.require_agent(actor, request, "resolve")
            self._refuse_open_tasks(request)
            check_transition(request.status, _S.RESOLVED)
            return self._resolved(actor, request, now, resolution)

        _, saved, entry = self._save(actor, request_id, change)
        self._notify_resolved(saved, entry)
        return saved

    def assign(self, actor: User, request_id: int, assignee: str | None) -> Request:
        """Give the request to an agent of its queue (None: unassign)."""
        name = (assignee or "").strip() or None

        def change(request: Request, now: datetime) -> tuple[Request, RequestEntry]:
            access.require_agent(actor, request, "assign")
            if name is not None:
                user = self.store.get_user(name)
                if user is None or not access.works_queue(user, request.department):
                    raise ValidationError(
                        f"{name} is not an agent of {request.department}; give them the role "
                        f"with `kb users add {name} --role agent --department {request.department}`",
                        details={"field": "assignee", "value": name},
                    )
            entry = self._entry(
                actor,
                request,
                now,
                "assigned",
                "",
                {"from": request.assignee, "to": name},
                visible=False,
            )
            return replace(request, assignee=name, updated=now), entry

        _, saved, entry = self._save(actor, request_id, change)
        self.notifier.notify("request.assigned", saved, entry, webhooks=[saved.department])
        return saved

    def reassign(self, actor: User, request_id: int, department: str, reason: str) -> Request:
        """Move the request to another department's queue.

        The move is recorded (and teaches routing, see `routing_hints`); due
        dates are recounted from the request's creation with the new
        department's targets, the assignee is cleared, and a new request
        becomes triaged.
        """
        reason = required_text("reason", reason)
        target = required_text("department", department)
        self.department(target)

        def change(request: Request, now: datetime) -> tuple[Request, RequestEntry]:
            access.require_agent(actor, request, "reassign")
            if target == request.department:
                raise ConflictError(
                    f"request {request.id} is already in the {target} queue",
                    details={"request": request.id, "department": target},
                )
            status = _S.TRIAGED if request.status is _S.NEW else request.status
            dues = self.due_dates(target, request.created)
            entry = self._entry(
                actor,
                request,
                now,
                "reassigned",
                reason,
                {"from_department": request.department, "to_department": target},
            )
            return replace(
                request,
                department=target,
                assignee=None,
                status=status,
                updated=now,
                first_response_due=dues.first_response,
                resolution_due=dues.resolution,
            ), entry

        before, saved, entry = self._save(actor, request_id, change)
        self.notifier.notify(
            "request.reassigned",
            saved,
            entry,
            webhooks=[before.department, saved.department],
            requester=True,
            queues=[saved.department],
        )
        return saved


def _same_submission(stored: Request, sent: Request) -> bool:
    """True when the store saved the request just sent, not an earlier one with the key."""
    return (stored.created, stored.requester, stored.query, stored.description) == (
        sent.created,
        sent.requester,
        sent.query,
        sent.description,
    )
