"""Title suggestions."""

from __future__ import annotations

from search.suggestions import TitleIndex

TITLES = TitleIndex(
    [
        ("hr/a.md", "Requesting annual leave"),
        ("hr/b.md", "Annual appraisal"),
        ("it/c.md", "Reset your password"),
        ("hr/d.md", "Reporting sick"),
    ]
)


def test_title_starts_come_before_word_starts() -> None:
    assert TITLES.match("annual", 5) == ["Annual appraisal", "Requesting annual leave"]


def test_prefix_is_normalised_and_limited() -> None:
    assert TITLES.match("  REP", 5) == ["Reporting sick"]
    assert TITLES.match("re", 2) == ["Reporting sick", "Requesting annual leave"]
    assert TITLES.match("", 5) == [] and TITLES.match("x", 0) == []


def test_filter_skips_titles() -> None:
    assert TITLES.match("re", 5, allowed=lambda aid: aid.startswith("it/")) == [
        "Reset your password"
    ]
    assert len(TITLES) == 4
