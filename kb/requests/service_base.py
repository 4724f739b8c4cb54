"""What every part of `RequestService` shares: departments, due dates, loading
a request the actor may see, and saving a change with its history entry.

Saving never loses an update: the store refuses a save based on a stale
version, and `_save` then reloads the request, applies the change again to
the fresh state (re-checking everything) and retries.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from kb.accounts.records import User
from kb.errors import ConflictError, ValidationError
from kb.notify.config import NotifyConfig
from kb.notify.notifier import Notifier, request_language
from kb.records import Department, Targets
from kb.requests import access
from kb.requests.lifecycle import RequestStatus
from kb.requests.records import EntryKind, Request, RequestEntry
from kb.requests.sla import WorkingCalendar
from kb.requests.workflows import WorkflowCatalog
from kb.store.protocols import Store
from kb.validators import utc_now

logger = logging.getLogger(__name__)

Clock = Callable[[], datetime]
Change = Callable[[Request, datetime], tuple[Request, RequestEntry]]
SAVE_ATTEMPTS = 3


@dataclass(frozen=True)
class DueDates:
    """When a request needs its first response and its resolution."""

    first_response: datetime
    resolution: datetime


class ServiceBase:
    """State and helpers of the request service."""

    def __init__(
        self,
        store: Store,
        *,
        departments: Mapping[str, Department],
        workflows: WorkflowCatalog | None = None,
        calendar: WorkingCalendar | None = None,
        triage_department: str = "triage",
        route_threshold: float = 0.35,
        notifier: Notifier | None = None,
        language_of: Callable[[str], str] = request_language,
        clock: Clock = utc_now,
    ) -> None:
        self.store = store
        self.departments = dict(departments)
        self.workflows = workflows or WorkflowCatalog()
        self.calendar = calendar or WorkingCalendar()
        self.triage = triage_department
        self.route_threshold = route_threshold
        self.language_of = language_of
        self.clock = clock
        self.notifier = notifier or Notifier(
            store,
            NotifyConfig(),
            department_names={slug: d.name for slug, d in self.departments.items()},
            language_of=language_of,
            clock=clock,
        )

    def department(self, slug: str) -> Department:
        """A known department, or the triage queue (default targets)."""
        if slug in self.departments:
            return self.departments[slug]
        if slug == self.triage:
            return Department(slug=slug, name="Triage", targets=Targets())
        known = ", ".join(sorted([*self.departments, self.triage]))
        raise ValidationError(
            f"unknown department {slug!r}; known: {known}",
            details={"field": "department", "value": slug},
        )

    def due_after(self, start: datetime, slug: str) -> datetime:
        """When work a department starts at `start` is due (its resolution target)."""
        return self.calendar.add_working_hours(
            start, self.department(slug).targets.resolution_hours
        )

    def due_dates(self, slug: str, start: datetime) -> DueDates:
        """First-response and resolution due dates for a request filed at `start`."""
        targets = self.department(slug).targets
        return DueDates(
            first_response=self.calendar.add_working_hours(start, targets.first_response_hours),
            resolution=self.calendar.add_working_hours(start, targets.resolution_hours),
        )

    def _task_departments(self, request: Request) -> set[str]:
        if not request.workflow or request.id is None:
            return set()
        return {t.department for t in self.store.tasks(request.id)}

    def _load(self, actor: User, request_id: int) -> Request:
        """The request, if the actor may see it (PermissionDenied otherwise)."""
        request = self.store.get_request(request_id)
        if not access.can_view(actor, request):
            access.require_view(actor, request, self._task_departments(request))
        return request

    def works_on(self, actor: User, request: Request) -> bool:
        """True for agents of the request's queue or of one of its tasks, and admins."""
        if access.works_queue(actor, request.department):
            return True
        return any(access.works_queue(actor, d) for d in self._task_departments(request))

    def _entry(
        self,
        actor: User,
        request: Request,
        now: datetime,
        kind: EntryKind,
        message: str = "",
        data: dict[str, Any] | None = None,
        *,
        visible: bool = True,
    ) -> RequestEntry:
        assert request.id is not None
        return RequestEntry(
            request_id=request.id,
            actor=actor.username,
            kind=kind,
            message=message,
            data=data or {},
            visible_to_requester=visible,
            ts=now,
        )

    def _resolved(
        self,
        actor: User,
        request: Request,
        now: datetime,
        resolution: str,
        automatic: bool = False,
    ) -> tuple[Request, RequestEntry]:
        """The request marked resolved with `resolution`, and its history entry."""
        data: dict[str, Any] = {"from": request.status.value, "to": RequestStatus.RESOLVED.value}
        if automatic:
            data["automatic"] = True
        entry = self._entry(actor, request, now, "resolution", resolution, data)
        return replace(
            request,
            status=RequestStatus.RESOLVED,
            resolution=resolution,
            resolved_at=now,
            first_responded_at=request.first_responded_at or now,
            updated=now,
        ), entry

    def _notify_resolved(self, saved: Request, entry: RequestEntry) -> None:
        """Tell the department's webhooks and queue, and the requester, that it is resolved."""
        self.notifier.notify(
            "request.resolved",
            saved,
            entry,
            webhooks=[saved.department],
            requester=True,
            queues=[saved.department],
        )

    def _save(
        self, actor: User, request_id: int, change: Change
    ) -> tuple[Request, Request, RequestEntry]:
        """Apply `change` to the current request and save it with its entry.

        Returns the request before, after, and the entry.
        """
        for attempt in range(1, SAVE_ATTEMPTS + 1):
            before = self._load(actor, request_id)
            now = self.clock()
            after, entry = change(before, now)
            try:
                saved = self.store.update_request(after, entry)
            except ConflictError as exc:
                if "stored_version" not in exc.details or attempt == SAVE_ATTEMPTS:
                    raise
                logger.info("requests: request %s changed meanwhile; retrying", request_id)
                continue
            return before, saved, entry
        raise AssertionError("unreachable: the last attempt returns or raises")
