"""One change for many requests at once: the queue's bulk assign and status.

Each request is changed on its own, with its own checks and history entries,
as if an agent had opened it; a request that cannot take the change (another
department's, a move the life cycle does not allow, one changed since the
version the agent or client read of it, one whose queue the actor does not
work, even their own request) is reported, keeps neither its
assignment nor its status, and the others go on. A request already in the
chosen status keeps it and takes the assignment (unless a note rides on the
move: the note goes with a status change), so choosing "In progress" and an
assignee for a mixed selection assigns them all.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

from kb.accounts.records import User
from kb.errors import KbError, ValidationError
from kb.requests.ledger import StaleRequestError
from kb.requests.working import RequestChanges, RequestWork

MAX_BULK = 200


@dataclass(frozen=True)
class BulkResult:
    """What happened to one request of a bulk change."""

    request_id: int
    error: KbError | None = None

    @property
    def ok(self) -> bool:
        return self.error is None


class BulkWork:
    """Assigning and moving many requests of a queue."""

    def __init__(self, work: RequestWork) -> None:
        self.work = work

    def apply(
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
        """Assign (`assign`: to `assignee`, None unassigns) and/or change the status of
        each request; one result per request, in the order given. A request named in
        `versions` is changed only while it is at that version (the one the agent
        saw); else its result is a StaleRequestError."""
        ids = list(dict.fromkeys(request_ids))
        if not ids:
            raise ValidationError(
                "ids: choose at least one request", details={"field": "ids"}, key="bulk_none"
            )
        if len(ids) > MAX_BULK:
            raise ValidationError(
                f"ids: at most {MAX_BULK} requests at once, got {len(ids)}",
                details={"field": "ids", "max": MAX_BULK},
                key="bulk_many",
                values={"limit": MAX_BULK},
            )
        if not assign and not status:
            raise ValidationError(
                "nothing to change: choose an assignee or a status",
                details={"field": "status"},
                key="bulk_nothing",
            )
        wanted = RequestChanges(
            assign=assign,
            assignee=assignee,
            status=status or None,
            note=note,
            agents_only=True,
            keep_reached_status=True,
        )
        results = []
        for request_id in ids:
            try:
                based = replace(wanted, version=(versions or {}).get(request_id))
                self.work.patch(actor, request_id, based)
            except StaleRequestError as exc:
                stale = StaleRequestError(
                    request_id, exc.values["base"], exc.values["current"], in_bulk=True
                )
                results.append(BulkResult(request_id, stale))
            except KbError as exc:
                results.append(BulkResult(request_id, exc))
            else:
                results.append(BulkResult(request_id))
        return results
