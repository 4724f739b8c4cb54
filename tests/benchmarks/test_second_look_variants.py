"""Variants of the confidence's second look, scored offline."""

from __future__ import annotations

from benchmarks.fit_confidence import Sample
from benchmarks.second_look_variants import Variant, near, with_gains
from search.confidence import FEATURES, ConfidenceModel
from search.second_look import FEATURE, SecondLook, TwoStage


def staged() -> TwoStage:
    first = ConfidenceModel(bias=0.0, weights={"cosine": 1.0}, neutral={})
    second = ConfidenceModel(
        bias=1.0, weights={FEATURE: -100.0}, neutral={}, known=(*FEATURES, FEATURE)
    )
    return TwoStage(first, SecondLook(model=second, band=(0.3, 0.9)))


def test_a_word_near_a_passage_word_shares_its_first_five_letters() -> None:
    assert near("enrollment", "How to enroll: enrolling takes a day")
    assert not near("bonus", "Referral award")
    assert not near("pay", "payroll")  # under five letters: never near


def test_only_lowering_keeps_the_first_stage_where_the_second_would_raise_it() -> None:
    raising = {"cosine": 0.0, FEATURE: -0.05}  # first 0.5, second sigmoid(6) ≈ 0.998
    assert Variant(staged()).of(raising) > 0.99
    assert Variant(staged(), lower_only=True).of(raising) == 0.5
    lowering = {"cosine": 0.0, FEATURE: 0.05}
    assert Variant(staged(), lower_only=True).of(lowering) < 0.02


def test_only_a_positive_gain_counts() -> None:
    paraphrase = {"cosine": 0.0, FEATURE: -0.05}
    confidence, looked = Variant(staged(), positive_only=True).judged(paraphrase)
    assert (confidence, looked) == (0.5, False)


def test_a_rules_gains_replace_the_leave_out_and_default_to_nothing_left_out() -> None:
    samples = [Sample("s", "a", True, {FEATURE: 0.2}), Sample("s", "b", False, {FEATURE: 0.3})]
    changed = with_gains(samples, {"a": 0.01})
    assert [s.features[FEATURE] for s in changed] == [0.01, 0.0]
