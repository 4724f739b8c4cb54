"""Due dates in working hours.

A department's targets ("first response within 8 hours") count working hours
only: by default Monday to Friday, 09:00 to 17:00, in Europe/Berlin. A request
filed on Friday at 16:00 with an 8-hour target is therefore due on Monday at
16:00. Holidays are whole days off. Wall-clock times are used throughout, so
the switch to and from summer time shifts no due date.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from kb.errors import ConfigError
from kb.settings import Settings
from kb.validators import ensure_utc

DAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
# The characters a list of working days may hold ("Mon-Fri", "Mon, Wed").
_DAY_CHARACTERS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz,- ")


def _split_spec(spec: str) -> tuple[str, str, str] | None:
    """(days, start, end) of 'Mon-Fri 09:00-17:00', read from its end in one pass,
    or None when it is not like that: what the expression it replaces took, with
    the same groups (`tests/kb/requests/test_sla.py` keeps it). In that expression
    a space was white space and a day character at once, and a setting of 4,000
    spaces took seconds to be refused."""
    end = _time_at_end(spec.rstrip())
    if end is None:
        return None
    before, end_time = end
    before = before.rstrip()
    if not before.endswith("-"):
        return None
    start = _time_at_end(before[:-1].rstrip())
    if start is None:
        return None
    head, start_time = start
    if not head[-1:].isspace():
        return None
    days = head.strip()
    if not days:
        # Only white space: a single space of it (not its last character) is the days.
        return (" ", start_time, end_time) if " " in head[:-1] else None
    if not _DAY_CHARACTERS.issuperset(days):
        return None
    return days, start_time, end_time


def _time_at_end(text: str) -> tuple[str, str] | None:
    """(what comes before, "H:MM" or "HH:MM") when `text` ends with such a time
    (digits of any script, as the expression's `\\d`), else None."""
    colon = len(text) - 3
    if colon < 1 or text[colon] != ":" or not text[colon + 1 :].isdecimal():
        return None
    begin = colon
    while begin > 0 and colon - begin < 3 and text[begin - 1].isdecimal():
        begin -= 1
    if not 1 <= colon - begin <= 2 or text[begin - 1 : begin].isdecimal():
        return None
    return text[:begin], text[begin:]


@dataclass(frozen=True)
class WorkingCalendar:
    """Working days (0 = Monday), daily working hours and holidays, in one time zone."""

    timezone: str = "Europe/Berlin"
    days: frozenset[int] = frozenset(range(5))
    start: time = time(9)
    end: time = time(17)
    holidays: frozenset[date] = field(default_factory=frozenset)

    def __post_init__(self) -> None:
        try:
            ZoneInfo(self.timezone)
        except (ZoneInfoNotFoundError, ValueError):
            raise ConfigError(
                f"unknown time zone {self.timezone!r} (setting sla_timezone); use an IANA "
                "name such as Europe/Berlin"
            ) from None
        if not self.days or not self.days <= set(range(7)):
            raise ConfigError(f"working days must be some of 0..6 (Monday = 0), got {self.days!r}")
        if self.start >= self.end:
            raise ConfigError(
                f"working hours must start before they end, got {self.start:%H:%M}-{self.end:%H:%M}"
            )

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @classmethod
    def from_settings(cls, settings: Settings) -> WorkingCalendar:
        return cls.parse(
            settings.sla_working_hours,
            timezone=settings.sla_timezone,
            holidays=settings.sla_holidays,
        )

    @classmethod
    def parse(
        cls, spec: str, *, timezone: str = "Europe/Berlin", holidays: str = ""
    ) -> WorkingCalendar:
        """A calendar from 'Mon-Fri 09:00-17:00' (days as a range or a list: 'Mon,Wed,Fri')."""
        parts = _split_spec(spec)
        if parts is None:
            raise ConfigError(
                f"working hours {spec!r} (setting sla_working_hours) are not like "
                "'Mon-Fri 09:00-17:00'"
            )
        return cls(
            timezone=timezone,
            days=_parse_days(parts[0], spec),
            start=_parse_time(parts[1], spec),
            end=_parse_time(parts[2], spec),
            holidays=frozenset(_parse_holidays(holidays)),
        )

    def is_working_day(self, day: date) -> bool:
        return day.weekday() in self.days and day not in self.holidays

    def add_working_hours(self, start: datetime, hours: float) -> datetime:
        """The moment `hours` working hours after `start` (UTC).

        Time outside working hours does not count: starting in the evening or
        at the weekend, the clock starts with the next working day.
        """
        if hours < 0:
            raise ValueError(f"hours must be >= 0, got {hours!r}")
        zone = self.zone
        current = ensure_utc("start", start).astimezone(zone)
        remaining = timedelta(hours=hours)
        # A year without a single working day would be a configuration error;
        # the bound keeps a calendar of holidays only from looping for ever.
        for _ in range(3660):
            day = current.date()
            if self.is_working_day(day):
                opens = datetime.combine(day, self.start, tzinfo=zone)
                closes = datetime.combine(day, self.end, tzinfo=zone)
                moment = max(current, opens)
                if moment < closes:
                    available = closes - moment
                    if remaining <= available:
                        return (moment + remaining).astimezone(UTC)
                    remaining -= available
            current = datetime.combine(day + timedelta(days=1), time(0), tzinfo=zone)
        raise ConfigError("the working calendar has no working day within ten years")

    def working_hours_between(self, start: datetime, end: datetime) -> float:
        """Working hours from `start` to `end` (0 when `end` is not later)."""
        zone = self.zone
        a = ensure_utc("start", start).astimezone(zone)
        b = ensure_utc("end", end).astimezone(zone)
        total = timedelta()
        day = a.date()
        while day <= b.date():
            if self.is_working_day(day):
                opens = max(a, datetime.combine(day, self.start, tzinfo=zone))
                closes = min(b, datetime.combine(day, self.end, tzinfo=zone))
                if closes > opens:
                    total += closes - opens
            day += timedelta(days=1)
        return total.total_seconds() / 3600


def _parse_days(text: str, spec: str) -> frozenset[int]:
    days: set[int] = set()
    for part in (p.strip().lower() for p in text.split(",")):
        first, _, last = (x.strip()[:3] for x in part.partition("-"))
        if first not in DAY_NAMES or (last and last not in DAY_NAMES):
            raise ConfigError(
                f"working days {text!r} in {spec!r} are not day names like Mon-Fri or Mon,Wed"
            )
        a = DAY_NAMES.index(first)
        b = DAY_NAMES.index(last) if last else a
        if b < a:
            raise ConfigError(f"working days {part!r} in {spec!r} run backwards; write Mon-Fri")
        days.update(range(a, b + 1))
    return frozenset(days)


def _parse_time(text: str, spec: str) -> time:
    try:
        return time.fromisoformat(text.zfill(5))
    except ValueError:
        raise ConfigError(f"{text!r} in working hours {spec!r} is not a time like 09:00") from None


def _parse_holidays(text: str) -> Iterable[date]:
    for item in (x.strip() for x in text.split(",")):
        if not item:
            continue
        try:
            yield date.fromisoformat(item)
        except ValueError:
            raise ConfigError(
                f"holiday {item!r} (setting sla_holidays) is not a date like 2026-12-25"
            ) from None
