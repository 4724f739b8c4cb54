"""The fusion levers' arithmetic (benchmarks.fusion_levers), on tiny lists."""

from __future__ import annotations

import numpy as np
import pytest

from benchmarks.fusion_levers import _combine, _expected_spread, _z, moved_query, weighted


def test_z_scores_have_mean_zero_and_unit_spread() -> None:
    z = _z([("a", 3.0), ("b", 1.0), ("c", 2.0)])
    assert sum(z.values()) == pytest.approx(0.0)
    assert z["a"] > z["c"] > z["b"]
    assert _z([("a", 1.0), ("b", 1.0)]) == {"a": 0.0, "b": 0.0}


def test_a_key_missing_from_a_list_takes_that_lists_floor() -> None:
    keyword = {"a": 1.0, "b": -1.0}
    vector = {"b": 1.0, "c": 0.5}
    # c is missing from the keyword list: at that list's floor (-1) it falls
    # behind b; counted as 0 it would pass it.
    assert _combine([(keyword, 0.5, -1.0), (vector, 0.5, 0.0)]) == ["a", "b", "c"]
    assert _combine([(keyword, 0.5, 0.0), (vector, 0.5, 0.0)]) == ["a", "c", "b"]


def test_weighted_is_the_engines_min_max_half_and_half() -> None:
    # keyword a 1, b 0.875, c 0; vector b 1, a 0.
    keyword = [("a", 9.0), ("b", 8.0), ("c", 1.0)]
    assert weighted(keyword, [("b", 0.9), ("a", 0.1)]) == ["b", "a", "c"]


def test_expected_spread_grows_with_the_list() -> None:
    assert _expected_spread(2) < _expected_spread(30) < _expected_spread(300)
    assert _expected_spread(100) == pytest.approx(5.0, abs=0.2)


def test_moved_query_is_unit_length_and_leans_to_the_passage() -> None:
    query = np.array([1.0, 0.0], dtype=np.float32)
    passage = np.array([0.0, 1.0], dtype=np.float32)
    moved = moved_query(query, passage, 0.5)
    assert float(np.linalg.norm(moved)) == pytest.approx(1.0)
    assert 0.0 < float(moved @ passage) < float(moved @ query)
