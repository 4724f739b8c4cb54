"""Due dates count working hours only: evenings, weekends and holidays do not count."""

from __future__ import annotations

import random
import re
from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

import pytest

from kb.errors import ConfigError
from kb.requests import sla
from kb.requests.sla import WorkingCalendar
from kb.settings import Settings

BERLIN = ZoneInfo("Europe/Berlin")
CAL = WorkingCalendar()


def berlin(y: int, m: int, d: int, hh: int, mm: int = 0) -> datetime:
    return datetime(y, m, d, hh, mm, tzinfo=BERLIN)


@pytest.mark.parametrize(
    ("start", "hours", "due"),
    [
        # Wednesday within working hours: same day.
        (berlin(2026, 6, 10, 10), 2, berlin(2026, 6, 10, 12)),
        # Friday afternoon: the rest runs on into Monday.
        (berlin(2026, 6, 12, 16), 8, berlin(2026, 6, 15, 16)),
        # Evening: the clock starts next morning at 09:00.
        (berlin(2026, 6, 9, 18, 30), 1, berlin(2026, 6, 10, 10)),
        # Saturday: the clock starts on Monday.
        (berlin(2026, 6, 13, 11), 1, berlin(2026, 6, 15, 10)),
        # Early morning before opening.
        (berlin(2026, 6, 15, 7), 8, berlin(2026, 6, 15, 17)),
        # A whole working week.
        (berlin(2026, 6, 10, 10), 40, berlin(2026, 6, 17, 10)),
        # Exactly at closing time: nothing is left that day.
        (berlin(2026, 6, 10, 17), 0.5, berlin(2026, 6, 11, 9, 30)),
        # Across the switch to summer time (Sunday 29 March 2026).
        (berlin(2026, 3, 27, 16), 8, berlin(2026, 3, 30, 16)),
    ],
)
def test_working_hours_skip_evenings_and_weekends(
    start: datetime, hours: float, due: datetime
) -> None:
    got = CAL.add_working_hours(start.astimezone(UTC), hours)
    assert got == due
    assert got.tzinfo is UTC


def test_holidays_are_not_working_days() -> None:
    cal = WorkingCalendar(holidays=frozenset({date(2026, 12, 24), date(2026, 12, 25)}))
    # Wednesday 23 December 16:00 + 2 h: one hour that day, then Monday the 28th.
    assert cal.add_working_hours(berlin(2026, 12, 23, 16), 2) == berlin(2026, 12, 28, 10)


def test_working_hours_between_counts_only_working_time() -> None:
    assert CAL.working_hours_between(berlin(2026, 6, 12, 16), berlin(2026, 6, 15, 16)) == 8
    assert CAL.working_hours_between(berlin(2026, 6, 13, 0), berlin(2026, 6, 14, 23)) == 0
    assert CAL.working_hours_between(berlin(2026, 6, 15, 12), berlin(2026, 6, 15, 11)) == 0


def test_calendar_from_settings() -> None:
    settings = Settings.load(
        {"sla_working_hours": "Mon-Thu 8:00-16:30", "sla_timezone": "Europe/London",
         "sla_holidays": "2026-12-25, 2026-12-28"},
        environ={},
    )  # fmt: skip
    cal = WorkingCalendar.from_settings(settings)
    assert cal.days == frozenset({0, 1, 2, 3})
    assert (cal.start, cal.end) == (time(8), time(16, 30))
    assert date(2026, 12, 28) in cal.holidays
    london = ZoneInfo("Europe/London")
    # Thursday 16:00 + 1 h: half an hour Thursday, Friday is off, Monday 08:30.
    due = cal.add_working_hours(datetime(2026, 6, 11, 16, tzinfo=london), 1)
    assert due == datetime(2026, 6, 15, 8, 30, tzinfo=london)
    assert WorkingCalendar.parse("Mon,Wed,Fri 09:00-12:00").days == frozenset({0, 2, 4})


@pytest.mark.parametrize(
    ("spec", "zone", "holidays", "message"),
    [
        ("weekdays", "Europe/Berlin", "", "not like 'Mon-Fri 09:00-17:00'"),
        ("Mon-Fri 17:00-09:00", "Europe/Berlin", "", "start before they end"),
        ("Fri-Mon 09:00-17:00", "Europe/Berlin", "", "run backwards"),
        ("Mon-Fri 09:00-17:00", "Mars/Olympus", "", "unknown time zone 'Mars/Olympus'"),
        ("Mon-Fri 09:00-17:00", "Europe/Berlin", "24.12.2026", "'24.12.2026'"),
        ("Mon-Fri 25:00-26:00", "Europe/Berlin", "", "not a time like 09:00"),
    ],
)
def test_bad_calendars_say_what_is_wrong(spec: str, zone: str, holidays: str, message: str) -> None:
    with pytest.raises(ConfigError, match=message.replace("(", r"\(").replace(")", r"\)")):
        WorkingCalendar.parse(spec, timezone=zone, holidays=holidays)


# The expression working hours were read with until a setting of 4,000 spaces
# took it seconds: the days' class holds a space, so the spaces before, in and
# after the days could be split between them in every way.
EARLIER = re.compile(
    r"^\s*(?P<days>[A-Za-z,\- ]+?)\s+(?P<start>\d{1,2}:\d{2})\s*-\s*(?P<end>\d{1,2}:\d{2})\s*$"
)


def test_working_hours_are_read_as_the_earlier_expression_read_them() -> None:
    rng = random.Random(553)
    pieces = (
        " ",
        " ",
        "\t",
        "\n",
        "\u00a0",
        "-",
        "-",
        ",",
        ":",
        "Mon",
        "fri",
        "x",
        "1",
        "9",
        "0",
        "00",
        "09:00",
        "17:30",
        "١",
        "Mon-Fri ",
        " 9:00-17:00",
    )
    for i in range(20_000):
        spec = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 12)))
        if i % 2:  # half of them end like working hours, so that many are taken
            spec += rng.choice(("09:00-17:00", " 9:00 -17:00 ", "\t10:30- 8:00\n", "1:00-2:000"))
        found = EARLIER.match(spec)
        expected = found.group("days", "start", "end") if found else None
        assert sla._split_spec(spec) == expected, repr(spec)


@pytest.mark.parametrize(
    "spec",
    [" " * 200_000, "Mon" + " " * 200_000, " " * 200_000 + "9:00-17:00x", "-" * 200_000 + "1"],
)
def test_a_long_setting_of_spaces_is_refused_in_linear_time(spec: str) -> None:
    """Checked by what comes back from 200,000 characters, which took the earlier
    expression many minutes (speed is for `benchmarks/`, not a clock)."""
    with pytest.raises(ConfigError, match="are not like 'Mon-Fri 09:00-17:00'"):
        WorkingCalendar.parse(spec)
    long_days = WorkingCalendar.parse("Mon-Fri" + " " * 200_000 + "08:00 - 16:00")
    assert long_days.days == frozenset(range(5)) and long_days.start == time(8)
