"""Marking a request resolved: one step, for agents and for the last finished
task alike, so both record and announce it the same way."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from typing import Any

from kb.accounts.records import User
from kb.notify.topics import Topic
from kb.requests.answers import answered
from kb.requests.ledger import Step, new_entry
from kb.requests.lifecycle import RequestStatus
from kb.requests.records import Request


def resolved(
    actor: User, request: Request, now: datetime, resolution: str, automatic: bool = False
) -> Step:
    """The request resolved with `resolution` (the answer the requester gets)."""
    data: dict[str, Any] = {"from": request.status.value, "to": RequestStatus.RESOLVED.value}
    if automatic:
        data["automatic"] = True
    entry = new_entry(actor, request, now, "resolution", resolution, data)
    after = replace(
        request,
        status=RequestStatus.RESOLVED,
        resolution=resolution,
        resolved_at=now,
        first_responded_at=request.first_responded_at or now,
        answered_at=answered(request, actor, now),
        updated=now,
    )
    return Step(after, entry, Topic.RESOLVED)
