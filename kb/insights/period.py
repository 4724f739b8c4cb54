"""`Period`: the whole UTC days an insights view reads, and its previous period.

Periods are typed as people write them (`since`, `until`, both included) and
kept with an exclusive end; a date that cannot be read, or a period that ends
before it starts or spans too many days, is a `ValidationError` naming its
field, so the pages can mark it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from kb.errors import ValidationError

DEFAULT_DAYS = 30
MAX_DAYS = 3 * 366
# The dates a period may name (`since`, `until`).
EARLIEST = date(1970, 1, 1)
LATEST = date(9998, 12, 31)


@dataclass(frozen=True)
class Period:
    """Whole UTC days with since <= day < until."""

    since: date
    until: date

    def __post_init__(self) -> None:
        # Named as people type it: `until` is the last day, the day before the
        # exclusive end kept here (reporting the end itself named a day never typed).
        last = self.last_day
        typed = {"since": str(self.since), "until": str(last)}
        if self.until <= self.since:
            raise ValidationError(
                f"the period must end after it starts: since {self.since}, until {last}",
                details={"field": "until", **typed},
                key="period_backwards",
                values=typed,
            )
        if (self.until - self.since).days > MAX_DAYS:
            raise ValidationError(
                f"a period may span at most {MAX_DAYS} days; choose a later 'since'",
                details={"field": "since", **typed},
                key="period_too_long",
                values={"limit": MAX_DAYS},
            )

    @property
    def last_day(self) -> date:
        """The last day included: the day before the exclusive end `until`."""
        return self.until - timedelta(days=1) if self.until > date.min else self.until

    @property
    def days(self) -> int:
        return (self.until - self.since).days

    def previous(self) -> Period:
        return Period(self.since - timedelta(days=self.days), self.since)

    def each_day(self) -> list[date]:
        return [self.since + timedelta(days=i) for i in range(self.days)]

    def as_dict(self) -> dict[str, str]:
        """`until` is the exclusive end, as the answers always gave it; `last_day`
        the last day included, the date the pages and their date fields show."""
        return {
            "since": self.since.isoformat(),
            "until": self.until.isoformat(),
            "last_day": self.last_day.isoformat(),
        }

    @classmethod
    def parse(cls, since: str | None, until: str | None, today: date) -> Period:
        """From ISO dates (either may be missing): by default the last
        `DEFAULT_DAYS` days up to and including today; `until` is inclusive
        as people write it, so `--until 2026-03-31` includes the 31st."""
        end = _date("until", until) + timedelta(days=1) if until else today + timedelta(days=1)
        start = _date("since", since) if since else end - timedelta(days=DEFAULT_DAYS)
        return cls(start, end)


def parse_day(name: str, value: str) -> date:
    """The day `value` (YYYY-MM-DD) of option or field `name`; a `ValidationError`
    naming both otherwise."""
    return _date(name, value)


def _date(name: str, value: str) -> date:
    try:
        day = date.fromisoformat(value.strip())
    except ValueError:
        raise ValidationError(
            f"{name} must be a date written YYYY-MM-DD, got {value!r}",
            details={"field": name, "value": value},
            key="not_date",
            values={"value": value[:40]},
        ) from None
    # The period ends the day after `until` and is compared with the one before
    # it: dates near the calendar's ends would overflow Python's dates.
    if day < EARLIEST:
        raise ValidationError(
            f"{name} must be {EARLIEST} or later, got {day}",
            details={"field": name, "value": value},
            key="at_least",
            values={"limit": EARLIEST.isoformat()},
        )
    if day > LATEST:
        raise ValidationError(
            f"{name} must be {LATEST} or earlier, got {day}",
            details={"field": name, "value": value},
            key="at_most",
            values={"limit": LATEST.isoformat()},
        )
    return day
