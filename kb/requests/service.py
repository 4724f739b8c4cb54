"""`RequestService`: the library API for requests that views and the CLI call.

Every method takes the acting `User` and checks what they may do (`kb.requests.permissions`;
`permissions(actor, id)` answers it for pages and clients). Every change appends an entry to
the request's append-only history and is stored together with the notifications it announces
(`Ledger`). Time comes from an injected clock, so tests can fix "now".

One part per concern, each tested through this facade: `Submissions`, `RequestReader`,
`RequestWork`, `TaskWork`, `ArticleWork` and the like, sharing a `Ledger` (load and save),
the `Departments` (lookup, due dates, routing; given as a source, they follow the
content root without a restart) and `RequestLanguages` (the language of a request's texts).
The parts are built, and the organisation they serve is read, in `kb.requests.parts`;
this module holds the actions.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from typing import Any

from kb.accounts.records import User
from kb.attachments.records import Attachment, Upload
from kb.requests.bulk import BulkResult
from kb.requests.canned import FilledReply
from kb.requests.lifecycle import Priority, RequestStatus
from kb.requests.paging import Page, Paging
from kb.requests.parts import RequestParts
from kb.requests.permissions import RequestPermissions
from kb.requests.reading import QueueItem, RequestDetail
from kb.requests.records import Request, RequestEntry, RequestTask
from kb.requests.routing import RoutingHints
from kb.requests.submission import NewRequest
from kb.requests.task_work import TaskItem
from kb.requests.tasks import Progress
from kb.requests.watchers import LeaveOutcome
from kb.requests.working import RequestChanges
from kb.store.protocols import RequestOrder

__all__ = ["QueueItem", "RequestDetail", "RequestService", "TaskItem"]


class RequestService(RequestParts):
    """Submitting, working and resolving requests: the actions, each delegated to
    the part that holds it (`kb.requests.parts` builds them)."""

    # -- filing --------------------------------------------------------------------
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
        request_type: str | None = None,
        fields: Mapping[str, Any] | None = None,
        lang: str | None = None,
    ) -> Request:
        """File a request (or, with `workflow`, a value-stream request with its tasks;
        with `request_type`, a request from the catalogue with the values of its form)."""
        sent = NewRequest(
            query, description, department, suggested_department, suggestions_shown,
            went_on_anyway, search_id, priority, idempotency_key, workflow,
            department_confidence, request_type, fields, lang,
        )  # fmt: skip
        return self.submissions.submit(actor, sent)

    # -- reading -------------------------------------------------------------------
    def get(self, actor: User, request_id: int) -> Request:
        return self.watching.current(self.reader.get(actor, request_id))

    def history(self, actor: User, request_id: int) -> list[RequestEntry]:
        return self.reader.history(actor, request_id)

    def detail(self, actor: User, request_id: int) -> RequestDetail:
        detail = self.reader.detail(actor, request_id)
        return replace(detail, request=self.watching.current(detail.request))

    def current_watchers(self, request: Request) -> Request:
        """`request` as its readers see it: a watch someone made of themselves
        that their roles no longer let them read has ended and is not listed
        (`WatcherWork.current`)."""
        return self.watching.current(request)

    def permissions(self, actor: User, request_id: int) -> RequestPermissions:
        """What `actor` may do with the request now (the same rules every change checks)."""
        return self.ledger.permissions(actor, self.ledger.load(actor, request_id))

    def works_on(self, actor: User, request: Request) -> bool:
        return self.ledger.works_on(actor, request)

    def list_mine(
        self, actor: User, status: RequestStatus | Sequence[RequestStatus] | None = None
    ) -> list[Request]:
        return self.reader.list_mine(actor, status)

    def page_mine(
        self,
        actor: User,
        paging: Paging,
        status: RequestStatus | Sequence[RequestStatus] | None = None,
    ) -> Page[Request]:
        return self.reader.page_mine(actor, paging, status)

    def queue(
        self,
        actor: User,
        department: str | None,
        status: RequestStatus | str | Sequence[RequestStatus | str] | None = None,
        overdue: bool = False,
        order_by: RequestOrder = "due",
    ) -> list[QueueItem]:
        return self.reader.queue(actor, department, status, overdue, order_by)

    def queue_page(
        self,
        actor: User,
        department: str | None,
        paging: Paging,
        status: RequestStatus | str | Sequence[RequestStatus | str] | None = None,
        overdue: bool = False,
    ) -> Page[QueueItem]:
        return self.reader.queue_page(actor, department, paging, status, overdue)

    def routing_hints(self, since: datetime | None = None) -> RoutingHints:
        return self.reader.routing_hints(since)

    # -- working -------------------------------------------------------------------
    def comment(
        self, actor: User, request_id: int, text: str, visible_to_requester: bool = True
    ) -> Request:
        self.canned.refuse_unfilled(actor, request_id, text if visible_to_requester else "")
        return self.ledger.shown(
            actor, self.work.comment(actor, request_id, text, visible_to_requester)
        )

    def transition(
        self, actor: User, request_id: int, status: RequestStatus | str, note: str = ""
    ) -> Request:
        return self.ledger.shown(actor, self.work.transition(actor, request_id, status, note))

    def resolve(self, actor: User, request_id: int, resolution: str) -> Request:
        return self.work.resolve(actor, request_id, resolution)

    def assign(self, actor: User, request_id: int, assignee: str | None) -> Request:
        return self.work.assign(actor, request_id, assignee)

    def reassign(self, actor: User, request_id: int, department: str, reason: str) -> Request:
        return self.work.reassign(actor, request_id, department, reason)

    def patch(self, actor: User, request_id: int, wanted: RequestChanges) -> Request:
        """Several changes at once, all saved or none (see `RequestWork.patch`)."""
        return self.ledger.shown(actor, self.work.patch(actor, request_id, wanted))

    # -- tasks of value streams -----------------------------------------------------
    def task_queue(self, actor: User, department: str) -> list[TaskItem]:
        return self.tasks.task_queue(actor, department)

    def task_queue_page(self, actor: User, department: str, paging: Paging) -> Page[TaskItem]:
        return self.tasks.task_queue_page(actor, department, paging)

    def progress(self, actor: User, request_id: int) -> Progress:
        return self.tasks.progress(actor, request_id)

    def progress_of(self, actor: User, requests: Sequence[Request]) -> dict[int, Progress]:
        """The progress of each request's tasks, by id, in one query."""
        return self.tasks.progress_of(actor, requests)

    def complete_task(
        self, actor: User, request_id: int, task_id: int, note: str = ""
    ) -> RequestTask:
        return self.tasks.complete_task(actor, request_id, task_id, note)

    def bulk(
        self,
        actor: User,
        request_ids: Sequence[int],
        *,
        assign: bool = False,
        assignee: str | None = None,
        status: str | None = None,
        note: str = "",
        versions: Mapping[int, int] | None = None,
    ) -> list[BulkResult]:
        """Assign and/or move many requests, each on its own (see `kb.requests.bulk`)."""
        return self.bulk_work.apply(
            actor,
            request_ids,
            assign=assign,
            assignee=assignee,
            status=status,
            note=note,
            versions=versions,
        )

    def canned_replies(
        self, actor: User, request_id: int, ui_lang: str = "en"
    ) -> list[FilledReply]:
        """The department's canned replies, filled in for this request (agents only)."""
        return self.canned.for_request(actor, request_id, ui_lang)

    def merge(self, actor: User, duplicate_id: int, into_id: int, note: str = "") -> Request:
        """Merge a duplicate into another request (see `kb.requests.merging`)."""
        return self.merging.merge(actor, duplicate_id, into_id, note)

    # -- the requester's side ----------------------------------------------------------
    def rate(self, actor: User, request_id: int, score: int, comment: str = "") -> Request:
        return self.ledger.shown(actor, self.ratings.rate(actor, request_id, score, comment))

    def watch(self, actor: User, request_id: int, username: str | None = None) -> Request:
        return self.ledger.shown(actor, self.watching.watch(actor, request_id, username))

    def unwatch(self, actor: User, request_id: int, username: str | None = None) -> Request:
        return self.ledger.shown(actor, self.watching.unwatch(actor, request_id, username))

    def leave(self, request_id: int, username: str, token: str) -> LeaveOutcome:
        """Stop `username` watching the request by the link of their mail (no sign-in:
        the token is signed for them and this request, `kb.notify.unwatch_links`);
        what it did (`WatcherWork.leave`)."""
        return self.watching.leave(request_id, username, token, self.notifier.config.link_key)

    # -- attachments ----------------------------------------------------------------
    def attach(
        self,
        actor: User,
        request_id: int,
        uploads: Sequence[Upload],
        text: str = "",
        internal: bool = False,
    ) -> list[Attachment]:
        """Attach files to a request, with a reply (`text`) or alone."""
        self.canned.refuse_unfilled(actor, request_id, "" if internal else text)
        return self.files.attach(actor, request_id, uploads, text, internal)

    def attachments(self, actor: User, request_id: int) -> list[Attachment]:
        return self.files.attachments(actor, request_id)

    def open_attachment(
        self, actor: User, request_id: int, attachment_id: int
    ) -> tuple[Attachment, bytes]:
        return self.files.open(actor, request_id, attachment_id)

    def search_attachments(
        self, actor: User, text: str, department: str | None = None
    ) -> list[Attachment]:
        return self.files.search(actor, text, department)

    def search_queue(self, actor: User, text: str, department: str) -> list[Request]:
        """The requests of `department`'s queue, and of its tasks, whose question or
        description holds every word of `text`, newest first (its agents and admins:
        `RequestReader.search_queue`)."""
        return self.reader.search_queue(actor, text, department)

    # -- articles from answers ------------------------------------------------------
    def draft_article(self, actor: User, request_id: int, content_root: Path) -> Path:
        return self.articles.draft_article(actor, request_id, content_root)

    def existing_draft(self, actor: User, request_id: int, content_root: Path) -> str | None:
        return self.articles.existing_draft(actor, request_id, content_root)

    def record_published(self, actor: User, request_id: int, article_id: str) -> None:
        self.articles.record_published(actor, request_id, article_id)
