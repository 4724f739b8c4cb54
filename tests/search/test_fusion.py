"""Fusion: reciprocal rank and normalised weighted combination, and the factory."""

from __future__ import annotations

import pytest

from kb.errors import ConfigError
from kb.settings import Settings
from search.fusion import ReciprocalRankFusion, WeightedFusion, create_fusion, min_max


def test_rrf_sums_reciprocal_ranks() -> None:
    fused = dict(
        ReciprocalRankFusion(k=60).fuse([("a", 9.0), ("b", 5.0)], [("b", 0.9), ("c", 0.8)])
    )
    assert fused["b"] == pytest.approx(1 / 62 + 1 / 61)
    assert fused["a"] == pytest.approx(1 / 61)
    assert fused["c"] == pytest.approx(1 / 62)


def test_rrf_ranks_agreement_first_and_ignores_score_scale() -> None:
    keyword = [("a", 1000.0), ("b", 999.0)]
    vector = [("b", 0.2), ("a", 0.1)]
    assert [k for k, _ in ReciprocalRankFusion(k=1).fuse(keyword, vector)] == ["a", "b"]
    assert [k for k, _ in ReciprocalRankFusion(k=1).fuse(keyword, [("b", 0.2)])] == ["b", "a"]


def test_rrf_ties_keep_first_seen_order() -> None:
    fused = ReciprocalRankFusion(k=60).fuse([("x", 1.0)], [("y", 1.0)])
    assert [k for k, _ in fused] == ["x", "y"]


def test_min_max_scales_to_unit_interval() -> None:
    assert min_max([("a", 10.0), ("b", 5.0), ("c", 0.0)]) == {"a": 1.0, "b": 0.5, "c": 0.0}
    assert min_max([("a", 3.0)]) == {"a": 1.0}
    assert min_max([]) == {}


def test_weighted_combines_normalised_scores() -> None:
    fusion = WeightedFusion(vector_weight=0.25)
    fused = dict(fusion.fuse([("a", 20.0), ("b", 10.0)], [("b", 0.9), ("c", 0.3)]))
    assert fused["a"] == pytest.approx(0.75)
    assert fused["b"] == pytest.approx(0.25 * 1.0 + 0.75 * 0.0)
    assert fused["c"] == pytest.approx(0.0)


@pytest.mark.parametrize("weight, first", [(0.0, "kw"), (1.0, "vec")])
def test_weighted_extremes_follow_one_retriever(weight: float, first: str) -> None:
    fused = WeightedFusion(weight).fuse([("kw", 5.0), ("x", 1.0)], [("vec", 0.8), ("y", 0.1)])
    assert fused[0][0] == first


def test_fusion_rejects_bad_parameters() -> None:
    with pytest.raises(ValueError, match="1.5"):
        WeightedFusion(1.5)
    with pytest.raises(ValueError, match="-1"):
        ReciprocalRankFusion(k=-1)


def test_factory_builds_the_configured_method() -> None:
    rrf = create_fusion(Settings.load({"fusion": "rrf", "rrf_k": 10}, environ={}))
    assert isinstance(rrf, ReciprocalRankFusion) and rrf.k == 10
    weighted = create_fusion(
        Settings.load({"fusion": "weighted", "fusion_weight": 0.7}, environ={})
    )
    assert isinstance(weighted, WeightedFusion) and weighted.vector_weight == 0.7


def test_factory_names_a_bad_method_or_weight() -> None:
    with pytest.raises(ConfigError, match="'bm25'"):
        create_fusion(Settings.load({"fusion": "bm25"}, environ={}))
    with pytest.raises(ConfigError, match="fusion=weighted"):
        create_fusion(Settings.load({"fusion": "weighted", "fusion_weight": 2.0}, environ={}))
