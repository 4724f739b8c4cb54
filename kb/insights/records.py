"""Records of insights: daily figures, failed questions, gap topics.

All are frozen dataclasses checked on creation; the store hands them out and
the service adds them up. Days are UTC calendar days.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from typing import Any

import numpy as np

from kb.validators import (
    ensure_optional_utc,
    ensure_text,
    ensure_utc,
    set_normalised,
    without_bidi_controls,
    without_bidi_controls_or_names,
)


class TopicStatus(StrEnum):
    """Where a knowledge gap stands."""

    OPEN = "open"
    ASSIGNED = "assigned"
    CLOSED = "closed"


class GapMeasure(StrEnum):
    """What proves a knowledge gap closed (`kb.insights.verify`): its
    questions answered by a new snapshot, or, for a gap whose searches were
    answered but nobody used the answers, its searches used again."""

    ANSWERED = "answered"
    USED = "used"


class GapCheck(StrEnum):
    """Whether a verification run has looked at a knowledge gap yet: a new
    topic waits for the next one (the scheduler's turn, or `kb insights
    verify`), and until then its answered shares say nothing."""

    NOT_CHECKED = "not_checked"
    CHECKED = "checked"


class OverviewTable(StrEnum):
    """The overview's tables, each its own CSV (`?format=csv&table=...`)."""

    FIGURES = "figures"  # the figure cards: value, previous period, change
    SERIES = "series"  # the figures per day or week (`by`), as the line charts
    DEPARTMENTS = "departments"  # searches per department, as the bar chart


# The columns of a knowledge gap in CSV (the API's and `kb insights gaps --csv`):
# every figure the gaps page shows of a topic, then its questions in one cell.
GAP_COLUMNS = (
    "id",
    "label",
    "searches",
    "people",
    "department",
    "trend",
    "status",
    "assigned_department",
    "requests",
    "requests_resolved",
    "answered_before",
    "answered_after",
    "closed_by",
    "measure",
    "used_searches",
    "used_after",
    "checked_at",
)
# Added after the questions' cell, so that no earlier column moves.
GAP_EXTRA_COLUMNS = ("check_status",)


def gap_table(topics: Sequence[Mapping[str, Any]]) -> list[list[Any]]:
    """Knowledge gaps (as `TopicView.as_dict` gives them) as CSV rows, header first."""
    rows: list[list[Any]] = [[*GAP_COLUMNS, "queries", *GAP_EXTRA_COLUMNS]]
    rows += (
        [*(t[c] for c in GAP_COLUMNS), " | ".join(t["queries"]), *(t[c] for c in GAP_EXTRA_COLUMNS)]
        for t in topics
    )
    return rows


def _counts(record: object, names: tuple[str, ...]) -> None:
    for name in names:
        value = getattr(record, name)
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise ValueError(f"{name} must be an integer >= 0, got {value!r}")


DAY_COUNTS = (
    "searches",
    "answered",
    "zero_results",
    "clicked",
    "helpful",
    "not_helpful",
    "ask_sessions",
    "deflected",
    "signed_out_searches",
)


@dataclass(frozen=True, kw_only=True)
class DayFigures:
    """What happened on one day in one department's searches."""

    day: date
    department: str
    searches: int = 0
    answered: int = 0
    zero_results: int = 0
    clicked: int = 0
    helpful: int = 0
    not_helpful: int = 0
    ask_sessions: int = 0
    deflected: int = 0
    # Searches no account made (signed out, or sent by another site): they count
    # here and never as people, whose count a cookie or an address cannot fake.
    signed_out_searches: int = 0

    def __post_init__(self) -> None:
        if not isinstance(self.day, date) or isinstance(self.day, datetime):
            raise ValueError(f"day must be a date, got {self.day!r}")
        ensure_text("department", self.department, allow_empty=True)
        _counts(self, DAY_COUNTS)


@dataclass(frozen=True, kw_only=True)
class QuestionFigures:
    """One failed question text (masked, normalised) over a period.

    `unclicked` counts searches that showed results nobody clicked or voted
    helpful; `people` is the number of distinct pseudonymous people who asked.
    """

    text: str
    department: str
    lang: str
    searches: int
    unanswered: int
    unclicked: int
    not_helpful: int
    people: int

    def __post_init__(self) -> None:
        ensure_text("text", self.text)
        set_normalised(self, "text", without_bidi_controls_or_names(self.text))
        ensure_text("department", self.department, allow_empty=True)
        ensure_text("lang", self.lang, allow_empty=True)
        _counts(self, ("searches", "unanswered", "unclicked", "not_helpful", "people"))

    @property
    def failed(self) -> bool:
        """A gap candidate: at least half of its searches were unanswered, or
        showed results nobody clicked or voted helpful, or were voted not
        helpful. (One stray vote or click does not make an answered question a gap.)"""
        return 2 * max(self.unanswered, self.unclicked, self.not_helpful) >= self.searches


@dataclass(frozen=True)
class TopicUse:
    """A gap topic's searches over some days, failed or not, and how many of
    them were used: a result opened or voted helpful."""

    searches: int
    used: int


@dataclass(frozen=True)
class TopicText:
    """One failed question text of a gap topic over a period, with bounds on
    its distinct people that the rollups give without counting them:
    `most_in_a_day` (the people of its busiest day) is a lower bound,
    `person_days` (each day's people added up) an upper bound."""

    topic_id: int
    text: str
    searches: int
    most_in_a_day: int
    person_days: int

    def __post_init__(self) -> None:
        # Questions logged before searches lost their reordering controls.
        set_normalised(self, "text", without_bidi_controls(self.text))


@dataclass(frozen=True)
class TopicFigures:
    """A gap topic's searches in a period and its distinct people (estimated
    past a few hundred, see `kb.insights.sketches`; 0 when not asked for)."""

    searches: int
    people: int = 0


@dataclass(frozen=True)
class RollupRefresh:
    """What a refresh of the daily rollups did: the days it recomputed from
    their events, and the rolled-up days it kept because their events were
    purged (all of them before `complete_from`, the first day whose events
    are all stored; None when nothing was ever purged)."""

    recomputed: tuple[date, ...]
    complete_from: date | None = None
    kept: tuple[date, ...] = ()


@dataclass(frozen=True)
class RollupRecount:
    """What `kb insights recount` did: the days rolled up under an older
    deflection rule that it counted again from their events, and those it kept
    as they were because events of their ISO week were purged."""

    recounted: tuple[date, ...]
    kept: tuple[date, ...] = ()


@dataclass(frozen=True)
class RequestDay:
    """The requests of one department created on one day, as rolled up: how
    many were judged against a due date and met it, the hours from creation
    to first response and to resolution of those that got them, and the
    ratings of their answers (count and sum of stars). `rated` and
    `rated_sum` are the ratings given on that day instead, of any request."""

    day: date
    department: str
    requests: int
    first_judged: int
    first_within: int
    resolved_judged: int
    resolved_within: int
    first_response_hours: np.ndarray
    resolution_hours: np.ndarray
    ratings: int = 0
    rating_sum: int = 0
    rated: int = 0
    rated_sum: int = 0


@dataclass(frozen=True)
class ResolvedRequest:
    """A request of a period that was answered or resolved: its queue, when it
    was filed, when it was resolved and when it was first answered (UTC; None
    where it has not been yet)."""

    department: str
    created: datetime
    resolved_at: datetime | None
    first_responded_at: datetime | None = None


@dataclass(frozen=True)
class RequestTopic:
    """One of a department's most requested gap topics in a period, or a
    masked question when it belongs to no topic (`topic_id` None), with its
    distinct requesters (see `kb.insights.sketches`)."""

    department: str
    topic_id: int | None
    text: str
    requests: int
    requesters: int


@dataclass(frozen=True)
class StreamTask:
    """One task of a value-stream request, and when it was done (None: not yet)."""

    number: int
    department: str
    title: str
    status: str
    depends_on: tuple[int, ...]
    done_at: datetime | None


@dataclass(frozen=True)
class StreamRequest:
    """A value-stream request (onboarding, leaving, moving…) with its tasks."""

    workflow: str
    created: datetime
    tasks: list[StreamTask]


@dataclass(frozen=True, kw_only=True)
class GapTopic:
    """A group of failed questions about one thing, and what became of it.

    `centroid` is the mean of its questions' centred vectors, used to place
    tomorrow's questions (see `kb.insights.topics`). `answered_before` / `answered_after` are the
    shares of its questions answered before and after the snapshot that
    `verified_snapshot` names; `closed_by` is the article that answers them.
    `measure` is what closes it; for `GapMeasure.USED`, `used_searches` and
    `used_after` are its searches of the last days and the share of them that
    were used (a result opened or voted helpful), as of `checked_at`.
    """

    label: str
    department: str
    centroid: np.ndarray
    id: int | None = None
    status: TopicStatus = TopicStatus.OPEN
    assigned_department: str | None = None
    assigned_at: datetime | None = None
    created: datetime = field(default_factory=lambda: datetime.now().astimezone())
    updated: datetime = field(default_factory=lambda: datetime.now().astimezone())
    closed_at: datetime | None = None
    closed_by: str | None = None
    answered_before: float | None = None
    answered_after: float | None = None
    verified_snapshot: str | None = None
    measure: GapMeasure = GapMeasure.ANSWERED
    used_searches: int | None = None
    used_after: float | None = None
    checked_at: datetime | None = None

    def __post_init__(self) -> None:
        # An empty label: no question of the topic may be shown yet (too few people).
        ensure_text("label", self.label, allow_empty=True)
        set_normalised(self, "label", without_bidi_controls(self.label))
        ensure_text("department", self.department, allow_empty=True)
        set_normalised(self, "status", TopicStatus(self.status))
        set_normalised(self, "centroid", np.asarray(self.centroid, dtype=np.float32))
        if self.centroid.ndim != 1:
            raise ValueError(f"centroid must be one vector, got shape {self.centroid.shape}")
        set_normalised(self, "created", ensure_utc("created", self.created))
        set_normalised(self, "updated", ensure_utc("updated", self.updated))
        set_normalised(self, "measure", GapMeasure(self.measure))
        for name in ("assigned_at", "closed_at", "checked_at"):
            set_normalised(self, name, ensure_optional_utc(name, getattr(self, name)))
        if self.used_searches is not None and self.used_searches < 0:
            raise ValueError(f"used_searches must not be negative, got {self.used_searches!r}")
        for name in ("answered_before", "answered_after", "used_after"):
            value = getattr(self, name)
            if value is not None and not 0.0 <= float(value) <= 1.0:
                raise ValueError(f"{name} must be between 0 and 1, got {value!r}")

    @property
    def check(self) -> GapCheck:
        """Whether a verification run has looked at it; a topic checked before
        `checked_at` was recorded still names the snapshot it was checked against."""
        if self.checked_at is None and self.verified_snapshot is None:
            return GapCheck.NOT_CHECKED
        return GapCheck.CHECKED


@dataclass(frozen=True, kw_only=True)
class GapQuestion:
    """A failed question text with its vector and the topic it belongs to."""

    text: str
    lang: str
    model: str
    vector: np.ndarray
    topic_id: int | None = None
    first_seen: datetime = field(default_factory=lambda: datetime.now().astimezone())

    def __post_init__(self) -> None:
        ensure_text("text", self.text)
        set_normalised(self, "text", without_bidi_controls_or_names(self.text))
        ensure_text("model", self.model)
        set_normalised(self, "vector", np.asarray(self.vector, dtype=np.float32))
        set_normalised(self, "first_seen", ensure_utc("first_seen", self.first_seen))
