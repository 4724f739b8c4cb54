"""The store's protocols: one small protocol per concern, and `Store`, all of them.

The app holds a `Store` from `create_store(url)` and never sees rows, engines
or SQL. Code that needs one concern asks for that protocol only (the request
service for `RequestStore`, the outbox worker for `OutboxStore`…), so a test
double implements just that. Every method takes and returns the domain records
of `kb.events`, `kb.accounts.records`, `kb.requests.records` and
`kb.notify.outbox`. Every write runs in one transaction: it happens completely
or not at all. Errors are `kb.errors` types: `NotFoundError`, `ConflictError`
(duplicate or stale record), and `StoreError` when the database itself fails.
Moving a department's requests: `kb.store.department_moves`; accounts:
`kb.store.account_protocols`.

All datetimes going in must be timezone-aware; all coming out are UTC.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from typing import Protocol, runtime_checkable

from kb.accounts.records import User
from kb.attachments.records import Attachment
from kb.events import ClickEvent, FeedbackEvent, PopularQuery, SearchEvent
from kb.notify.outbox import OutboxMessage
from kb.requests.lifecycle import RequestStatus
from kb.requests.paging import Page, PageKey, RequestList, RequestOrder, TaskKey
from kb.requests.records import Reassignment, Request, RequestEntry, RequestTask, Suggestion
from kb.store.account_protocols import AccountStore
from kb.store.department_moves import DepartmentMoveStore
from kb.store.limits import RateLimitStore
from kb.store.replays import ReplayStore
from kb.store.site_keys import SiteKeyStore

# What a change announces, built inside its transaction from the saved request
# and the stored history entry (both with their ids): the transactional outbox.
Announce = Callable[[Request, RequestEntry], Sequence[OutboxMessage]]


class EventStore(Protocol):
    """What employees did: searches, clicks and feedback."""

    def log_search(self, event: SearchEvent) -> int:
        """Record a search; return its id (for click and feedback events)."""
        ...

    def search_event(self, search_id: int) -> SearchEvent | None:
        """The logged search of that id, or None (never logged, or purged)."""
        ...

    def search_event_at(self, user: str, ts: datetime) -> SearchEvent | None:
        """The logged search of browser `user` made at `ts` (to the microsecond),
        the first if there are two; None while it is not stored (a search answered
        before it was logged, `kb.search_log`), or if it never was or was purged."""
        ...

    def log_click(self, event: ClickEvent) -> int:
        """Record a click; NotFoundError when its search id is unknown. A search's
        result is clicked once: a repeat records nothing and returns the first's id."""
        ...

    def log_feedback(self, event: FeedbackEvent) -> int: ...

    def search_events(
        self,
        since: datetime | None = None,
        until: datetime | None = None,
        limit: int | None = None,
    ) -> list[SearchEvent]:
        """Searches with since <= ts < until, oldest first."""
        ...

    def click_events(
        self,
        since: datetime | None = None,
        until: datetime | None = None,
        limit: int | None = None,
    ) -> list[ClickEvent]: ...

    def feedback_events(
        self,
        since: datetime | None = None,
        until: datetime | None = None,
        limit: int | None = None,
    ) -> list[FeedbackEvent]: ...

    def popular_queries(
        self, prefix: str, limit: int = 10, *, min_people: int = 1
    ) -> list[PopularQuery]:
        """Answered first-page queries starting with `prefix` (case-insensitive), in
        their normalised form (case-folded, single spaces), with the article that
        answered them and how many distinct people (`SearchEvent.person`) searched
        each so; only pairs with at least `min_people`, most people first. Events
        without a person or an answer never count."""
        ...


class RequestStore(DepartmentMoveStore, Protocol):
    """Requests, their tasks, their append-only history, and department moves."""

    def create_request(
        self,
        request: Request,
        tasks: Sequence[RequestTask] = (),
        idempotency_key: str | None = None,
        announce: Announce | None = None,
        suggestion: Suggestion | None = None,
        *,
        account: User | None = None,
    ) -> Request:
        """Store a new request, its tasks and a "created" history entry, and the
        outbox messages `announce` makes of them, in one transaction. The entry
        records the routing `suggestion` the request was filed with, if any.

        `account`: the signed-in account filing it for itself (its username is the
        requester). The request is stored only while that very account exists,
        read in this transaction; ConflictError `requester_gone` (nothing
        written) once it was removed or renamed. None: the requester is a name
        only (the command line, demo traffic), not checked.

        With an idempotency key (the argument, or `request.idempotency_key`), a
        second call with the same key returns the first request unchanged (and
        announces nothing), even when both calls race from different processes.
        """
        ...

    def request_by_key(self, key: str) -> Request | None:
        """The request created with idempotency key `key` (as stored), None when none was."""
        ...

    def get_request(self, request_id: int) -> Request:
        """NotFoundError when there is no such request."""
        ...

    def mark_answer_seen(self, request_id: int, requester: str, answered_at: datetime) -> None:
        """The requester `requester` has seen the answers of request `request_id`
        up to `answered_at` (`Request.requester_seen_at`; never moved back, the
        version and history left alone); nothing for anyone else."""
        ...

    def count_new_answers(self, requester: str) -> int:
        """How many of `requester`'s requests have an answer they have not seen
        (`Request.has_new_answer`)."""
        ...

    def get_requests(self, request_ids: Sequence[int]) -> dict[int, Request]:
        """The stored requests of those ids, by id (ids of no request left out)."""
        ...

    def list_requests(
        self,
        *,
        department: str | None = None,
        departments: Sequence[str] | None = None,
        linked_only: bool = False,
        requester: str | None = None,
        status: RequestStatus | Sequence[RequestStatus] | None = None,
        assignee: str | None = None,
        overdue_at: datetime | None = None,
        order_by: RequestOrder = "due",
        limit: int | None = None,
        offset: int = 0,
    ) -> list[Request]:
        """Requests matching every filter given.

        `departments` keeps those of any of the departments named, `linked_only`
        those with a linked article. `overdue_at` keeps open requests past a
        due date at that moment (the rule of `Request.is_overdue`). "due" orders by resolution due date
        (none last), then creation; "created" puts the newest first; equal
        keys by id.
        """
        ...

    def page_requests(
        self, wanted: RequestList, limit: int, offset: int = 0, after: PageKey | None = None
    ) -> Page[Request]:
        """One page of the list `wanted` (the filters and order of `list_requests`): at most
        `limit` requests, skipping `offset` of them or, with `after`, those that
        sort after that key (never both). The page's `total` and `offset` count
        in the same snapshot as its rows; `next_key` is the key of its last
        request when more follow (see `kb.requests.paging`)."""
        ...

    def search_requests(
        self, words: Sequence[str], departments: Sequence[str] | None, limit: int = 50
    ) -> list[Request]:
        """Requests whose question or description holds every word (case and
        accents ignored for every letter, an umlaut also spelled out: "buero"
        finds "Büro", "Büro" finds "Buero"), newest first, of `departments` or with a task there
        (None: every department)."""
        ...

    def update_request(
        self,
        request: Request,
        entry: RequestEntry,
        announce: Announce | None = None,
        attachments: Sequence[Attachment] = (),
    ) -> Request:
        """Save the request's fields, append `entry`, store the `attachments` that
        came with it (their bytes are kept already) and queue what `announce`
        makes of them, in one transaction.

        ConflictError when `request.version` is no longer the stored version
        (someone saved in between: reload and retry). Returns the saved request
        with its new version.
        """
        ...

    def update_requests(
        self, changes: Sequence[tuple[Request, RequestEntry, Announce | None]]
    ) -> list[Request]:
        """Save several changes as `update_request` does, all in one transaction:
        every request is saved, or (ConflictError on any stale version) none is.
        One request may come more than once, each change on the version the one
        before it saves (one history entry each). Returns the saved requests in
        the order given, one per change."""
        ...

    def add_entry(self, entry: RequestEntry) -> RequestEntry:
        """Append a history entry; returns it with its id."""
        ...

    def entries(self, request_id: int) -> list[RequestEntry]:
        """The request's history, oldest first."""
        ...

    def tasks(self, request_id: int) -> list[RequestTask]:
        """The request's tasks, by number."""
        ...

    def tasks_of(self, request_ids: Sequence[int]) -> dict[int, list[RequestTask]]:
        """The tasks of several requests at once: by request id (every id given,
        an empty list for a request without tasks), each by number."""
        ...

    def tasks_for_department(
        self, department: str, *, include_finished: bool = False
    ) -> list[RequestTask]:
        """Tasks a department owns (unfinished only unless asked), earliest due first
        (none last), then by request and number."""
        ...

    def page_tasks(
        self, department: str, limit: int, after: TaskKey | None = None
    ) -> Page[RequestTask]:
        """One page of the department's unfinished tasks in the order of
        `tasks_for_department`: at most `limit`, those after the key `after`
        (see `kb.requests.paging`); `total` and `offset` counted in the same
        snapshot as the rows."""
        ...

    def update_task(
        self, task: RequestTask, entry: RequestEntry, announce: Announce | None = None
    ) -> RequestTask:
        """Save a task, append `entry` and queue what `announce` makes of them (with
        the task's request), in one transaction; ConflictError on a stale version."""
        ...

    def reassignments(self, since: datetime | None = None) -> list[Reassignment]:
        """Every department change recorded in request histories, oldest first."""
        ...


class AttachmentStore(Protocol):
    """What is known about attached files, their bytes (database blob store) and search."""

    def put_blob(self, digest: str, data: bytes) -> None:
        """Keep `data` under its SHA-256 `digest` unless it is there already."""
        ...

    def get_blob(self, digest: str) -> bytes | None: ...

    def has_blob(self, digest: str) -> bool:
        """Whether bytes are kept under `digest` (without reading them)."""
        ...

    def attachments(self, request_id: int) -> list[Attachment]:
        """The request's attachments, oldest first."""
        ...

    def attachment(self, attachment_id: int) -> Attachment:
        """NotFoundError when there is no such attachment."""
        ...

    def count_attachments(self, request_id: int) -> int: ...

    def search_attachments(
        self, words: Sequence[str], departments: Sequence[str] | None, limit: int = 50
    ) -> list[Attachment]:
        """Attachments whose name and text hold every word (folded as
        `search_requests` folds: case and accents ignored, an umlaut typed as
        "ü", "u" or "ue" alike), newest first, of requests in `departments`, or files visible to
        the requester of requests with a task there (None: every department)."""
        ...


class OutboxStore(Protocol):
    """Notifications waiting to be delivered."""

    def enqueue(self, message: OutboxMessage) -> OutboxMessage:
        """Queue a notification; returns it with its id."""
        ...

    def due_messages(self, now: datetime, limit: int = 100) -> list[OutboxMessage]:
        """Undelivered messages whose next attempt is due, earliest first."""
        ...

    def claim_messages(
        self, now: datetime, limit: int = 100, lease: timedelta = timedelta(minutes=5)
    ) -> list[OutboxMessage]:
        """Like `due_messages`, but pushes each returned message's next attempt to
        now + lease in the same transaction, so concurrent workers never get
        the same message while one of them is sending it."""
        ...

    def mark_delivered(self, message_id: int, ts: datetime) -> None: ...

    def mark_failed(self, message_id: int, error: str, next_attempt_at: datetime | None) -> None:
        """Count a failed attempt; None for next_attempt_at gives up on the message."""
        ...


@runtime_checkable
class Store(
    EventStore,
    AccountStore,
    RequestStore,
    AttachmentStore,
    OutboxStore,
    RateLimitStore,
    ReplayStore,
    SiteKeyStore,
    Protocol,
):
    """Persistence for events, accounts, requests, the outbox, rate limits,
    answers kept for retries and the site's key."""

    def close(self) -> None:
        """Release connections. The store is unusable afterwards."""
        ...
