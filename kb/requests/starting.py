"""A new request moving to in_progress by itself once someone works on it.

"New" tells the requester nobody has looked at the request yet, so it stops
being new as soon as an agent does something the requester should know of:
takes or is handed one of its tasks, replies to the requester, or finishes
a task. Assigning the request does not: the requester never hears of it.
The move is the product's own (`"automatic"` in the history entry, with a
note in `kb.requests.entry_notes`), so it mails nobody by itself; the change
that caused it does. A triaged request
("Accepted") already says someone looked at it, and keeps its status.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from kb.accounts.records import User
from kb.notify.topics import Topic
from kb.requests import entry_notes
from kb.requests.ledger import MaybeChange, Step, new_entry
from kb.requests.lifecycle import RequestStatus
from kb.requests.records import Request


def started(
    actor: User, request: Request, now: datetime, note: str, responded: bool = False
) -> Step:
    """`request` moved to in_progress by the product (`note` says why); `responded`
    when the change counts as the first response (a finished task)."""
    data = {"from": request.status.value, "to": RequestStatus.IN_PROGRESS.value, "automatic": True}
    entry = new_entry(actor, request, now, "status", entry_notes.NOTES.note(note), data)
    after = replace(request, status=RequestStatus.IN_PROGRESS, updated=now)
    if responded:
        after = replace(after, first_responded_at=request.first_responded_at or now)
    return Step(after, entry, Topic.STATUS_CHANGED)


def start_when_new(actor: User) -> MaybeChange:
    """In progress for a request that is still new; nothing for any other."""

    def change(request: Request, now: datetime) -> Step | None:
        if request.status is not RequestStatus.NEW or request.merged_into is not None:
            return None
        return started(actor, request, now, "entry_note_work_started")

    return change
