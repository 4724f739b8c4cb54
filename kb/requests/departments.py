"""The departments requests go to: lookup, due dates and the queue of a new request.

A request's queue is one of the departments of the content root or the
central triage queue (default targets). Due dates count the department's
targets in working hours (`kb.requests.sla`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from kb.errors import ValidationError
from kb.records import Department, Targets
from kb.requests.sla import WorkingCalendar
from kb.validators import normal_name


@dataclass(frozen=True)
class DueDates:
    """When a request needs its first response and its resolution."""

    first_response: datetime
    resolution: datetime


class Departments:
    """The known departments and the triage queue, with their working calendar."""

    def __init__(
        self,
        departments: Mapping[str, Department],
        *,
        triage: str = "triage",
        calendar: WorkingCalendar | None = None,
        route_threshold: float = 0.35,
    ) -> None:
        self.by_slug = dict(departments)
        self.triage = triage
        self.calendar = calendar or WorkingCalendar()
        self.route_threshold = route_threshold

    def get(self, slug: str) -> Department:
        """A known department, or the triage queue (default targets)."""
        slug = normal_name(slug)
        if slug in self.by_slug:
            return self.by_slug[slug]
        if slug == self.triage:
            return Department(slug=slug, name="Triage", targets=Targets())
        known = ", ".join(sorted([*self.by_slug, self.triage]))
        raise ValidationError(
            f"unknown department {slug!r}; known: {known}",
            details={"field": "department", "value": slug},
            key="unknown_department",
            values={"value": slug, "known": known},
        )

    def names(self) -> dict[str, str]:
        return {slug: d.name for slug, d in self.by_slug.items()}

    def due_after(self, start: datetime, slug: str) -> datetime:
        """When work a department starts at `start` is due (its resolution target)."""
        return self.calendar.add_working_hours(start, self.get(slug).targets.resolution_hours)

    def due_dates(self, slug: str, start: datetime) -> DueDates:
        """First-response and resolution due dates for a request filed at `start`."""
        targets = self.get(slug).targets
        return DueDates(
            first_response=self.calendar.add_working_hours(start, targets.first_response_hours),
            resolution=self.calendar.add_working_hours(start, targets.resolution_hours),
        )

    def route(self, department: str | None, suggested: str | None, confidence: float | None) -> str:
        """The queue a new request goes to.

        The employee's choice wins when it differs from the suggestion. A
        suggestion the router was not confident about (below
        `route_threshold`), or no department at all, means the triage queue.
        """
        chosen = normal_name((department or "").strip() or (suggested or "").strip())
        if not chosen:
            return self.triage
        low = confidence is not None and confidence < self.route_threshold
        if low and chosen == normal_name((suggested or "").strip()):
            return self.triage
        return chosen
