"""The overview's figures over time: per day, or per ISO week.

A period's days (`InsightsService.overview`, departments added up) are
gathered into steps: one per day, or one per ISO 8601 week (Monday to
Sunday, named like "2026-W09"; the week of 29 December 2025 is 2026-W01).
A week the period cuts at either end counts only its days inside the
period, and says how many (`days`), so a short last week is not read as a
drop. Only counts are added up; rates are divided afterwards, never
averaged.

A step that is not over yet (it holds today, or a later day) is `partial`:
its counts are so far. The charts draw it apart ("so far"); the API, its CSV
and `kb insights overview` say so in the field `partial`, so that a reader
of the figures does not take the end of a day or week for a drop either.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import Any

from kb.insights.records import DAY_COUNTS, DayFigures
from kb.validators import parse_choice


class Step(StrEnum):
    """The steps a trend may take (`?by=` of the overview page and API)."""

    DAY = "day"
    WEEK = "week"


STEPS = tuple(step.value for step in Step)
# The fields of a step, in `TrendStep.as_dict` order (CSV header).
TREND_COLUMNS = (
    "label",
    "since",
    "until",
    "days",
    *DAY_COUNTS,
    "answered_rate",
    "zero_result_rate",
    "click_through_rate",
    "helpful_ratio",
    # The overview charts it per step: a download of the series holds it too.
    "deflection_rate",
    "partial",
)


def trend_step(value: str | None) -> str:
    """`value` as a step of `STEPS` (None or empty: per day)."""
    return str(parse_choice(Step, "by", (value or Step.DAY).strip()).value)


def iso_week(day: date) -> str:
    """The ISO week of `day`, written like "2026-W09"."""
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


@dataclass(frozen=True)
class TrendStep:
    """The counts of one day or week: `first` to `last`, both included."""

    label: str
    first: date
    last: date
    days: int
    counts: Mapping[str, int] = field(default_factory=dict)
    # Not over yet: the step holds today (or a later day), its counts are so far.
    partial: bool = False

    def __post_init__(self) -> None:
        if self.last < self.first:
            raise ValueError(f"step {self.label!r} ends ({self.last}) before it starts")
        if self.days < 1:
            raise ValueError(f"step {self.label!r} must span a day or more, got {self.days}")

    def rate(self, part: str, whole: str | tuple[str, ...]) -> float | None:
        """counts[part] / counts[whole] (summed), None when the whole is 0."""
        names = (whole,) if isinstance(whole, str) else whole
        total = sum(self.counts.get(n, 0) for n in names)
        return round(self.counts.get(part, 0) / total, 4) if total else None

    @property
    def answered_rate(self) -> float | None:
        return self.rate("answered", "searches")

    @property
    def deflection_rate(self) -> float | None:
        """Deflected among the people the ask form suggested articles to."""
        return self.rate("deflected", "ask_sessions")

    def as_dict(self) -> dict[str, Any]:
        found = {
            "label": self.label,
            "since": self.first.isoformat(),
            "until": self.last.isoformat(),
            "days": self.days,
            **{name: int(self.counts.get(name, 0)) for name in DAY_COUNTS},
            "answered_rate": self.answered_rate,
            "zero_result_rate": self.rate("zero_results", "searches"),
            "click_through_rate": self.rate("clicked", "searches"),
            "helpful_ratio": self.rate("helpful", ("helpful", "not_helpful")),
            "deflection_rate": self.deflection_rate,
            "partial": self.partial,
        }
        return {name: found[name] for name in TREND_COLUMNS}


def trend_row(step: Mapping[str, Any]) -> list[Any]:
    """A step (as `TrendStep.as_dict` gives it) as a CSV row of `TREND_COLUMNS`;
    `partial` is written as JSON writes it (true, false)."""
    return [str(step[c]).lower() if c == "partial" else step[c] for c in TREND_COLUMNS]


def trend_steps(daily: Sequence[DayFigures], by: str, today: date | None = None) -> list[TrendStep]:
    """`daily` (one record per day of the period, in order) per day or per week;
    a step whose last day is `today` or later is `partial` (None: none is)."""
    by = trend_step(by)
    steps: list[TrendStep] = []
    for d in daily:
        label = d.day.isoformat() if by == "day" else iso_week(d.day)
        counts = {name: int(getattr(d, name)) for name in DAY_COUNTS}
        partial = today is not None and d.day >= today
        if steps and steps[-1].label == label:
            last = steps[-1]
            added = {name: last.counts[name] + counts[name] for name in DAY_COUNTS}
            steps[-1] = TrendStep(label, last.first, d.day, last.days + 1, added, partial)
        else:
            steps.append(TrendStep(label, d.day, d.day, 1, counts, partial))
    return steps
