"""Moments as each language writes them: the date as `format_date` has it, the
time of day and the zone it is in."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from kb.i18n.catalog import format_date, format_moment

BERLIN = ZoneInfo("Europe/Berlin")


@pytest.mark.parametrize(
    ("lang", "summer", "winter"),
    [
        ("en", "8 October 2026, 14:21 CEST", "1 January 2027, 00:30 CET"),
        ("de", "8. Oktober 2026, 14:21 MESZ", "1. Januar 2027, 00:30 MEZ"),
    ],
)
def test_a_moment_is_written_as_its_language_writes_a_date(
    lang: str, summer: str, winter: str
) -> None:
    assert format_moment(lang, datetime(2026, 10, 8, 12, 21, tzinfo=UTC), BERLIN) == summer
    # The date is the one in the zone, not in UTC, where it is still the day before.
    assert format_moment(lang, datetime(2026, 12, 31, 23, 30, tzinfo=UTC), BERLIN) == winter
    assert winter.startswith(format_date(lang, date(2027, 1, 1)) + ", ")


def test_a_zone_without_a_name_of_the_language_s_own_keeps_its_abbreviation() -> None:
    moment = datetime(2026, 10, 8, 12, 21, tzinfo=UTC)
    new_york = ZoneInfo("America/New_York")
    assert format_moment("de", moment, new_york) == "8. Oktober 2026, 08:21 EDT"
    assert format_moment("en", moment, new_york) == "8 October 2026, 08:21 EDT"
    assert format_moment("de", moment, UTC) == "8. Oktober 2026, 12:21 UTC"
