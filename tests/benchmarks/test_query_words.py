"""The long questions of `benchmarks.query_words`: openings of real passages."""

from __future__ import annotations

from benchmarks.query_words import MAX_CHARS, long_questions, opening


def test_an_opening_keeps_whole_words_within_the_limit() -> None:
    text = " ".join(["word"] * 200)
    kept = opening(text)
    assert len(kept) <= MAX_CHARS and kept.split() == ["word"] * len(kept.split())
    assert len(kept) > MAX_CHARS - 5
    assert opening("a b c", 3) == "a b"


def test_questions_come_from_the_second_passage_and_are_long_enough() -> None:
    long = " ".join(f"w{n}" for n in range(60))
    passages = {"b.md": ["intro", long], "a.md": [long], "c.md": ["intro", "too short"], "d.md": []}
    assert long_questions(passages, 55) == [("a.md", long), ("b.md", long)]
    assert long_questions(passages, 61) == []
