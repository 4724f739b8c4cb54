"""`InsightsStore`: what insights read and write, behind one small protocol.

The SQL implementation (`kb.store.sql_insights` for the rollups,
`kb.store.sql_gaps` for topics, `kb.store.sql_gap_figures` for the gaps
view, `kb.store.sql_retention` for the purge) shares the engine of the app's
`Store`; `insights_store(store)` builds it from that store. It borrows the engine:
closing the `Store` closes both.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import date, datetime
from typing import Protocol, runtime_checkable

from kb.insights.content import ArticleFigures
from kb.insights.records import (
    DayFigures,
    GapQuestion,
    GapTopic,
    QuestionFigures,
    RequestDay,
    RequestTopic,
    ResolvedRequest,
    RollupRecount,
    StreamRequest,
    TopicFigures,
    TopicStatus,
    TopicText,
    TopicUse,
)


@runtime_checkable
class InsightsStore(Protocol):
    """Rollups, failed questions, gap topics and the event purge."""

    def refresh(self) -> list[date]:
        """Bring the daily rollups up to date; returns the days recomputed
        (never a day whose events were purged, see `kept_days`)."""
        ...

    def recount(
        self, since: date | None = None, progress: Callable[[int, int, date], None] | None = None
    ) -> RollupRecount:
        """Count again the rolled-up days (from `since` on) counted under an
        older deflection rule, telling `progress` (done, of, day) after each;
        never a day whose ISO week's events were purged in part
        (`RollupRecount.kept`)."""
        ...

    def kept_days(self) -> tuple[date | None, list[date]]:
        """(The first day whose events are all stored, the rolled-up days before
        it, which refreshes and rebuilds keep as they are)."""
        ...

    def day_figures(
        self, since: date, until: date, department: str | None = None
    ) -> list[DayFigures]: ...

    def people(self, since: date, until: date, department: str | None = None) -> int: ...

    def article_figures(self, since: date, until: date) -> dict[str, ArticleFigures]: ...

    def article_readers(self, since: date, until: date) -> dict[str, int]: ...

    def questions(
        self, since: date, until: date, department: str | None = None
    ) -> list[QuestionFigures]: ...

    def sessions(self, since: date, until: date, department: str | None = None) -> int: ...

    def request_figures(
        self, since: date, until: date, department: str | None = None
    ) -> tuple[int, int]: ...

    def request_days(
        self, since: date, until: date, department: str | None = None
    ) -> list[RequestDay]: ...

    def request_topics(
        self, since: date, until: date, department: str | None = None, top: int = 3
    ) -> list[RequestTopic]: ...

    def rating_figures(
        self, since: date, until: date, department: str | None = None
    ) -> tuple[int, float | None]:
        """(ratings of answers given in the period, their average 1-5)."""
        ...

    def open_requests(
        self, now: datetime, department: str | None = None
    ) -> dict[str, tuple[int, int]]: ...

    def missed_open(
        self, since: date, until: date, now: datetime, department: str | None = None
    ) -> dict[str, tuple[int, int]]:
        """Per department: open requests of the period past their first-response
        (unanswered) and resolution due dates."""
        ...

    def resolved_requests(
        self, since: date, until: date, department: str | None = None
    ) -> list[ResolvedRequest]:
        """Requests created in the period and resolved, with both moments."""
        ...

    def value_stream_rows(
        self, since: date, until: date, department: str | None = None
    ) -> list[StreamRequest]: ...

    def try_lease(self, name: str, now: datetime, seconds: float) -> bool:
        """Take a periodic job for `seconds` unless another process holds it."""
        ...

    def purge_events(self, before: datetime) -> dict[str, int]: ...

    def remove_marked(self, prefix: str, requester_prefix: str) -> dict[str, int]:
        """Delete the events and requests of ids starting with `prefix` (demo traffic)."""
        ...

    def topics(
        self, status: TopicStatus | None = None, assigned_department: str | None = None
    ) -> list[GapTopic]: ...

    def topic(self, topic_id: int) -> GapTopic: ...

    def save_topic(self, topic: GapTopic) -> GapTopic: ...

    def gap_questions(
        self, texts: Sequence[str] | None = None, model: str | None = None
    ) -> list[GapQuestion]: ...

    def save_gap_questions(self, questions: Iterable[GapQuestion]) -> None: ...

    def question_results(self, texts: Sequence[str]) -> dict[str, list[str]]:
        """The articles the newest search of each text that showed any listed."""
        ...

    def topic_people(self, since: date, until: date) -> dict[int, int]: ...

    def topic_figures(
        self, since: date, until: date, *, people: bool = True, department: str | None = None
    ) -> dict[int, TopicFigures]: ...

    def topic_uses(self, since: date, until: date) -> dict[int, TopicUse]: ...

    def topic_texts(self, since: date, until: date, at_least: int) -> list[TopicText]: ...

    def spellings_people(
        self, spellings: Mapping[str, list[str]], since: date, until: date
    ) -> dict[str, int]: ...

    def topic_requests(
        self, since: date, until: date, department: str | None = None
    ) -> dict[int, tuple[int, int]]: ...

    def clear_gap_questions(self, keep_model: str) -> int: ...


def insights_store(store: object) -> InsightsStore:
    """The insights store over the same database as `store` (a `SqlStore`)."""
    from kb.store.sql_gaps import SqlInsightsStore

    engine = getattr(store, "engine", None)
    if engine is None:
        raise TypeError(f"{store!r} has no SQL engine to share with insights")
    return SqlInsightsStore(engine)
