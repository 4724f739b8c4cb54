"""Confidence candidates meant to carry across corpora: the rarest concept's place,
coverage weighted by IDF squared, the gap to a corpus's random questions."""

from __future__ import annotations

import pytest

from benchmarks.fit_confidence import Sample
from benchmarks.generalising_levers import coverage_rare, place, rank_holding, with_null_gaps


def test_the_rarest_concept_counts_most_in_the_answer_then_in_its_article() -> None:
    assert place(True, False) == 1.0
    assert place(True, True) == 1.0
    assert place(False, True) == 0.5
    assert place(False, False) == 0.0


def test_the_first_article_holding_the_concept_gives_the_rank() -> None:
    assert rank_holding(["a", "b", "c"], {"c", "b"}) == 2
    assert rank_holding(["a", "b"], {"z"}) is None
    assert rank_holding([], {"a"}) is None


def test_rare_concepts_weigh_more_than_in_plain_coverage() -> None:
    # weights 1 and 3: plain coverage of the rare one alone 0.75, squared 0.9
    assert coverage_rare([False, True], [1.0, 3.0]) == pytest.approx(0.9)
    assert coverage_rare([True, False], [1.0, 3.0]) == pytest.approx(0.1)
    assert coverage_rare([], []) == 0.0


def test_null_gaps_subtract_the_index_mean_and_need_the_second_model_for_its_own() -> None:
    null = {"_null_cos": 0.8, "_null_sd": 0.02, "_null_second": 0.3}
    read = Sample("s", "q1", True, null | {"cosine": 0.85, "second_top": 0.5, "models_agree": 1.0})
    unread = Sample("s", "q2", False, null | {"cosine": 0.79, "second_top": 0.5573})
    first, second = with_null_gaps([read, unread])
    assert first.features["cosine_null_gap"] == pytest.approx(0.05)
    assert first.features["cosine_null_z"] == pytest.approx(2.5)
    assert first.features["second_null_gap"] == pytest.approx(0.2)
    assert second.features["cosine_null_gap"] == pytest.approx(-0.01)
    assert "second_null_gap" not in second.features  # its neutral value is no observation
