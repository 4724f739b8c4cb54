"""`InsightsService`: the figures the insights pages, API and CLI show.

Every figure is read from the daily rollups (`InsightsStore`), for a `Period`
of whole UTC days, optionally one department's searches. Each figure comes
with its value in the previous period of the same length, so the pages can
show a trend. Rates are shares in 0..1 and None when there is nothing to
divide by. Who may see what is decided by the caller (`kb.insights.access`);
this module never sees a user.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kb.errors import NotFoundError, ValidationError
from kb.insights.content import (
    UNSEEN_DAYS,
    Finding,
    content_health,
    current_figures,
    published_days,
)
from kb.insights.period import Period
from kb.insights.records import (
    DAY_COUNTS,
    DayFigures,
    GapTopic,
    RequestTopic,
    TopicFigures,
    TopicStatus,
    TopicText,
)
from kb.insights.requests import TOP, DepartmentRequests, request_figures, with_working_hours
from kb.insights.spellings import shown_label, shown_spellings_per_topic
from kb.insights.store import InsightsStore
from kb.insights.trends import TrendStep, trend_steps
from kb.insights.value_streams import value_streams
from kb.records import Targets
from kb.validators import normal_name

if TYPE_CHECKING:
    from kb.content.scanner import ContentScan

# Question texts a knowledge gap shows (those enough people asked).
SHOWN_QUERIES = 10
OVERVIEW_FIGURES = (
    "searches",
    "people",
    "signed_out_searches",
    "answered_rate",
    "zero_result_rate",
    "click_through_rate",
    "helpful_ratio",
    "self_service_rate",
    "deflected",
    "deflection_rate",
    "requests",
    "average_rating",
)


def _rate(part: float, whole: float) -> float | None:
    return None if not whole else round(part / whole, 4)


def _change(now: float | None, before: float | None) -> float | None:
    if now is None or before is None:
        return None
    return round(now - before, 4)


@dataclass(frozen=True)
class Overview:
    """The headline figures of a period, the previous period's, and per day;
    `today` is the day being counted (its step of a series is partial)."""

    period: Period
    department: str | None
    figures: dict[str, float | int | None]
    previous: dict[str, float | int | None]
    daily: list[DayFigures] = field(default_factory=list)
    today: date | None = None

    def series(self, by: str) -> list[TrendStep]:
        """The figures per day or per ISO week (`by`), the step not over yet marked."""
        return trend_steps(self.daily, by, self.today)

    def as_dict(self) -> dict[str, Any]:
        return {
            **self.period.as_dict(),
            "department": self.department,
            **self.figures,
            "previous": self.previous,
            "trend": {k: _change(self.figures[k], self.previous[k]) for k in OVERVIEW_FIGURES},
        }


@dataclass(frozen=True)
class TopicView:
    """One knowledge gap as the pages show it."""

    topic: GapTopic
    queries: list[str]
    searches: int
    people: int
    trend: int
    requests: int = 0
    requests_resolved: int = 0

    def as_dict(self) -> dict[str, Any]:
        t = self.topic
        return {
            "id": t.id,
            "label": t.label,
            "queries": self.queries,
            "searches": self.searches,
            "people": self.people,
            "department": t.department,
            "trend": self.trend,
            "status": t.status.value,
            "assigned_department": t.assigned_department,
            "answered_before": t.answered_before,
            "answered_after": t.answered_after,
            "closed_by": t.closed_by,
            "measure": t.measure.value,
            "used_searches": t.used_searches,
            "used_after": t.used_after,
            "checked_at": t.checked_at.isoformat() if t.checked_at else None,
            "check_status": t.check.value,
            "requests": self.requests,
            "requests_resolved": self.requests_resolved,
        }


class InsightsService:
    """Figures for a period, read from the rollups."""

    def __init__(
        self,
        store: InsightsStore,
        *,
        review_due_days: int,
        min_people: int = 3,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
        shared: Path | None = None,
        moves: Callable[[], Mapping[str, str]] = dict,
    ) -> None:
        self.store = store
        self.moves = moves  # renamed articles: old id → the id each has now
        self.review_due_days = review_due_days
        self.min_people = min_people
        self.clock = clock
        # Where the processes of a node share the near-duplicate pairs they find
        # (`kb.insights.near_duplicates`); None: each process finds its own.
        self.shared = shared

    def period(self, since: str | None = None, until: str | None = None) -> Period:
        return Period.parse(since, until, self.clock().astimezone(UTC).date())

    # -- overview -----------------------------------------------------------------
    def _figures(
        self, period: Period, department: str | None
    ) -> tuple[dict[str, Any], list[DayFigures]]:
        days = self.store.day_figures(period.since, period.until, department)
        total: dict[str, int] = defaultdict(int)
        for d in days:
            for name in DAY_COUNTS:
                total[name] += getattr(d, name)
        sessions = self.store.sessions(period.since, period.until, department)
        created, with_request = self.store.request_figures(period.since, period.until, department)
        _, average_rating = self.store.rating_figures(period.since, period.until, department)
        searches = total["searches"]
        figures = {
            "searches": searches,
            "people": self.store.people(period.since, period.until, department),
            "signed_out_searches": total["signed_out_searches"],
            "answered_rate": _rate(total["answered"], searches),
            "zero_result_rate": _rate(total["zero_results"], searches),
            "click_through_rate": _rate(total["clicked"], searches),
            "helpful_ratio": _rate(total["helpful"], total["helpful"] + total["not_helpful"]),
            "self_service_rate": _rate(sessions - min(with_request, sessions), sessions),
            "deflected": total["deflected"],
            "deflection_rate": _rate(total["deflected"], total["ask_sessions"]),
            "requests": created,
            "average_rating": average_rating,
        }
        return figures, days

    def overview(self, period: Period, department: str | None = None) -> Overview:
        figures, days = self._figures(period, department)
        previous, _ = self._figures(period.previous(), department)
        today = self.clock().astimezone(UTC).date()
        return Overview(period, department, figures, previous, _per_day(days, period), today)

    # -- knowledge gaps -----------------------------------------------------------
    def gaps(
        self, period: Period, department: str | None = None, status: TopicStatus | None = None
    ) -> list[TopicView]:
        """Topics with failed questions in the period, by impact (people, then
        searches); with `status`, only the topics where the gap stands so.

        A topic shows up to `SHOWN_QUERIES` of its texts that at least
        `min_people` people asked in the period, most searched first.

        With `department`, the topics that route or are assigned to it, each
        with the searches, people and requests of that department only (a
        topic asked in several departments, counted whole, read as the
        department's own); its texts are named as without it, by the people
        who asked them anywhere."""
        since, until = period.since, period.until
        wanted = department and normal_name(department)  # ids are stored composed (0020)
        topics = [
            t
            for t in self.store.topics(status)
            if not wanted or wanted in (t.department, t.assigned_department)
        ]
        now = self.store.topic_figures(since, until, department=wanted or None)
        asked_anywhere = now if not wanted else self.store.topic_figures(since, until, people=False)
        previous = period.previous()
        earlier = self.store.topic_figures(
            previous.since, previous.until, people=False, department=wanted or None
        )
        queries = self._shown_texts(period)
        asked = self.store.topic_requests(since, until, wanted or None)
        views = []
        for topic in topics:
            if (topic.id or 0) not in asked_anywhere:
                continue
            figures = now.get(topic.id or 0, TopicFigures(0))
            mine = queries.get(topic.id or 0, [])
            before = earlier.get(topic.id or 0)
            requests, resolved = asked.get(topic.id or 0, (0, 0))
            views.append(
                TopicView(
                    topic=replace(topic, label=shown_label(topic.label, mine)),
                    queries=[t.text for t in mine],
                    searches=figures.searches,
                    people=figures.people,
                    trend=figures.searches - (before.searches if before else 0),
                    requests=requests,
                    requests_resolved=resolved,
                )
            )
        views.sort(key=lambda v: (-v.people, -v.searches, v.topic.id or 0))
        return views

    def _shown_texts(
        self, period: Period, topic_ids: set[int] | None = None
    ) -> dict[int, list[TopicText]]:
        """Per topic (of `topic_ids`, or all), the texts the period may show
        under the minimum-people rule, most searched first. Every text is read:
        spellings of one question that few people asked each may pass the rule
        together (`kb.insights.spellings`)."""
        since, until = period.since, period.until
        texts = self.store.topic_texts(since, until, 0)
        if topic_ids is not None:
            texts = [t for t in texts if t.topic_id in topic_ids]
        return shown_spellings_per_topic(
            texts,
            self.min_people,
            lambda unsure: self.store.spellings_people(unsure, since, until),
            SHOWN_QUERIES,
        )

    # -- requests -----------------------------------------------------------------
    def requests(
        self,
        period: Period,
        department: str | None,
        targets: Mapping[str, Targets],
        working_hours: Callable[[datetime, datetime], float] | None = None,
    ) -> list[DepartmentRequests]:
        """Per department: top request topics, times against targets, backlog;
        with `working_hours` (the working calendar's hours between two moments),
        also the resolution times in working hours, the targets' unit."""
        since, until = period.since, period.until
        days = self.store.request_days(since, until, department)
        top = self.store.request_topics(since, until, department, TOP)
        labels = self._request_topic_labels(period, top)
        open_now = self.store.open_requests(self.clock(), department)
        missed = self.store.missed_open(since, until, self.clock(), department)
        rows = request_figures(days, top, labels, open_now, targets, self.min_people, missed)
        if working_hours is None:
            return rows
        resolved = self.store.resolved_requests(since, until, department)
        return with_working_hours(rows, resolved, working_hours)

    def _request_topic_labels(self, period: Period, top: Sequence[RequestTopic]) -> dict[int, str]:
        """The names the period may give the gap topics among the top request
        topics: as on the gaps page, a question at least `min_people` people
        asked in the period (the topic's label if it is one, else the first of
        its questions that is), else none."""
        named = {t.topic_id for t in top if t.topic_id is not None}
        if not named:
            return {}
        shown = self._shown_texts(period, named)
        return {
            t.id: shown_label(t.label, shown.get(t.id, []))
            for t in self.store.topics()
            if t.id is not None and t.id in named
        }

    def value_streams(self, period: Period, department: str | None) -> list[dict[str, Any]]:
        """Lead time per task and department of each value stream (`kb.insights.value_streams`)."""
        rows = self.store.value_stream_rows(period.since, period.until, department)
        return value_streams(rows, self.clock())

    # -- content health -----------------------------------------------------------
    def content(
        self,
        period: Period,
        department: str | None,
        scan: ContentScan,
        groups: frozenset[str] | None = None,
        owned: frozenset[str] = frozenset(),
    ) -> list[Finding]:
        """What needs a look in the published articles of `scan` (`kb.insights.content`)
        that a reader of `groups` may read (None: all, as for the command line)
        or edits as a content owner of one of the `owned` departments."""
        today = self.clock().astimezone(UTC).date()
        published_on = published_days(scan.modified)
        figures = current_figures(self.store, period.since, period.until, published_on)
        recent = self.store.article_figures(
            today - timedelta(days=UNSEEN_DAYS), today + timedelta(days=1)
        )
        shown = {article for article, f in recent.items() if f.shown}
        return content_health(
            scan.articles,
            figures,
            shown,
            today,
            department,
            review_due_days=self.review_due_days,
            published_on=published_on,
            reader=(groups, owned),
            shared=self.shared,
            moved=self.moves(),
        )

    def assign(self, topic_id: int, department: str, known: Sequence[str]) -> GapTopic:
        """Give a topic to a department's content owners."""
        if department not in known:
            raise ValidationError(
                f"unknown department {department!r}; choose one of {', '.join(sorted(known))}",
                details={"field": "department", "value": department},
                key="unknown_department",
                values={"value": department, "known": ", ".join(sorted(known))},
            )
        topic = self.store.topic(topic_id)
        if topic.status is TopicStatus.CLOSED:
            raise ValidationError(
                f"topic {topic_id} is closed (answered by {topic.closed_by}); nothing to assign",
                details={"topic": topic_id},
                key="topic_closed",
                values={"topic": topic_id},
            )
        now = self.clock()
        return self.store.save_topic(
            replace(
                topic,
                status=TopicStatus.ASSIGNED,
                assigned_department=department,
                assigned_at=now,
                updated=now,
            )
        )

    def topic(self, topic_id: int) -> GapTopic:
        try:
            return self.store.topic(topic_id)
        except NotFoundError:
            raise NotFoundError(
                f"no knowledge-gap topic with id {topic_id}",
                key="no_topic",
                values={"topic": topic_id},
            ) from None


def _per_day(days: list[DayFigures], period: Period) -> list[DayFigures]:
    """One record per day of the period (departments added up, empty days zero)."""
    merged: dict[date, dict[str, int]] = {d: defaultdict(int) for d in period.each_day()}
    for f in days:
        bucket = merged.setdefault(f.day, defaultdict(int))
        for name in DAY_COUNTS:
            bucket[name] += getattr(f, name)
    return [DayFigures(day=d, department="", **merged[d]) for d in sorted(merged)]
