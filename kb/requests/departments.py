"""The departments requests go to: lookup, due dates and the queue of a new request.

A request's queue is one of the departments of the content root or the
central triage queue (default targets). Due dates count the department's
targets in working hours (`kb.requests.sla`).

The departments may be a fixed mapping or a `DepartmentSource`, asked again at
each use: the web app hands in the one that reads the content root again when a
department folder or file changed on disk (`webapp.services`), so a department
added, renamed or retitled while the app runs is routed to, assigned and named
without a restart. `following` keeps what is built from the departments (the
notification targets) current the same way.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import TypeVar

from kb.errors import ValidationError
from kb.records import Department, Targets
from kb.requests.sla import WorkingCalendar
from kb.validators import normal_name

DepartmentSource = Callable[[], Mapping[str, Department]]
T = TypeVar("T")
K = TypeVar("K")
L = TypeVar("L")


def source_of(departments: Mapping[str, Department] | DepartmentSource) -> DepartmentSource:
    """`departments` as a source: a fixed mapping always answers itself."""
    if callable(departments):
        return departments
    fixed = dict(departments)
    return lambda: fixed


def following(source: Callable[[], K], build: Callable[[K], T]) -> Callable[[], T]:
    """`build` of what `source` answers now, built again only when it answers another
    object than last time (the departments' source keeps its mapping while nothing
    changed on disk), so a department added or edited reaches what is built from
    them."""
    last: list[tuple[K, T]] = []

    def current() -> T:
        found = source()
        if not last or last[0][0] is not found:
            last[:] = [(found, build(found))]
        return last[0][1]

    return current


def paired(first: Callable[[], K], second: Callable[[], L]) -> Callable[[], tuple[K, L]]:
    """Both sources' answers as one pair, the same pair while neither answers
    another object: for `following` what is built from both (the notification
    targets: the departments and the live webhook settings)."""
    last: list[tuple[K, L]] = []

    def current() -> tuple[K, L]:
        a, b = first(), second()
        if not last or last[0][0] is not a or last[0][1] is not b:
            last[:] = [(a, b)]
        return last[0]

    return current


@dataclass(frozen=True)
class DueDates:
    """When a request needs its first response and its resolution."""

    first_response: datetime
    resolution: datetime


class Departments:
    """The known departments and the triage queue, with their working calendar."""

    def __init__(
        self,
        departments: Mapping[str, Department] | DepartmentSource,
        *,
        triage: str = "triage",
        calendar: WorkingCalendar | None = None,
        route_threshold: float = 0.35,
    ) -> None:
        self.source = source_of(departments)
        self.triage = triage
        self.calendar = calendar or WorkingCalendar()
        self.route_threshold = route_threshold

    @property
    def by_slug(self) -> dict[str, Department]:
        """The departments as they are now (the source is asked each time)."""
        return dict(self.source())

    def get(self, slug: str) -> Department:
        """A known department, or the triage queue (default targets)."""
        slug = normal_name(slug)
        found = self.by_slug
        if slug in found:
            return found[slug]
        if slug == self.triage:
            return Department(slug=slug, name="Triage", targets=Targets())
        # The departments named in `details.known` too, as a refused filter
        # value lists the values it takes (`webapp.query_params`).
        known = sorted([*found, self.triage])
        raise ValidationError(
            f"unknown department {slug!r}; known: {', '.join(known)}",
            details={"field": "department", "value": slug, "known": known},
            key="unknown_department",
            values={"value": slug, "known": ", ".join(known)},
        )

    def names(self) -> dict[str, str]:
        return {slug: d.name for slug, d in self.by_slug.items()}

    def display_names(self) -> dict[str, dict[str, str]]:
        """Department id → its names in other languages (`Department.display_names`)."""
        return {slug: d.display_names for slug, d in self.by_slug.items()}

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
