"""Reading requests: one request, its history, what the reader may do, queues.

Readers see what their role allows (`kb.requests.permissions`): agents of the
request's queue see everything; agents of its tasks the internal notes their
department shares (`kb.requests.internal_notes`); everyone else who may see
it (the requester, content owners) the history without internal notes.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from kb.accounts.records import User
from kb.errors import PermissionDenied
from kb.requests import merged_readers, permissions
from kb.requests.answers import AnswerNotices
from kb.requests.attaching import SEARCH_LIMIT
from kb.requests.department_moves import require_listed_queue
from kb.requests.departments import Departments
from kb.requests.internal_notes import readable_entries
from kb.requests.ledger import Ledger
from kb.requests.lifecycle import RequestStatus
from kb.requests.paging import Page, Paging, RequestList
from kb.requests.permissions import RequestPermissions, require_queue
from kb.requests.records import Request, RequestEntry
from kb.requests.routing import RoutingHints, routing_hints
from kb.requests.tasks import Progress, TaskState, progress, task_states
from kb.store.protocols import RequestOrder
from kb.validators import parse_choice


@dataclass(frozen=True)
class QueueItem:
    """A request in a department queue, with whether it is overdue now."""

    request: Request
    overdue: bool


@dataclass(frozen=True)
class RequestDetail:
    """Everything the request page shows to one reader."""

    request: Request
    history: list[RequestEntry]
    tasks: list[TaskState]
    progress: Progress
    overdue: bool
    permissions: RequestPermissions

    @property
    def can_work(self) -> bool:
        """The reader works the request's queue."""
        return self.permissions.work


class RequestReader:
    """Reading requests and queues."""

    def __init__(self, ledger: Ledger, departments: Departments) -> None:
        self.ledger = ledger
        self.store = ledger.store
        self.departments = departments
        self.answers = AnswerNotices(self.store)  # the requester's new answers

    def get(self, actor: User, request_id: int) -> Request:
        """The request as the actor may read it (`Ledger.shown`)."""
        return self.ledger.shown(actor, self.ledger.load(actor, request_id))

    def history(self, actor: User, request_id: int) -> list[RequestEntry]:
        """The history the actor may see: internal notes for agents of its queue,
        and those shared with their task's department (`internal_notes`); for the
        requester of a duplicate merged into it, what `merged_readers` keeps."""
        request = self.ledger.load(actor, request_id)
        found = readable_entries(actor, request, self.store.entries(request_id))
        merged = self.ledger.merged_reader(actor, request)
        if merged is None:
            return found
        return merged_readers.entries(found, request, merged, actor.username)

    def detail(self, actor: User, request_id: int) -> RequestDetail:
        """The request opened: for its requester, its answers so far are seen
        from now on (`kb.requests.answers`)."""
        request = self.ledger.load(actor, request_id)
        self.answers.opened(actor, request)
        tasks = self.store.tasks(request_id)
        if self.ledger.merged_reader(actor, request) is not None:
            tasks = merged_readers.tasks(tasks, request)
        return RequestDetail(
            request=self.ledger.shown(actor, request),
            history=self.history(actor, request_id),
            tasks=task_states(tasks),
            progress=progress(tasks),
            overdue=request.is_overdue(self.ledger.clock()),
            permissions=self.ledger.permissions(actor, request),
        )

    def list_mine(
        self, actor: User, status: RequestStatus | Sequence[RequestStatus] | None = None
    ) -> list[Request]:
        """The actor's own requests, newest first."""
        return self.store.list_requests(requester=actor.username, status=status, order_by="created")

    def page_mine(
        self,
        actor: User,
        paging: Paging,
        status: RequestStatus | Sequence[RequestStatus] | None = None,
    ) -> Page[Request]:
        """One page of `list_mine`, paged in the database."""
        wanted = [status] if isinstance(status, RequestStatus) else status
        mine = RequestList(
            requester=actor.username,
            status=None if wanted is None else tuple(wanted),
            order_by="created",
        )
        return self.store.page_requests(mine, paging.limit, paging.offset, paging.key("created"))

    def queue(
        self,
        actor: User,
        department: str | None,
        status: RequestStatus | str | Sequence[RequestStatus | str] | None = None,
        overdue: bool = False,
        order_by: RequestOrder = "due",
    ) -> list[QueueItem]:
        """A department's requests (open ones unless `status` says otherwise),
        earliest due first, each flagged when overdue. `department` None means
        every queue (admins and agents of all departments only)."""
        wanted = self._queue_list(actor, department, status, overdue, order_by)
        now = self.ledger.clock()
        return [
            QueueItem(r, r.is_overdue(now)) for r in self.store.list_requests(**wanted.filters())
        ]

    def queue_page(
        self,
        actor: User,
        department: str | None,
        paging: Paging,
        status: RequestStatus | str | Sequence[RequestStatus | str] | None = None,
        overdue: bool = False,
    ) -> Page[QueueItem]:
        """One page of `queue` (earliest due first), paged in the database."""
        wanted = self._queue_list(actor, department, status, overdue, "due")
        page = self.store.page_requests(wanted, paging.limit, paging.offset, paging.key("due"))
        now = self.ledger.clock()
        items = [QueueItem(r, r.is_overdue(now)) for r in page.items]
        return Page(items, page.total, page.offset, page.more, page.next_key)

    def _queue_list(
        self,
        actor: User,
        department: str | None,
        status: RequestStatus | str | Sequence[RequestStatus | str] | None,
        overdue: bool,
        order_by: RequestOrder,
    ) -> RequestList:
        """The requests a queue lists, once `actor` is known to work it."""
        return RequestList(
            department=department,
            status=tuple(self._queue_statuses(actor, department, status)),
            overdue_at=self.ledger.clock() if overdue else None,
            order_by=order_by,
        )

    def _queue_statuses(
        self,
        actor: User,
        department: str | None,
        status: RequestStatus | str | Sequence[RequestStatus | str] | None,
    ) -> list[RequestStatus]:
        """The statuses a queue lists, once `actor` is known to work it."""
        if department is None:
            if not (permissions.is_admin(actor) or actor.departments("agent") is None):
                raise PermissionDenied(
                    f"{actor.username} may not list every queue; name a department",
                    details={"user": actor.username},
                    key="every_queue_who",
                )
        else:
            require_listed_queue(self.store, self.departments, actor, department)
        if status is None:
            return [s for s in RequestStatus if s.is_open]
        if isinstance(status, str):
            return [parse_choice(RequestStatus, "status", status)]
        return [parse_choice(RequestStatus, "status", s) for s in status]

    def routing_hints(self, since: datetime | None = None) -> RoutingHints:
        """What reassignments teach routing (see `kb.requests.routing`)."""
        return routing_hints(self.store.reassignments(since))

    def search_queue(self, actor: User, text: str, department: str) -> list[Request]:
        """The requests of `department`'s queue, and of its tasks, whose question or
        description holds every word of `text`, newest first (its agents and admins)."""
        require_queue(actor, department)
        words = text.split()
        return self.store.search_requests(words, [department], SEARCH_LIMIT) if words else []
