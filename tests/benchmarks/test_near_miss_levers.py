"""Near-miss confidence candidates: one sentence's coverage, list overlap, leave-out gain."""

from __future__ import annotations

import pytest

from benchmarks.near_miss_levers import (
    best_sentence_share,
    first_articles,
    overlap,
    relative_gain,
    spread,
    weighted,
)
from indexer.metadata import Passage
from search.answering import ConceptMatch
from search.understanding import Concept, QueryPlan

PLAN = QueryPlan(
    "referral bonus for an engineer",
    "en",
    ("referral", "bonus", "engineer"),
    (Concept("referral", (), 3.0), Concept("bonus", (), 2.0), Concept("engineer", (), 1.0)),
)


def passage(text: str, headings: tuple[str, ...] = ()) -> Passage:
    return Passage(1, "talent", 0, "hr", "en", "Talent", headings, text, (), ())


def test_the_share_counts_only_the_concepts_marked_among() -> None:
    assert weighted([True, False, True], [3.0, 2.0, 1.0], [True, True, True]) == 4 / 6
    assert weighted([True, False, True], [3.0, 2.0, 1.0], [True, False, True]) == 1.0
    assert weighted([True], [1.0], [False]) == 0.0


def test_words_spread_over_sentences_cover_less_than_words_stated_together() -> None:
    match = ConceptMatch(PLAN)
    every = [True, True, True]
    scattered = passage("Send us a referral. Engineers get a bonus when they ship.")
    together = passage("A referral earns a bonus. Engineers are hired often.")
    assert best_sentence_share(match, [scattered], every) == 3 / 6
    assert best_sentence_share(match, [together], every) == 5 / 6


def test_a_heading_counts_for_every_sentence_of_its_passage() -> None:
    match = ConceptMatch(PLAN)
    under = passage("Engineers get a bonus.", headings=("Referral",))
    assert best_sentence_share(match, [under], [True, True, True]) == 1.0


def test_lists_are_compared_by_their_first_distinct_articles() -> None:
    article_of = {1: "a", 2: "a", 3: "b", 4: "c"}
    assert first_articles([(1, 0.9), (2, 0.8), (9, 0.7), (3, 0.6)], article_of) == ["a", "b"]
    assert overlap(["a", "b", "c"], ["c", "d", "a"]) == 0.2


def test_spread_is_relative_to_the_mean_and_zero_without_scores() -> None:
    assert spread([2.0, 2.0]) == 0.0
    assert spread([1.0, 3.0]) == 0.5
    assert spread([5.0]) == 0.0


def test_a_leave_out_gain_counts_beyond_the_general_shift_of_shortening() -> None:
    assert relative_gain(0.10, [0.02, 0.04]) == pytest.approx(0.07)
    assert relative_gain(0.10, []) == 0.10
