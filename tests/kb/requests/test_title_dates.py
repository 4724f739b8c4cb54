"""A title's stored `YYYY-MM-DD` dates are worded as the reader's language
writes dates; everything else of the title stays as it was written."""

from __future__ import annotations

from kb.requests.title_dates import dated_title


def test_a_whole_date_is_worded_in_the_reader_s_language() -> None:
    title = "Onboarding Jane Doe, starts 2026-12-07"
    assert dated_title(title, "en") == "Onboarding Jane Doe, starts 7 December 2026"
    assert dated_title(title, "de") == "Onboarding Jane Doe, starts 7. Dezember 2026"
    assert dated_title("From 2026-12-07 to 2027-01-04.", "en") == (
        "From 7 December 2026 to 4 January 2027."
    )


def test_what_is_not_a_whole_real_date_stays_as_written() -> None:
    for title in (
        "Error 2027-02-30 in the log",  # no such day
        "Meeting 2026-12-07T09:00",  # a timestamp
        "Ticket 12026-12-07",  # part of a longer number
        "Build v2026-12-07-rc1",  # part of a name
        "See /reports/2026-12-07/summary",  # part of a path
        "Printer on floor 3",
    ):
        assert dated_title(title, "en") == title, title
