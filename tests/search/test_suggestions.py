"""Title suggestions."""

from __future__ import annotations

from search.suggestions import MAX_PREFIX_CHARS, TitleIndex

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


def test_a_german_title_is_suggested_for_either_spelling_and_english_ones_as_typed() -> None:
    titles = TitleIndex(
        [
            ("hr/u.md", "Überweisung des Gehalts"),
            ("hr/s.md", "Strasse ändern"),
            ("it/q.md", "Queue etiquette"),
            ("it/p.md", "Potential savings"),
            ("it/o.md", "Poems of the office"),
        ],
        german={"hr/u.md", "hr/s.md"},
    )
    for typed in ("Ueberw", "uberweisung", "Überw", "Ue"):
        assert titles.match(typed, 5) == ["Überweisung des Gehalts"], typed
    assert titles.match("Straße", 5) == titles.match("aendern", 5) == ["Strasse ändern"]
    assert titles.match("geh", 5) == ["Überweisung des Gehalts"]
    # English titles are matched as typed: "poe" is not read as "pö".
    assert titles.match("poe", 5) == ["Poems of the office"]
    assert titles.match("que", 5) == ["Queue etiquette"]


def test_a_long_title_keeps_keys_of_bounded_length_and_is_still_found() -> None:
    """Each word of a title kept the rest of the title as a key: a content owner's
    title of 256 KB (32,000 words) made 4 GB of keys in every web worker at its
    first search of each snapshot (8.6 GB at its peak), and a longer one killed
    it. Keys hold the first `MAX_PREFIX_CHARS` characters, as much of a prefix as
    is matched, so they grow with the words, not their square."""
    words = [f"printer{i}" for i in range(5_000)]
    title = " ".join(words)
    titles = TitleIndex(
        [("it/long.md", title), ("it/c.md", "Printer toner")], german={"it/long.md"}
    )
    keys = [*titles._starts, *titles._inner, *titles._german_starts, *titles._german_inner]
    assert max(len(key) for key, _, _ in keys) <= MAX_PREFIX_CHARS
    assert titles.match("printer4999", 5) == [title]
    assert titles.match("printer toner", 5) == ["Printer toner"]
    assert titles.match(" ".join(words[10:100]), 5) == [title]  # longer than what is matched
