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
from kb.validators import ensure_optional_utc, ensure_utc

RequestOrder = Literal["due", "created"]
ORDERS: tuple[RequestOrder, ...] = ("due", "created")
T = TypeVar("T")


@dataclass(frozen=True)
class RequestList:
    """Which requests a list holds (every filter given must match) and their order:
    the arguments of `RequestStore.list_requests`, for paging."""

    department: str | None = None
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

    def filters(self) -> dict[str, Any]:
        """The keyword arguments of `list_requests` for this list."""
        return {
            "department": self.department,
            "requester": self.requester,
            "status": self.status,
            "assignee": self.assignee,
            "overdue_at": self.overdue_at,
            "order_by": self.order_by,
        }


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
        if isinstance(self.id, bool) or not isinstance(self.id, int) or self.id < 1:
            raise ValueError(f"id must be a whole number >= 1, got {self.id!r}")

    def encode(self) -> str:
        """The cursor as a client sends it back: URL-safe, no padding."""
        due = None if self.due is None else self.due.isoformat()
        raw = json.dumps([1, self.order, due, self.created.isoformat(), self.id])
        return base64.urlsafe_b64encode(raw.encode("utf-8")).decode("ascii").rstrip("=")

    @classmethod
    def decode(cls, text: str, order: RequestOrder) -> PageKey:
        """The key a cursor of a list in `order` holds; ValidationError for a cursor
        that is broken or belongs to a list in another order."""
        try:
            padded = text + "=" * (-len(text) % 4)
            raw = json.loads(base64.urlsafe_b64decode(padded.encode("ascii")))
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
            raise ValidationError(
                "cursor: not one this list gave out; send the next_cursor of the page "
                "before, or leave cursor out to start at the first page",
                details={"field": "cursor", "value": text[:40]},
                key="bad_cursor",
            ) from exc


@dataclass(frozen=True)
class Page(Generic[T]):
    """One page of a list: its items, the number in the whole list (`total`), how
    many come before this page (`offset`), whether more follow, and the cursor of
    the next page (None on the last)."""

    items: list[T]
    total: int
    offset: int
    more: bool
    next_key: PageKey | None


@dataclass(frozen=True)
class Paging:
    """Which page a caller asks for: at most `limit` requests, after skipping
    `offset` of them or after the request `cursor` names (never both)."""

    limit: int
    offset: int = 0
    cursor: str | None = None

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
