"""Employee requests: what was asked, where it went, and everything that happened.

A `Request` is one question or need routed to a department. It may be split
into `RequestTask`s (a value-stream template such as onboarding creates one
task per department, some waiting on others). Its history is an append-only
list of `RequestEntry`s; nothing in the history is edited or deleted. The
statuses and the moves between them are `kb.requests.lifecycle`'s.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any, Literal, get_args

from kb.requests.lifecycle import Priority, RequestStatus, TaskStatus
from kb.validators import (
    ensure_choice,
    ensure_id,
    ensure_optional_utc,
    ensure_str_list,
    ensure_text,
    ensure_unit,
    ensure_utc,
    ensure_version,
    normal_name,
    set_normalised,
    utc_now,
    without_bidi_controls,
)

EntryKind = Literal[
    "created",
    "comment",
    "status",
    "reassigned",
    "assigned",
    "resolution",
    "task",
    "article",
    "attachment",
    "rating",
    "watchers",
    "merged",
]
ENTRY_KIND_NAMES: tuple[str, ...] = get_args(EntryKind)
ENTRY_KINDS: frozenset[str] = frozenset(ENTRY_KIND_NAMES)


# The store's column holds this many (the requester's name and their key).
MAX_IDEMPOTENCY_KEY_CHARS = 200


@dataclass(frozen=True)
class Suggestion:
    """The department routing suggested for a question (the triage queue when the
    router was unsure) and its `confidence` in 0..1 (None when not known).

    A request filed with the suggestion kept records it in its "created" history
    entry (`as_entry_data`), so agents see why it came to their queue.
    """

    department: str
    confidence: float | None = None

    def __post_init__(self) -> None:
        ensure_text("department", self.department)
        set_normalised(self, "department", normal_name(self.department))
        if self.confidence is not None:
            set_normalised(self, "confidence", ensure_unit("confidence", self.confidence))

    def as_entry_data(self) -> dict[str, Any]:
        """The suggestion as the "created" entry's data names it (the API's fields)."""
        data: dict[str, Any] = {"suggested_department": self.department}
        if self.confidence is not None:
            data["department_confidence"] = round(self.confidence, 4)
        return data


def checked_fields(fields: object) -> dict[str, str | bool]:
    """A request's form values: names to texts or booleans (ValueError otherwise),
    each text without the controls that reorder what follows, as the question."""
    if not isinstance(fields, dict) or not all(
        isinstance(k, str) and isinstance(v, str | bool) for k, v in fields.items()
    ):
        raise ValueError(f"fields must map names to texts or booleans, got {fields!r}")
    return {k: v if isinstance(v, bool) else without_bidi_controls(v) for k, v in fields.items()}


@dataclass(frozen=True, kw_only=True)
class Request:
    """One employee request.

    `id` and `version` are the store's: `id` is None until `create_request`
    assigns it, and `version` goes up by one with every `update_request`, which
    refuses a record whose version is no longer current (someone else saved
    first). Due dates may be None when the department sets no targets.
    `search_id` is the search the request was filed from (`search_query`, the
    words searched for, when that search could not be linked: it was not
    logged); `suggestions_shown`
    and `went_on_anyway` record whether articles were suggested first and the
    employee filed the request regardless. A request filed from the catalogue
    names its `request_type` and keeps the values of its form in `fields`
    (`kb.catalogue`). After resolution the requester may rate it (`rating`
    1-5, `rating_comment`, `rated_at`); `watchers` are the usernames that hear
    about it besides the requester and may read it; `self_watchers` are those
    of them who added themselves (and are not its requester): such a watch
    gives no reading of its own (`reads_as_watcher`), only the e-mails while
    a role still lets them read it. A duplicate merged into another request
    names it in `merged_into`. `answered_at` is the newest reply or resolution
    the requester got from someone who works the request, `requester_seen_at`
    the newest of those they have seen, written by the store alone when they
    open the request (`kb.requests.answers`).
    """

    requester: str
    query: str
    department: str
    description: str = ""
    id: int | None = None
    assignee: str | None = None
    status: RequestStatus = RequestStatus.NEW
    priority: Priority = Priority.NORMAL
    created: datetime = field(default_factory=utc_now)
    updated: datetime = field(default_factory=utc_now)
    first_response_due: datetime | None = None
    resolution_due: datetime | None = None
    first_responded_at: datetime | None = None
    resolved_at: datetime | None = None
    resolution: str | None = None
    linked_articles: list[str] = field(default_factory=list)
    search_id: int | None = None
    search_query: str = ""
    suggestions_shown: bool = False
    went_on_anyway: bool = False
    workflow: str | None = None
    request_type: str | None = None
    fields: dict[str, str | bool] = field(default_factory=dict)
    rating: int | None = None
    rating_comment: str = ""
    rated_at: datetime | None = None
    watchers: list[str] = field(default_factory=list)
    self_watchers: list[str] = field(default_factory=list)
    merged_into: int | None = None
    answered_at: datetime | None = None
    requester_seen_at: datetime | None = None
    idempotency_key: str | None = None
    version: int = 0
    # Fields emptied for the one reader it was read for, never saved: a merged
    # duplicate's requester does not read the request's own (`kb.requests.merged_readers`).
    withheld: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        ensure_id("id", self.id, optional=True)
        ensure_text("requester", self.requester, allow_empty="requester" in self.withheld)
        ensure_text("query", self.query)
        set_normalised(self, "query", without_bidi_controls(self.query))
        ensure_text("department", self.department)
        set_normalised(self, "department", normal_name(self.department))
        ensure_text("description", self.description, allow_empty=True)
        set_normalised(self, "description", without_bidi_controls(self.description))
        if self.assignee is not None:
            ensure_text("assignee", self.assignee)
        set_normalised(self, "status", ensure_choice(RequestStatus, "status", self.status))
        set_normalised(self, "priority", ensure_choice(Priority, "priority", self.priority))
        created = ensure_utc("created", self.created)
        set_normalised(self, "created", created)
        # A defaulted `updated` is made a moment after `created`; never earlier.
        set_normalised(self, "updated", max(created, ensure_utc("updated", self.updated)))
        for name in (
            "first_response_due", "resolution_due", "first_responded_at", "resolved_at",
            "rated_at", "answered_at", "requester_seen_at",
        ):  # fmt: skip
            set_normalised(self, name, ensure_optional_utc(name, getattr(self, name)))
        if self.resolution is not None:
            ensure_text("resolution", self.resolution, allow_empty=True)
        ensure_str_list("linked_articles", self.linked_articles)
        ensure_id("search_id", self.search_id, optional=True)
        ensure_text("search_query", self.search_query, allow_empty=True)
        for name in ("suggestions_shown", "went_on_anyway"):
            if not isinstance(getattr(self, name), bool):
                raise ValueError(f"{name} must be True or False, got {getattr(self, name)!r}")
        if self.workflow is not None:
            ensure_text("workflow", self.workflow)
        if self.request_type is not None:
            ensure_text("request_type", self.request_type)
        set_normalised(self, "fields", checked_fields(self.fields))
        if self.rating is not None and (
            isinstance(self.rating, bool) or self.rating not in range(1, 6)
        ):
            raise ValueError(f"rating must be 1 to 5, got {self.rating!r}")
        ensure_text("rating_comment", self.rating_comment, allow_empty=True)
        set_normalised(self, "rating_comment", without_bidi_controls(self.rating_comment))
        if not isinstance(self.watchers, list):
            raise ValueError(f"watchers must be a list of usernames, got {self.watchers!r}")
        ensure_str_list("watchers", self.watchers)
        ensure_str_list("self_watchers", self.self_watchers)
        strays = [w for w in self.self_watchers if w not in self.watchers]
        if strays:
            raise ValueError(f"self_watchers must be watchers too, got {strays!r}")
        ensure_id("merged_into", self.merged_into, optional=True)
        if self.idempotency_key is not None:
            ensure_text("idempotency_key", self.idempotency_key)
            if len(self.idempotency_key) > MAX_IDEMPOTENCY_KEY_CHARS:
                raise ValueError(
                    f"idempotency_key must be at most {MAX_IDEMPOTENCY_KEY_CHARS} characters, "
                    f"got {self.idempotency_key!r}"
                )
        ensure_version(self.version)

    @property
    def has_new_answer(self) -> bool:
        """An answer came after the last one its requester saw (or they saw none).

        `Store.count_new_answers` applies the same rule in SQL."""
        if self.answered_at is None:
            return False
        return self.requester_seen_at is None or self.requester_seen_at < self.answered_at

    @property
    def answer_rating(self) -> int | None:
        """The requester's stars for the answer the request has now: None when
        they gave none since it was answered (a reopened request answered again
        keeps the stars of its earlier answer, which are no verdict on the new
        one; the history keeps each rating)."""
        if self.rating is None or self.rated_at is None or self.resolved_at is None:
            return None
        return self.rating if self.rated_at >= self.resolved_at else None

    def reads_as_watcher(self, username: str) -> bool:
        """True when `username` watches the request because its requester or an
        agent made them a watcher (or a merge did): a watch someone made of
        themselves lasts only as long as what let them read it."""
        return username in self.watchers and username not in self.self_watchers

    def is_overdue(self, at: datetime) -> bool:
        """Open and past a due date: resolution, or first response while none was given.

        `Store.list_requests(overdue_at=...)` applies the same rule in SQL.
        """
        at = ensure_utc("at", at)
        if not self.status.is_open:
            return False
        if self.resolution_due is not None and self.resolution_due < at:
            return True
        return (
            self.first_responded_at is None
            and self.first_response_due is not None
            and self.first_response_due < at
        )


@dataclass(frozen=True, kw_only=True)
class RequestTask:
    """One step of a request, owned by one department.

    `id` numbers the task within its request (1, 2, 3…); the store assigns
    numbers in list order to tasks created without one. `depends_on` lists
    the numbers of earlier tasks of the same request that must finish first.
    """

    department: str
    title: str
    request_id: int | None = None
    id: int | None = None
    status: TaskStatus = TaskStatus.OPEN
    depends_on: list[int] = field(default_factory=list)
    assignee: str | None = None
    due: datetime | None = None
    version: int = 0
    # Its title left out for the one reader it was read for, never saved: a merged
    # duplicate's requester does not read the form's values in it (`kb.requests.merged_readers`).
    title_withheld: bool = False

    def __post_init__(self) -> None:
        ensure_text("department", self.department)
        set_normalised(self, "department", normal_name(self.department))
        ensure_text("title", self.title, allow_empty=self.title_withheld)
        ensure_id("request_id", self.request_id, optional=True)
        ensure_id("id", self.id, optional=True)
        set_normalised(self, "status", ensure_choice(TaskStatus, "status", self.status))
        if not isinstance(self.depends_on, list):
            raise ValueError(f"depends_on must be a list of task numbers, got {self.depends_on!r}")
        for dep in self.depends_on:
            ensure_id("depends_on", dep, optional=False)
        if self.id is not None and any(dep >= self.id for dep in self.depends_on):
            raise ValueError(
                f"task {self.id} may only depend on earlier tasks, got depends_on={self.depends_on!r}"
            )
        if self.assignee is not None:
            ensure_text("assignee", self.assignee)
        set_normalised(self, "due", ensure_optional_utc("due", self.due))
        ensure_version(self.version)


def number_tasks(tasks: Sequence[RequestTask]) -> list[RequestTask]:
    """Give unnumbered tasks the numbers 1..n in list order and check that every
    dependency names an earlier task of the same request."""
    numbered = [t.id is not None for t in tasks]
    if any(numbered) and not all(numbered):
        raise ValueError("number either all tasks of a request or none of them")
    result = list(tasks) if all(numbered) else [replace(t, id=i) for i, t in enumerate(tasks, 1)]
    seen: set[int] = set()
    for task in result:
        assert task.id is not None  # numbered just above
        if task.id in seen:
            raise ValueError(f"two tasks have the number {task.id!r}")
        missing = [dep for dep in task.depends_on if dep not in seen]
        if missing:
            raise ValueError(
                f"task {task.id} ({task.title!r}) depends on {missing!r}, which are not "
                "earlier tasks of this request"
            )
        seen.add(task.id)
    return result


@dataclass(frozen=True, kw_only=True)
class RequestEntry:
    """One line of a request's history.

    `kind` says what happened; `data` carries the details a program reads back
    (a "reassigned" entry must name `from_department` and `to_department`, which
    is what routing learns from). Internal notes set `visible_to_requester` False.
    """

    request_id: int
    actor: str
    kind: EntryKind
    message: str = ""
    data: dict[str, Any] = field(default_factory=dict)
    visible_to_requester: bool = True
    ts: datetime = field(default_factory=utc_now)
    id: int | None = None

    def __post_init__(self) -> None:
        ensure_id("request_id", self.request_id, optional=False)
        ensure_id("id", self.id, optional=True)
        ensure_text("actor", self.actor)
        if self.kind not in ENTRY_KINDS:
            known = ", ".join(sorted(ENTRY_KINDS))
            raise ValueError(f"kind must be one of {known}, got {self.kind!r}")
        ensure_text("message", self.message, allow_empty=True)
        # A reply, note or resolution is shown and mailed as the question is.
        set_normalised(self, "message", without_bidi_controls(self.message))
        if not isinstance(self.data, dict):
            raise ValueError(f"data must be a dict, got {self.data!r}")
        if self.kind == "reassigned":
            for key in ("from_department", "to_department"):
                if not isinstance(self.data.get(key), str) or not self.data[key]:
                    raise ValueError(
                        f"a reassigned entry needs data[{key!r}] naming a department, "
                        f"got data={self.data!r}"
                    )
        if not isinstance(self.visible_to_requester, bool):
            raise ValueError(
                f"visible_to_requester must be True or False, got {self.visible_to_requester!r}"
            )
        set_normalised(self, "ts", ensure_utc("ts", self.ts))


@dataclass(frozen=True, kw_only=True)
class Reassignment:
    """A request moved from one department to another: what routing learns from."""

    request_id: int
    query: str
    from_department: str
    to_department: str
    ts: datetime
    # A department folder renamed (`kb requests move-department`): where the
    # request is now, but no one's judgement of where the question belongs.
    renamed: bool = False
