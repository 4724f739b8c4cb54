"""Candidate confidence evidence: soft concept coverage and leaving words out."""

from __future__ import annotations

import numpy as np

from benchmarks.confidence_levers import WordVectors, similarities, soft_features, without


def vectors(table: dict[str, list[float]]) -> WordVectors:
    out = WordVectors(None)
    out.vectors = {w: np.array(v, dtype=np.float32) for w, v in table.items()}
    out.mean = np.zeros(2)
    return out


def test_a_concept_the_text_holds_by_stem_counts_one_and_others_their_nearest_word() -> None:
    table = {"laptop": [1, 0], "died": [0.6, 0.8], "broken": [0.8, 0.6], "bonus": [0, 1]}
    sims = similarities(
        [(["laptops"], 2.0), (["died"], 1.0)], "Broken laptop: what to do", vectors(table)
    )
    assert sims[0] == (1.0, 2.0)
    assert abs(sims[1][0] - 0.96) < 1e-6
    features = soft_features("answer", sims)
    assert features["answer_min_similarity"] == sims[1][0]
    assert features["answer_soft_missing@0.3"] == 0.0


def test_a_detail_no_word_of_the_text_comes_near_counts_as_missing() -> None:
    table = {"referral": [1, 0], "bonus": [0, 1], "award": [1, 0]}
    sims = similarities([(["referral"], 1.0), (["bonus"], 3.0)], "Referral award", vectors(table))
    assert soft_features("answer", sims)["answer_soft_missing@0.5"] == 0.75


def test_leaving_words_out_keeps_the_rest_of_the_question() -> None:
    assert without("Is Juneteenth a paid day off?", ["juneteenth", "off"]) == "Is a paid day ?"
    assert without("menu", ["menu"]) == ""


def test_the_gated_leave_out_decides_only_uncertain_searches_with_a_missing_concept() -> None:
    from benchmarks.confidence_levers import Gated
    from search.confidence import FEATURES, ConfidenceModel

    without = ConfidenceModel(bias=0.0, weights={"cosine": 1.0}, neutral={})
    with_it = ConfidenceModel(
        bias=5.0,
        weights={"leave_out_rarest": -100.0},
        neutral={},
        known=(*FEATURES, "leave_out_rarest"),
    )
    gated = Gated(without, with_it, "leave_out_rarest", (0.3, 0.9))
    near_miss = {"cosine": 0.5, "leave_out_rarest": 0.1}
    assert gated.pays(near_miss) and gated.of(near_miss) < 0.01
    # Certain without it, or nothing missing: the fitted model's confidence stands.
    for features in (
        {"cosine": 5.0, "leave_out_rarest": 0.1},
        {"cosine": 0.5, "leave_out_rarest": 0.0},
    ):
        assert not gated.pays(features) and gated.of(features) == without.of(features)
