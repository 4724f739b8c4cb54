"""Scatter candidates for the confidence: department share, concentration, names missing."""

from __future__ import annotations

import pytest

from benchmarks.spread_levers import concentration, department_share, name_missing, names
from search.keyword import KeywordHit
from search.understanding import Concept, QueryPlan


def test_close_competitors_of_other_departments_lower_the_share() -> None:
    assert department_share(["hr", "hr"], [1.0, 0.9]) == 1.0
    mixed = department_share(["hr", "it"], [1.0, 1.0])
    assert mixed == pytest.approx(0.5)
    # A competitor far below the best hardly votes.
    assert department_share(["hr", "it"], [1.0, 0.5]) > 0.99
    assert department_share([], []) == 0.0


def test_concentration_counts_the_top_articles_share_of_the_nearest_passages() -> None:
    assert concentration(["a", "b", "a", "c"], "a") == 0.5
    assert concentration([], "a") == 0.0


def test_names_are_capitalised_after_the_first_word_or_hold_two_capitals() -> None:
    assert names("Is there childcare at the San Francisco office") == {"san", "francisco"}
    assert names("how long does DoD take") == {"dod"}
    assert names("SAAR form approval") == {"saar"}
    assert names("How do I use tock") == set()  # "I" and the first word are no names


def test_only_names_the_top_articles_passages_lack_count() -> None:
    plan = QueryPlan(
        "parking permit for Chicago",
        "en",
        ("parking", "permit", "chicago"),
        (Concept("parking", (), 1.0), Concept("permit", (), 1.0), Concept("chicago", (), 2.0)),
    )
    lacking = [KeywordHit(1, 3.0, frozenset({0, 1})), KeywordHit(2, 2.0, frozenset({2}))]
    assert name_missing(plan, lacking, [1]) == 0.5
    assert name_missing(plan, lacking, [1, 2]) == 0.0
