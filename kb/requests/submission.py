"""Filing a request: routing it, its due dates, its form, the tasks of a value stream.

A request filed from the service catalogue names its type (`request_type`)
and sends the values of the type's form (`fields`): they are checked
(`FieldErrors` names every problem), stored with the request, fill in its
title when the question is left empty ("Laptop for Jana Fischer") and the
titles of a value stream's tasks. The request goes to the type's
department. Sending `workflow` alone is the value stream's type.

With an idempotency key, submitting again returns the first request
unchanged and notifies no one again. Keys are per requester.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from typing import Any

from kb.accounts.records import User
from kb.catalogue.fields import FieldContext
from kb.catalogue.templates import shown_values
from kb.catalogue.types import Catalogue, RequestType
from kb.errors import ConflictError, ValidationError
from kb.notify.outbox import OutboxMessage
from kb.notify.topics import Topic
from kb.requests.departments import Departments
from kb.requests.ledger import Ledger
from kb.requests.lifecycle import Priority
from kb.requests.records import (
    MAX_IDEMPOTENCY_KEY_CHARS,
    Request,
    RequestEntry,
    RequestTask,
    Suggestion,
)
from kb.requests.request_languages import RequestLanguages
from kb.requests.task_work import TaskWork
from kb.requests.tasks import latest_due, task_states, tasks_from_workflow
from kb.requests.workflows import Workflow, WorkflowCatalog
from kb.store.protocols import Announce
from kb.validators import normal_name, parse_choice, required_text


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
    request_type: str | None = None
    fields: Mapping[str, Any] | None = None
    lang: str | None = None  # the requester's language (titles made from a form)
    search_query: str = ""  # the words searched for, kept when no search is linked


@dataclass(frozen=True)
class Form:
    """A filed form: its type and the checked values, as stored and as read."""

    type: RequestType
    values: dict[str, Any]
    shown: dict[str, str]
    lang: str


def requester_key(username: str, key: str) -> str:
    """The stored idempotency key: the caller's key, kept per requester. A long
    username and a long key together are kept as their digest, which fits the
    store's 200 characters (a username may have 254). The digest starts with "#",
    which no username does, so no one's own key can spell someone else's digest."""
    scoped = f"{username}:{key.strip()}"
    if len(scoped) <= MAX_IDEMPOTENCY_KEY_CHARS:
        return scoped
    return "#sha256:" + hashlib.sha256(scoped.encode("utf-8")).hexdigest()


class Submissions:
    """New requests: routed, given due dates (and tasks), stored and announced."""

    def __init__(
        self,
        ledger: Ledger,
        departments: Departments,
        workflows: Callable[[], WorkflowCatalog],
        tasks: TaskWork,
        languages: RequestLanguages,
        catalogue: Callable[[], Catalogue] | None = None,
    ) -> None:
        self.ledger = ledger
        self.departments = departments
        self.current_workflows = workflows
        self.tasks = tasks
        self.languages = languages
        self.current_catalogue = catalogue or Catalogue

    @property
    def catalogue(self) -> Catalogue:
        return self.current_catalogue()

    @property
    def workflows(self) -> WorkflowCatalog:
        return self.current_workflows()

    def filed_before(self, actor: User, key: str | None) -> Request | None:
        """The request `actor` already filed with idempotency key `key`, if any: a
        retry is answered with it, so nothing that costs (a routing search) need
        run before `submit` again."""
        return self.ledger.store.request_by_key(requester_key(actor.username, key)) if key else None

    def submit(self, actor: User, sent: NewRequest, *, signed_in: bool = False) -> Request:
        """File a request (or, with `workflow`, a value-stream request with its tasks).
        `signed_in`: `actor` is the signed-in account filing it (the web and the
        API): the store files it only while that very account exists, so a
        request filed as the account is removed is refused, never inherited by
        the next account of its name. A requester named by text alone (demo
        traffic) is not checked."""
        form = self._form(sent, actor.username)
        if form is not None and not (sent.query or "").strip():
            names = self.departments.names()
            sent = replace(sent, query=form.type.summary_in(form.values, form.lang, names))
        query = required_text("query", sent.query)
        workflow = form.type.workflow if form is not None else sent.workflow
        template: Workflow | None = self.workflows.get(workflow) if workflow else None
        request, tasks = self._new_request(actor, replace(sent, query=query), template, form)
        # A value stream or a catalogue type says the department, not routing.
        suggestion = kept_suggestion(sent) if template is None and form is None else None
        stored = self.ledger.store.create_request(
            request,
            tasks,
            announce=self._announce(tasks),
            suggestion=suggestion,
            account=actor if signed_in else None,
        )
        if not _same_submission(stored, request) and stored.query != request.query:
            raise ConflictError(
                f"idempotency key {sent.idempotency_key!r} was already used for request "
                f"{stored.id} with another question; use a new key for a new request",
                details={"id": stored.id},
                key="idempotency_reused",
                values={"id": stored.id},
            )
        return stored

    def _form(self, sent: NewRequest, requester: str) -> Form | None:
        """The catalogue form of the submission, checked; None for a free question."""
        if sent.request_type:
            request_type = self.catalogue.get(sent.request_type)
            if sent.workflow and sent.workflow != request_type.workflow:
                raise ValidationError(
                    f"workflow: {sent.workflow!r} is not the value stream of the type "
                    f"{request_type.id!r}; send the type alone",
                    details={"field": "workflow", "value": sent.workflow},
                    key="workflow_of_type",
                    values={"value": sent.workflow, "type": request_type.id},
                )
        elif sent.workflow:
            found = self.catalogue.of_workflow(self.workflows.get(sent.workflow).name)
            if found is None:
                return None
            request_type = found
        elif sent.fields:
            raise ValidationError(
                "fields: send the request type (type) the fields belong to",
                details={"field": "type"},
                key="fields_need_type",
            )
        else:
            return None
        now = self.ledger.clock()
        context = FieldContext(
            today=now.astimezone(self.departments.calendar.zone).date(),
            departments=list(self.departments.names()),
        )
        values = request_type.check(sent.fields, context)
        lang = sent.lang or self.languages.of(sent.description or sent.query or "", requester)
        shown = shown_values(request_type.fields, values, lang, self.departments.names())
        return Form(request_type, values, shown, lang)

    def _new_request(
        self, actor: User, sent: NewRequest, template: Workflow | None, form: Form | None
    ) -> tuple[Request, list[RequestTask]]:
        now = self.ledger.clock()
        if template is not None:
            slug = template.owner
        elif form is not None:
            slug = form.type.department
        else:
            slug = self.departments.route(
                sent.department, sent.suggested_department, sent.department_confidence
            )
        tasks: list[RequestTask] = []
        dues = self.departments.due_dates(slug, now)  # refuses unknown departments
        if template is not None:
            text = f"{sent.query}\n{sent.description}"
            lang = form.lang if form else self.languages.of(text, actor.username)
            shown = form.shown if form else {}
            tasks = tasks_from_workflow(template, now, self.departments.due_after, lang, shown)
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
                search_query="" if sent.search_id is not None else sent.search_query.strip(),
                suggestions_shown=bool(sent.suggestions_shown),
                # Going on "anyway" needs suggestions first; both are the client's word.
                went_on_anyway=bool(sent.went_on_anyway and sent.suggestions_shown),
                workflow=template.name if template else None,
                request_type=form.type.id if form else None,
                fields=form.values if form else {},
                idempotency_key=requester_key(actor.username, key) if key else None,
                first_response_due=dues.first_response,
                resolution_due=dues.resolution,
            )
        except ValueError as exc:
            raise ValidationError(
                str(exc), key="request_not_stored", values={"reason": str(exc)}
            ) from None
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


def kept_suggestion(sent: NewRequest) -> Suggestion | None:
    """The routing suggestion a free question was filed with, when the department
    was left to it (none chosen, or the suggested one kept); None when the
    filer chose another department or nothing was suggested."""
    suggested = normal_name((sent.suggested_department or "").strip())
    chosen = normal_name((sent.department or "").strip())
    if not suggested or chosen not in ("", suggested):
        return None
    return Suggestion(suggested, sent.department_confidence)


def _same_submission(stored: Request, sent: Request) -> bool:
    """True when the store saved the request just sent, not an earlier one with the key."""
    return (stored.created, stored.requester, stored.query, stored.description) == (
        sent.created,
        sent.requester,
        sent.query,
        sent.description,
    )
