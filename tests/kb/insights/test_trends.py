"""The overview's figures per day and per ISO week."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from kb.errors import ValidationError
from kb.insights.records import DayFigures
from kb.insights.trends import TREND_COLUMNS, iso_week, trend_row, trend_step, trend_steps


def _days(first: date, count: int) -> list[DayFigures]:
    """`count` days from `first`: day i has i + 1 searches, one of them answered."""
    return [
        DayFigures(day=first + timedelta(days=i), department="", searches=i + 1, answered=1)
        for i in range(count)
    ]


def test_weeks_are_iso_weeks_across_the_turn_of_the_year() -> None:
    assert iso_week(date(2025, 12, 29)) == "2026-W01"  # a Monday of 2025 in 2026's first week
    assert iso_week(date(2027, 1, 3)) == "2026-W53"  # a Sunday of 2027 in 2026's last week
    # Saturday 27 December 2025 to Sunday 11 January 2026: a cut week, two whole ones.
    steps = trend_steps(_days(date(2025, 12, 27), 16), "week")
    assert [(s.label, s.days) for s in steps] == [
        ("2025-W52", 2),
        ("2026-W01", 7),
        ("2026-W02", 7),
    ]
    assert (steps[1].first, steps[1].last) == (date(2025, 12, 29), date(2026, 1, 4))
    assert sum(s.counts["searches"] for s in steps) == sum(range(1, 17))


def test_a_week_s_share_is_divided_from_its_counts_not_averaged() -> None:
    monday = date(2026, 3, 2)
    days = [
        DayFigures(day=monday, department="", searches=1, answered=1),
        DayFigures(day=monday + timedelta(days=1), department="", searches=9, answered=0),
        DayFigures(day=monday + timedelta(days=2), department="", searches=0),
    ]
    (week,) = trend_steps(days, "week")
    assert week.answered_rate == 0.1  # 1 of 10, not the mean of 100 % and 0 %
    row = week.as_dict()
    assert list(row) == list(TREND_COLUMNS)
    assert (row["since"], row["until"], row["days"]) == ("2026-03-02", "2026-03-04", 3)
    assert row["helpful_ratio"] is None  # nobody voted


def test_per_day_is_one_step_a_day_and_nothing_is_a_day_without_data() -> None:
    steps = trend_steps(_days(date(2026, 3, 2), 3), "day")
    assert [s.label for s in steps] == ["2026-03-02", "2026-03-03", "2026-03-04"]
    assert trend_steps([], "week") == []


def test_an_unknown_step_names_the_field() -> None:
    assert trend_step(None) == "day" and trend_step("") == "day" and trend_step("week") == "week"
    with pytest.raises(ValidationError) as refused:
        trend_step("month")
    assert refused.value.details["field"] == "by"


def test_the_step_not_over_is_partial_in_every_series() -> None:
    """The charts drew today as "so far", the API and CSV gave it as a whole step."""
    wednesday = date(2026, 3, 4)
    days = _days(date(2026, 3, 2), 4)  # Monday to Thursday; "today" is Wednesday
    by_day = trend_steps(days, "day", wednesday)
    assert [s.partial for s in by_day] == [False, False, True, True]  # today and later
    (week,) = trend_steps(days, "week", wednesday)
    assert week.partial and week.as_dict()["partial"] is True
    assert not any(s.partial for s in trend_steps(days, "week", date(2026, 3, 9)))
    assert not any(s.partial for s in trend_steps(days, "day"))  # no today given
    row = trend_row(by_day[2].as_dict())
    assert len(row) == len(TREND_COLUMNS) and row[TREND_COLUMNS.index("partial")] == "true"
    assert trend_row(by_day[0].as_dict())[-1] == "false"


def test_a_step_gives_the_deflection_rate_the_overview_charts() -> None:
    """The overview charts the deflection rate per day or week; its download of
    the series (and the API's `series`) gave the asks and the deflected but not
    the rate, so a reader had to divide them to match the chart."""
    monday = date(2026, 3, 2)
    days = [
        DayFigures(day=monday, department="", searches=3, ask_sessions=3, deflected=1),
        DayFigures(day=monday + timedelta(days=1), department="", searches=2, ask_sessions=1),
        DayFigures(day=monday + timedelta(days=2), department="", searches=1),
    ]
    (week,) = trend_steps(days, "week")
    assert week.as_dict()["deflection_rate"] == 0.25 == week.deflection_rate  # 1 of 4
    by_day = trend_steps(days, "day")
    assert [s.as_dict()["deflection_rate"] for s in by_day] == [0.3333, 0.0, None]
    row = trend_row(by_day[0].as_dict())
    assert row[TREND_COLUMNS.index("deflection_rate")] == 0.3333
    assert TREND_COLUMNS[-1] == "partial"  # still the last column
