"""The second lever grid's arithmetic (benchmarks.feedback_levers), on tiny lists."""

from __future__ import annotations

import pytest

from benchmarks.feedback_levers import LEVERS, _combine, _floored


def test_a_floor_scores_articles_below_it_zero_and_the_best_one() -> None:
    scores = _floored([("a", 10.0), ("b", 6.0), ("c", 2.0)], low=6.0)
    assert scores == {"a": 1.0, "b": 0.0, "c": 0.0}
    assert _floored([("a", 4.0), ("b", 3.0)], low=2.0) == pytest.approx({"a": 1.0, "b": 0.5})
    assert _floored([("a", 1.0), ("b", 1.0)], low=1.0) == {"a": 1.0, "b": 1.0}
    assert _floored([], low=0.0) == {}


def test_combine_is_half_and_half_with_a_missing_key_at_zero() -> None:
    # a: 0.5 · 1 + 0.5 · 0; b: 0.5 · 0.4 + 0.5 · 1; c: vector only, 0.5 · 0.2.
    assert _combine({"a": 1.0, "b": 0.4}, {"b": 1.0, "c": 0.2}) == ["b", "a", "c"]


def test_the_grid_starts_from_the_engine_and_names_each_lever_once() -> None:
    names = list(LEVERS)
    assert names[0].startswith("engine")
    assert len(names) == len(set(names))
