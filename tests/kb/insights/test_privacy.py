"""Masking personal data in stored question texts, and the minimum-people rule."""

from __future__ import annotations

import random
import re

import pytest

from kb.insights import privacy
from kb.insights.privacy import (
    QuestionCount,
    mask_personal_data,
    people_per_text,
    shown_per_topic,
    shown_texts,
)
from tests.support import within


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("mail anna.schmidt@nordlicht.example about leave", "mail [email] about leave"),
        ("IBAN DE89 3704 0044 0532 0130 00 ändern", "IBAN [iban] ändern"),
        ("new account DE89370400440532013000", "new account [iban]"),
        ("GB82 WEST 1234 5698 7654 32 for salary", "[iban] for salary"),
        ("call me on +49 170 1234567 please", "call me on [phone] please"),
        ("Rückruf unter 0170/1234567", "Rückruf unter [phone]"),
        ("my card 4111 1111 1111 1111 was charged twice", "my card [card] was charged twice"),
        ("Personalnummer 12345678 vergessen", "Personalnummer [number] vergessen"),
        ("steuer-id 12 345 678 901", "steuer-id [phone]"),
    ],
)
def test_personal_data_is_masked(text: str, expected: str) -> None:
    assert mask_personal_data(text) == expected
    assert mask_personal_data(expected) == expected  # idempotent


@pytest.mark.parametrize(
    "text",
    [
        "holiday 2025",
        "room 4.12 heating",
        "form A1 for working abroad",
        "deadline 2025-12-31 for expenses",
        "DE is my country code",
        "1234 5678 9012 3456",  # fails the Luhn check: not a card, but a long number
    ],
)
def test_ordinary_questions_keep_their_words(text: str) -> None:
    masked = mask_personal_data(text)
    if text.startswith("1234"):
        assert "[card]" not in masked
    else:
        assert masked == text


def test_an_iban_with_a_wrong_check_digit_is_not_called_an_iban() -> None:
    assert "[iban]" not in mask_personal_data("DE00 3704 0044 0532 0130 00")


def test_long_words_are_masked_in_linear_time() -> None:
    """Every search's words are masked before they are kept: the address
    expression read a run of letters again from each of its letters (500
    letters without "@": quadratic), and the IBAN expression tried every way
    of cutting a word like "ab12" and 40 letters into groups (40 ms a word,
    half a second a search). Checked by what comes back: neither finishes on
    these texts in quadratic time (speed is for `benchmarks/`, not a clock)."""
    words = ("ab12" + "a" * 40 + " ") * 5_000
    assert within(60, lambda: mask_personal_data(words)) == words
    for run in ("a" * 200_000, "1" * 200_000 + "x", "a." * 100_000):
        assert within(60, lambda run=run: mask_personal_data(run)) == run
    address = "x" * 200_000 + "@nordlicht.example"
    assert within(60, lambda: mask_personal_data(address)) == "[email]"


# The expressions before the masking took linear time: what each found is found.
_EARLIER_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+", re.UNICODE)
_EARLIER_IBAN = re.compile(r"\b[A-Z]{2}\d{2}(?:[ ]?[A-Z0-9]{1,4}){3,8}\b", re.IGNORECASE)


def test_texts_are_masked_as_the_earlier_expressions_masked_them(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Random texts of the pieces that addresses and IBANs are made of. (The IBAN
    expression no longer matches a word too short to be an IBAN that the earlier
    one matched and left as it was: the masked text is the same.)"""
    rng = random.Random(551)
    pieces = ["a", "Z", "1", "9", "0", " ", ".", "-", "+", "@", "_", "ä", "DE89", "GB82"]
    pieces += ["x@y.de", "3704 0044 0532 0130 00", "WEST12345698765432"]
    texts = ["".join(rng.choice(pieces) for _ in range(rng.randint(1, 14))) for _ in range(3_000)]
    masked = [mask_personal_data(text) for text in texts]
    monkeypatch.setattr(privacy, "_mask_emails", lambda t: _EARLIER_EMAIL.sub("[email]", t))
    monkeypatch.setattr(privacy, "_IBAN", _EARLIER_IBAN)
    for text, now in zip(texts, masked, strict=True):
        assert now == mask_personal_data(text), text


def test_texts_are_shown_only_when_enough_people_asked() -> None:
    counts = [
        QuestionCount("parking permit", searches=9, people=4),
        QuestionCount("my divorce papers", searches=12, people=1),
        QuestionCount("parken", searches=3, people=3),
        QuestionCount("vpn", searches=40, people=2),
    ]
    assert shown_texts(counts, 3) == ["parking permit", "parken"]
    assert shown_texts(counts, 1)[0] == "parking permit"
    with pytest.raises(ValueError, match="min_people must be an integer >= 1"):
        shown_texts(counts, 0)


def test_people_are_counted_once_and_anonymous_searches_never_count() -> None:
    pairs = [("a", "p1"), ("a", "p1"), ("a", "p2"), ("b", ""), ("b", "")]
    assert people_per_text(pairs) == {"a": 2, "b": 0}


def test_the_minimum_people_rule_counts_only_texts_the_daily_figures_leave_open() -> None:
    from kb.insights.records import TopicText

    texts = [
        TopicText(1, "busy day", searches=9, most_in_a_day=3, person_days=5),  # sure
        TopicText(1, "one person, daily", searches=7, most_in_a_day=1, person_days=7),
        TopicText(2, "three people, apart", searches=3, most_in_a_day=1, person_days=3),
        TopicText(2, "two people", searches=2, most_in_a_day=1, person_days=2),  # ruled out
    ]
    asked: list[list[str]] = []

    def count(unsure: list[str]) -> dict[str, int]:
        asked.append(unsure)
        return {"one person, daily": 1, "three people, apart": 3}

    shown = shown_per_topic(texts, 3, count, limit=10)
    assert {k: [t.text for t in v] for k, v in shown.items()} == {
        1: ["busy day"],
        2: ["three people, apart"],
    }
    assert asked == [["one person, daily", "three people, apart"]]
    assert shown_per_topic(texts[:1], 3, count, limit=10) == {1: texts[:1]} and len(asked) == 1
    with pytest.raises(ValueError, match="min_people must be an integer >= 1"):
        shown_per_topic(texts, 0, count, limit=10)


def test_only_texts_that_could_still_be_shown_are_counted() -> None:
    from kb.insights.records import TopicText

    texts = [TopicText(1, f"text {i}", 100 - i, 1, 9) for i in range(50)]
    texts.append(TopicText(1, "sure", 1, 5, 5))
    asked: list[list[str]] = []

    def count(unsure: list[str]) -> dict[str, int]:
        asked.append(unsure)
        return {text: 3 if text in {"text 1", "text 4", "text 7"} else 2 for text in unsure}

    (shown,) = shown_per_topic(texts, 3, count, limit=2).values()
    assert [t.text for t in shown] == ["text 1", "text 4"]
    # Looking further ahead each round: 2, then 4 undecided texts.
    assert asked == [["text 0", "text 1"], ["text 2", "text 3", "text 4", "text 5"]]
    # A limit past every text: all are decided, the sure one last (fewest searches).
    (every,) = shown_per_topic(texts, 3, count, limit=99).values()
    assert [t.text for t in every] == ["text 1", "text 4", "text 7", "sure"]
