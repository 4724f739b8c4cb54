"""Pages of a request list: the page, where it lies, and a cursor to the next one.

A list is cut into pages in the database, never by loading all of it. Two
ways to ask for a page:

* by `offset`: skip that many requests. Simple, but when requests join or
  leave the list between two pages, the later page starts one row early or
  late and repeats or skips a request.
* by cursor (`PageKey`): the sort key and id of the last request of the
  previous page; the next page is what sorts after it. Requests that join or
  leave the list move nothing else, so a request that stays in the list
  comes exactly once, whatever changes meanwhile.

A department's task list is paged by cursor the same way (`TaskKey`: the
last task's due date, request and task number).

A cursor travels as an opaque string (`PageKey.encode`); it carries no
authority (the list's filters and the caller's rights still apply), so it is
checked for shape only, and a broken one is a `ValidationError` naming
`cursor`.
"""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Generic, Literal, TypeVar

from kb.errors import ValidationError
from kb.requests.lifecycle import RequestStatus
from kb.validators import ensure_optional_utc, ensure_positive_int, ensure_utc

RequestOrder = Literal["due", "created"]
ORDERS: tuple[RequestOrder, ...] = ("due", "created")
T = TypeVar("T")


@dataclass(frozen=True)
class RequestList:
    """Which requests a list holds (every filter given must match) and their order:
    the arguments of `RequestStore.list_requests`, for paging. `departments`
    keeps requests of any of those departments; `linked_only` those with a
    linked article."""

    department: str | None = None
    departments: tuple[str, ...] | None = None
    linked_only: bool = False
    requester: str | None = None
    status: tuple[RequestStatus, ...] | None = None
    assignee: str | None = None
    overdue_at: datetime | None = None
    order_by: RequestOrder = "due"

    def __post_init__(self) -> None:
        if self.order_by not in ORDERS:
            raise ValueError(f"order_by must be 'due' or 'created', got {self.order_by!r}")
        if self.status is not None:
            object.__setattr__(self, "status", tuple(RequestStatus(s) for s in self.status))
        if self.departments is not None:
            object.__setattr__(self, "departments", tuple(self.departments))

    def filters(self) -> dict[str, Any]:
        """The keyword arguments of `list_requests` for this list."""
        return {
            "department": self.department,
            "departments": self.departments,
            "linked_only": self.linked_only,
            "requester": self.requester,
            "status": self.status,
            "assignee": self.assignee,
            "overdue_at": self.overdue_at,
            "order_by": self.order_by,
        }


def _bad_cursor(text: str, field: str = "cursor") -> ValidationError:
    return ValidationError(
        f"{field}: not one this list gave out; send the next_cursor of the page "
        f"before, or leave {field} out to start at the first page",
        details={"field": field, "value": text[:40]},
        key="bad_cursor",
    )


def _encoded(raw: list[Any]) -> str:
    data = json.dumps(raw).encode("utf-8")
    return base64.urlsafe_b64encode(data).decode("ascii").rstrip("=")


def _decoded(text: str) -> Any:
    padded = text + "=" * (-len(text) % 4)
    return json.loads(base64.urlsafe_b64decode(padded.encode("ascii")))


@dataclass(frozen=True)
class PageKey:
    """Where a page ended: the order of the list and the last request's sort key
    (resolution due date, creation time) and id."""

    order: RequestOrder
    due: datetime | None
    created: datetime
    id: int

    def __post_init__(self) -> None:
        if self.order not in ORDERS:
            raise ValueError(f"order must be 'due' or 'created', got {self.order!r}")
        ensure_optional_utc("due", self.due)
        ensure_utc("created", self.created)
        # A cursor is the client's to send back: an id beyond the databases' 64
        # bits (no request has one) overflowed the query, a 500.
        ensure_positive_int("id", self.id)

    def encode(self) -> str:
        """The cursor as a client sends it back: URL-safe, no padding."""
        due = None if self.due is None else self.due.isoformat()
        return _encoded([1, self.order, due, self.created.isoformat(), self.id])

    @classmethod
    def decode(cls, text: str, order: RequestOrder) -> PageKey:
        """The key a cursor of a list in `order` holds; ValidationError for a cursor
        that is broken or belongs to a list in another order."""
        try:
            raw = _decoded(text)
            version, sent_order, due, created, request_id = raw
            if version != 1 or sent_order != order or type(request_id) is not int:
                raise ValueError(raw)
            return cls(
                order=sent_order,
                due=None if due is None else datetime.fromisoformat(due),
                created=datetime.fromisoformat(created),
                id=request_id,
            )
        except (ValueError, TypeError, UnicodeError, binascii.Error) as exc:
            raise _bad_cursor(text) from exc


@dataclass(frozen=True)
class TaskKey:
    """Where a page of a department's tasks ended: the last task's due date,
    its request and its number (the order of `tasks_for_department`)."""

    due: datetime | None
    request_id: int
    task_no: int

    def __post_init__(self) -> None:
        ensure_optional_utc("due", self.due)
        for name in ("request_id", "task_no"):
            ensure_positive_int(name, getattr(self, name))

    def encode(self) -> str:
        due = None if self.due is None else self.due.isoformat()
        return _encoded([1, "task", due, self.request_id, self.task_no])

    @classmethod
    def decode(cls, text: str, field: str = "cursor") -> TaskKey:
        """The key a task list's cursor holds; ValidationError naming `field` otherwise."""
        try:
            version, kind, due, request_id, task_no = _decoded(text)
            if version != 1 or kind != "task" or type(request_id) is not int:
                raise ValueError(kind)
            if type(task_no) is not int:
                raise ValueError(task_no)
            return cls(None if due is None else datetime.fromisoformat(due), request_id, task_no)
        except (ValueError, TypeError, UnicodeError, binascii.Error) as exc:
            raise _bad_cursor(text, field) from exc


@dataclass(frozen=True)
class Page(Generic[T]):
    """One page of a list: its items, the number in the whole list (`total`), how
    many come before this page (`offset`), whether more follow, and the cursor of
    the next page (None on the last)."""

    items: list[T]
    total: int
    offset: int
    more: bool
    next_key: PageKey | TaskKey | None


@dataclass(frozen=True)
class Paging:
    """Which page a caller asks for: at most `limit` requests, after skipping
    `offset` of them or after the request `cursor` names (never both);
    `cursor_field` is the parameter that carried the cursor, named in errors."""

    limit: int
    offset: int = 0
    cursor: str | None = None
    cursor_field: str = "cursor"

    def __post_init__(self) -> None:
        if isinstance(self.limit, bool) or not isinstance(self.limit, int) or self.limit < 1:
            raise ValueError(f"limit must be a whole number >= 1, got {self.limit!r}")
        if isinstance(self.offset, bool) or not isinstance(self.offset, int) or self.offset < 0:
            raise ValueError(f"offset must be a whole number >= 0, got {self.offset!r}")
        if self.cursor is not None and self.offset:
            raise ValidationError(
                "cursor: send cursor or offset, not both; a cursor says where its page starts",
                details={"field": "cursor"},
                key="cursor_or_offset",
            )

    def key(self, order: RequestOrder) -> PageKey | None:
        """The key the cursor holds for a list in `order`; None without a cursor."""
        return None if self.cursor is None else PageKey.decode(self.cursor, order)

    def task_key(self) -> TaskKey | None:
        """The key the cursor holds for a task list; None without a cursor."""
        return None if self.cursor is None else TaskKey.decode(self.cursor, self.cursor_field)
