"""Filing a request: routing it, its due dates, the tasks of a value stream.

With an idempotency key, submitting again returns the first request
unchanged and notifies no one again. Keys are per requester.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

from kb.accounts.records import User
from kb.errors import ConflictError, ValidationError
from kb.notify.outbox import OutboxMessage
from kb.notify.topics import Topic
from kb.requests.departments import Departments
from kb.requests.ledger import Ledger
from kb.requests.lifecycle import Priority
from kb.requests.records import Request, RequestEntry, RequestTask
from kb.requests.task_work import TaskWork
from kb.requests.tasks import latest_due, task_states, tasks_from_workflow
from kb.requests.workflows import Workflow, WorkflowCatalog
from kb.store.protocols import Announce
from kb.validators import parse_choice, required_text


@dataclass(frozen=True)
class NewRequest:
    """What an employee asks for (checked and filed by `Submissions.submit`)."""

    query: str
    description: str = ""
    department: str | None = None
    suggested_department: str | None = None
    suggestions_shown: bool = False
    went_on_anyway: bool = False
    search_id: int | None = None
    priority: Priority | str = Priority.NORMAL
    idempotency_key: str | None = None
    workflow: str | None = None
    department_confidence: float | None = None


class Submissions:
    """New requests: routed, given due dates (and tasks), stored and announced."""

    def __init__(
        self,
        ledger: Ledger,
        departments: Departments,
        workflows: WorkflowCatalog,
        tasks: TaskWork,
        language_of: Callable[[str], str],
    ) -> None:
        self.ledger = ledger
        self.departments = departments
        self.workflows = workflows
        self.tasks = tasks
        self.language_of = language_of

    def submit(self, actor: User, sent: NewRequest) -> Request:
        """File a request (or, with `workflow`, a value-stream request with its tasks)."""
        query = required_text("query", sent.query)
        template: Workflow | None = self.workflows.get(sent.workflow) if sent.workflow else None
        request, tasks = self._new_request(actor, replace(sent, query=query), template)
        stored = self.ledger.store.create_request(request, tasks, announce=self._announce(tasks))
        if not _same_submission(stored, request) and stored.query != request.query:
            raise ConflictError(
                f"idempotency key {sent.idempotency_key!r} was already used for request "
                f"{stored.id} with another question; use a new key for a new request",
                details={"id": stored.id},
            )
        return stored

    def _new_request(
        self, actor: User, sent: NewRequest, template: Workflow | None
    ) -> tuple[Request, list[RequestTask]]:
        now = self.ledger.clock()
        slug = (
            template.owner
            if template
            else self.departments.route(
                sent.department, sent.suggested_department, sent.department_confidence
            )
        )
        tasks: list[RequestTask] = []
        dues = self.departments.due_dates(slug, now)  # refuses unknown departments
        if template is not None:
            lang = self.language_of(f"{sent.query}\n{sent.description}")
            tasks = tasks_from_workflow(template, now, self.departments.due_after, lang)
            dues = replace(dues, resolution=max(dues.resolution, latest_due(tasks) or now))
        key = sent.idempotency_key
        try:
            request = Request(
                requester=actor.username,
                query=sent.query,
                description=(sent.description or "").strip(),
                department=slug,
                priority=parse_choice(Priority, "priority", sent.priority),
                created=now,
                updated=now,
                search_id=sent.search_id,
                suggestions_shown=bool(sent.suggestions_shown),
                went_on_anyway=bool(sent.went_on_anyway),
                workflow=template.name if template else None,
                idempotency_key=f"{actor.username}:{key.strip()}" if key else None,
                first_response_due=dues.first_response,
                resolution_due=dues.resolution,
            )
        except ValueError as exc:
            raise ValidationError(str(exc)) from None
        return request, tasks

    def _announce(self, tasks: list[RequestTask]) -> Announce:
        """The request is created; tasks that can start at once in another
        department tell that department."""

        def ready(request: Request, created: RequestEntry) -> list[OutboxMessage]:
            startable = [
                s.task
                for s in task_states(tasks)
                if not s.blocked and s.task.department != request.department
            ]
            return self.tasks.ready_messages(request, startable, created)

        return self.ledger.announcing(Topic.CREATED, also=ready)


def _same_submission(stored: Request, sent: Request) -> bool:
    """True when the store saved the request just sent, not an earlier one with the key."""
    return (stored.created, stored.requester, stored.query, stored.description) == (
        sent.created,
        sent.requester,
        sent.query,
        sent.description,
    )
