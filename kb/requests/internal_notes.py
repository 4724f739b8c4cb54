"""Who reads an internal note: the request's queue, and the departments it was
shared with.

Internal notes (and the files that come with them) belong to the request's
queue: its agents (and admins) read every one. An agent of a value-stream
task's department who does not work that queue writes internal notes too,
for the agents working the request: theirs are shared with the departments
of its tasks they work (`shared_with` in the entry's data), whose agents read
them beside the owning queue. What the owning queue notes for itself stays
with it (HR's salary notes on an onboarding request are not IT's to read).
The requester, watchers and content owners read no internal note.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence

from kb.accounts.records import User
from kb.attachments.records import Attachment
from kb.requests.permissions import sees_internal, works_queue
from kb.requests.records import Request, RequestEntry

SHARED_WITH = "shared_with"


def shared_with(actor: User, request: Request, task_departments: Iterable[str]) -> list[str]:
    """The task departments an internal note by `actor` is shared with: none from
    an agent of the request's queue (it stays with the queue), else those of its
    tasks the actor works."""
    if works_queue(actor, request.department):
        return []
    return sorted({d for d in task_departments if works_queue(actor, d)})


def shared_note_data(
    actor: User, request: Request, task_departments: Callable[[], Iterable[str]]
) -> dict[str, list[str]]:
    """What an internal note by `actor` carries in its data: the departments it is
    shared with (nothing for a note of the queue's agents, which stays with it)."""
    if works_queue(actor, request.department):
        return {}
    shared = shared_with(actor, request, task_departments())
    return {SHARED_WITH: shared} if shared else {}


def reads_entry(actor: User, request: Request, entry: RequestEntry) -> bool:
    """Whether `actor`, who may see the request, reads this entry of its history."""
    if entry.visible_to_requester or sees_internal(actor, request):
        return True
    shared = entry.data.get(SHARED_WITH)
    return isinstance(shared, list) and any(works_queue(actor, str(d)) for d in shared)


def readable_entries(
    actor: User, request: Request, entries: Sequence[RequestEntry]
) -> list[RequestEntry]:
    """The entries of the request's history `actor` reads."""
    return [e for e in entries if reads_entry(actor, request, e)]


def readable_attachments(
    actor: User,
    request: Request,
    attachments: Sequence[Attachment],
    entries: Sequence[RequestEntry],
) -> list[Attachment]:
    """The attachments `actor` reads: visible ones, and internal ones of the
    entries (notes) they read."""
    if sees_internal(actor, request):
        return list(attachments)
    read = {e.id for e in readable_entries(actor, request, entries)}
    return [a for a in attachments if a.visible_to_requester or a.entry_id in read]
