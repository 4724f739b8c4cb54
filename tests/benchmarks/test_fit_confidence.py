"""The confidence fit: tuned on the tune halves only, measured on both."""

from __future__ import annotations

import random

from benchmarks.fit_confidence import FITTED, Sample, fit, fit_on, measure, run, threshold
from kb.settings import Settings
from search.confidence import ConfidenceModel
from search.splits import REPORT, TUNE, half_of


def samples(seed: int = 0) -> list[Sample]:
    rng = random.Random(seed)
    out = []
    for n in range(240):
        answerable = n % 3 != 0
        base = 0.7 if answerable else 0.3
        features = {
            "keyword": rng.gauss(2 * base, 0.3),
            "cosine": rng.gauss(base, 0.1),
            "coverage": rng.gauss(base, 0.15),
            "answer_coverage": rng.gauss(base, 0.15),
            "agreement": rng.gauss(base, 0.2),
            "keyword_share": rng.gauss(base / 2, 0.1),
            "cosine_gap": rng.gauss(0.1, 0.05),
            "found": 1.0,
            "cross_lingual": 1.0 if n % 7 == 0 else 0.0,
        }
        out.append(Sample("a" if n % 2 else "b", f"q{n}", answerable, features))
    return out


def test_the_fit_reads_only_the_tune_halves() -> None:
    data = samples()
    assert {s.half for s in data} == {TUNE, REPORT}
    tune_ids = {s.id for s in data if s.half == TUNE}
    report_ids = {s.id for s in data if s.half == REPORT}
    assert tune_ids.isdisjoint(report_ids)
    before = fit([s for s in data if s.half == TUNE])
    # Scrambling every report-half label changes nothing fitted.
    scrambled = [
        Sample(s.set, s.id, not s.answerable, s.features) if half_of(s.id) == REPORT else s
        for s in data
    ]
    result = run(scrambled, max_declined=0.06)
    assert result["weights"] == dict(before.weights) and result["bias"] == before.bias
    assert result["measured"]["a report"]["auc"] < 0.5 < result["measured"]["a tune"]["auc"]


def test_cross_language_keyword_evidence_is_made_neutral_before_fitting() -> None:
    model = fit([s for s in samples() if s.half == TUNE])
    assert set(model.neutral) >= {"coverage", "keyword_share"}
    same = [s for s in samples() if s.half == TUNE and s.features["cross_lingual"] == 0.0]
    mean = sum(s.features["coverage"] for s in same) / len(same)
    assert abs(model.neutral["coverage"] - mean) < 1e-3
    assert "cross_lingual" not in model.weights and "found" not in model.weights


def test_a_candidate_feature_is_fitted_beside_the_engines_own() -> None:
    data = [
        Sample(s.set, s.id, s.answerable, s.features | {"candidate": 1.0 if s.answerable else 0.0})
        for s in samples()
    ]
    model = fit([s for s in data if s.half == TUNE], features=(*FITTED, "candidate"))
    assert model.weights["candidate"] > 0 and "candidate" in model.known
    result = run(data, max_declined=0.08, features=(*FITTED, "candidate"))
    assert result["measured"]["a report"]["auc"] == 1.0


def test_the_committed_model_is_measured_beside_the_refit() -> None:
    data = samples()
    result = run(data, max_declined=0.08)
    committed = result["committed"]
    engine = ConfidenceModel()
    cut = Settings.load({}).answer_threshold
    assert committed["threshold"] == cut
    part = [s for s in data if s.set == "a" and s.half == TUNE]
    assert committed["measured"]["a tune"] == measure(engine, cut, part)
    assert committed["rule_threshold"] == threshold(
        engine, [s for s in data if s.half == TUNE], 0.08
    )


def with_second(data: list[Sample]) -> list[Sample]:
    """A second model's cosine, observed for three quarters of the queries."""
    rng = random.Random(1)
    return [
        Sample(
            s.set,
            s.id,
            s.answerable,
            s.features
            | ({"second_top": rng.gauss(0.7 if s.answerable else 0.2, 0.02)} if n % 4 else {}),
        )
        for n, s in enumerate(data)
    ]


def test_evidence_observed_in_some_searches_is_neutral_at_its_observed_mean() -> None:
    tune = [s for s in with_second(samples()) if s.half == TUNE]
    model = fit(tune)
    seen = [
        s.features["second_top"]
        for s in tune
        if "second_top" in s.features and s.features["cross_lingual"] == 0.0
    ]
    assert abs(model.neutral["second_top"] - sum(seen) / len(seen)) < 1e-3
    assert model.weights["second_top"] > 0


def test_a_feature_fitted_beside_a_model_keeps_its_weights_in_proportion() -> None:
    tune = [s for s in with_second(samples()) if s.half == TUNE]
    base = fit(tune, features=tuple(f for f in FITTED if f != "second_top"))
    beside = fit_on(base, tune, ["second_top"])
    assert beside.weights["second_top"] > 0
    scale = beside.weights["cosine"] / base.weights["cosine"]
    for name, weight in base.weights.items():
        assert abs(beside.weights[name] - scale * weight) <= 0.002 + 0.002 * abs(weight)
    # Fitting beside the result again gives the result (no drift between refits).
    again = fit_on(beside, tune, ["second_top"])
    assert abs(again.bias - beside.bias) < 0.01
    assert all(abs(again.weights[k] - v) < 0.01 for k, v in beside.weights.items())
    result = run(with_second(samples()), max_declined=0.08, on_committed=["second_top"])
    assert "second_top" in result["weights"] and result["measured"]["a report"]["auc"] > 0.9
