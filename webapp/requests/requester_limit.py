"""A requester's own status changes and ratings count against `reply_limit`.

Closing, reopening and rating one's own request each mail the queue and every
watcher (up to 50 people the requester chose, nobody asked), as a reply does.
Replies were limited per account; these were not, so one account (or a script
with its session) toggling close and reopen flooded every inbox that follows
the request. The agents of the request's queue and of its tasks, and admins,
work the request and are not counted: their changes are the queue's work,
which the bulk change and integrations make in numbers.
"""

from __future__ import annotations

from kb.accounts.records import User
from kb.errors import NotFoundError
from webapp.services import request_service
from webapp.throttle import REPLY, limit_account


def limit_requester_change(actor: User, request_id: int) -> None:
    """Count one change of request `request_id` by `actor` against `reply_limit`
    unless they work the request (RateLimited past it, nothing changed)."""
    service = request_service()
    try:
        found = service.get(actor, request_id)
    except NotFoundError:
        return  # the change itself answers "not found", uncounted
    if not service.works_on(actor, found):
        limit_account(REPLY, actor.username)
