"""The life cycle of a request and its tasks: statuses, priorities, moves.

The status life cycle is the `TRANSITIONS` table; `check_transition` refuses a
move the table does not allow. Reopening takes a resolved or closed request
back to in_progress.
"""

from __future__ import annotations

from enum import StrEnum

from kb.errors import ConflictError


class RequestStatus(StrEnum):
    """Where a request stands."""

    NEW = "new"
    TRIAGED = "triaged"
    IN_PROGRESS = "in_progress"
    WAITING_FOR_REQUESTER = "waiting_for_requester"
    RESOLVED = "resolved"
    CLOSED = "closed"

    @property
    def is_open(self) -> bool:
        """Open requests still count against their due dates."""
        return self not in (RequestStatus.RESOLVED, RequestStatus.CLOSED)

    def can_become(self, other: RequestStatus) -> bool:
        return other in TRANSITIONS[self]


_S = RequestStatus
TRANSITIONS: dict[RequestStatus, frozenset[RequestStatus]] = {
    _S.NEW: frozenset(
        {_S.TRIAGED, _S.IN_PROGRESS, _S.WAITING_FOR_REQUESTER, _S.RESOLVED, _S.CLOSED}
    ),
    _S.TRIAGED: frozenset({_S.IN_PROGRESS, _S.WAITING_FOR_REQUESTER, _S.RESOLVED, _S.CLOSED}),
    _S.IN_PROGRESS: frozenset({_S.WAITING_FOR_REQUESTER, _S.RESOLVED, _S.CLOSED}),
    _S.WAITING_FOR_REQUESTER: frozenset({_S.IN_PROGRESS, _S.RESOLVED, _S.CLOSED}),
    # Reopening: the requester says it is not solved after all.
    _S.RESOLVED: frozenset({_S.CLOSED, _S.IN_PROGRESS}),
    _S.CLOSED: frozenset({_S.IN_PROGRESS}),
}


def check_transition(current: RequestStatus, target: RequestStatus) -> None:
    """Raise ConflictError unless `current` may move to `target` (said as "already"
    when they are the same: a queue's bulk change of requests some of which are)."""
    if current is target:
        raise ConflictError(
            f"the request is {current.value} already",
            details={"from": current.value, "to": target.value},
            key="transition_same",
            values={"status_from": current.value},
        )
    if not current.can_become(target):
        allowed = ", ".join(sorted(s.value for s in TRANSITIONS[current])) or "nothing"
        raise ConflictError(
            f"a {current.value} request cannot become {target.value}; "
            f"from {current.value} it may become: {allowed}",
            details={"from": current.value, "to": target.value},
            key="transition",
            values={"status_from": current.value, "status_to": target.value},
        )


class Priority(StrEnum):
    """How urgent a request is; `rank` orders them (urgent first when sorted by rank)."""

    LOW = "low"
    NORMAL = "normal"
    HIGH = "high"
    URGENT = "urgent"

    @property
    def rank(self) -> int:
        return ("urgent", "high", "normal", "low").index(self.value)


class TaskStatus(StrEnum):
    """Where one task of a request stands."""

    OPEN = "open"
    IN_PROGRESS = "in_progress"
    DONE = "done"
    CANCELLED = "cancelled"

    @property
    def is_finished(self) -> bool:
        return self in (TaskStatus.DONE, TaskStatus.CANCELLED)
