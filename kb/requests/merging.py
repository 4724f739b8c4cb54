"""Merging a duplicate request into another: one answer for both askers.

An agent who works both queues merges request D into request T: D is closed
with an entry naming T (its history stays as it was, and it can no longer be
reopened by its requester), D's requester becomes a watcher of T, so they
read and hear its answer, and T's history notes which request was merged
into it (an internal entry: T's requester need not see D's question). D's
requester is told (`request.merged`). The note on T and the closing of D are
saved in one transaction, both checked open on the versions saved, so a
racing merge (T into D at the same moment) cannot leave a note on a request
that stays open, nor two requests merged into each other.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from kb.accounts.records import User
from kb.errors import ConflictError, NotFoundError, PermissionDenied, ValidationError
from kb.notify.topics import Topic
from kb.requests import permissions
from kb.requests.ledger import Ledger, Step, new_entry
from kb.requests.lifecycle import RequestStatus
from kb.requests.records import Request
from kb.requests.task_work import TaskWork


class MergeWork:
    """Merging duplicates."""

    def __init__(self, ledger: Ledger, tasks: TaskWork) -> None:
        self.ledger = ledger
        self.tasks = tasks

    def merge(self, actor: User, duplicate_id: int, into_id: int, note: str = "") -> Request:
        """Merge request `duplicate_id` into `into_id`; returns the closed duplicate."""
        if duplicate_id == into_id:
            raise ValidationError(
                "into: a request cannot be merged into itself",
                details={"field": "into", "value": into_id},
                key="merge_self",
            )
        duplicate = self.ledger.load(actor, duplicate_id)
        permissions.require_agent(actor, duplicate, "merge")
        self._check_open(duplicate)
        self._check_target(actor, into_id)
        requester = duplicate.requester

        def note_merge(target: Request, now: datetime) -> Step:
            watchers = list(target.watchers)
            if requester != target.requester and requester not in watchers:
                watchers.append(requester)
            # Made a watcher by the merge: they read it as its requester does,
            # whoever they watched it as before.
            selves = [w for w in target.self_watchers if w != requester]
            data = {"from": duplicate_id, "query": duplicate.query, "requester": requester}
            entry = new_entry(actor, target, now, "merged", note, data, visible=False)
            merged = replace(target, watchers=watchers, self_watchers=selves, updated=now)
            return Step(merged, entry, None)

        def close(request: Request, now: datetime) -> Step:
            data = {"into": into_id, "from": request.status.value, "to": "closed"}
            entry = new_entry(actor, request, now, "merged", note, data)
            closed = replace(request, status=RequestStatus.CLOSED, merged_into=into_id, updated=now)
            return Step(closed, entry, Topic.MERGED)

        def merge_both(target: Request, request: Request, now: datetime) -> tuple[Step, Step]:
            # Both re-checked on the state being saved: of two merges racing
            # (D into T and T into D), the second finds one closed and is refused.
            self._check_open(target)
            self._check_open(request)
            return note_merge(target, now), close(request, now)

        merged = self.ledger.save_pair(actor, into_id, duplicate_id, merge_both)[1].after
        self.tasks.cancel_open_tasks(actor, merged)
        return merged

    def _check_target(self, actor: User, into_id: int) -> None:
        """The request to merge into, which the actor must see and work on: a refusal
        names the field `into`, so the form comes back with the note typed."""
        try:
            target = self.ledger.load(actor, into_id)
            permissions.require_agent(actor, target, "merge into")
        except (NotFoundError, PermissionDenied) as exc:
            exc.details = {**exc.details, "field": "into"}
            raise
        self._check_open(target)

    @staticmethod
    def _check_open(target: Request) -> None:
        if target.merged_into is not None or not target.status.is_open:
            raise ConflictError(
                f"request {target.id} is {target.status.value}; only open requests are merged",
                details={"request": target.id},
                key="merge_closed",
                values={"id": target.id},
            )
