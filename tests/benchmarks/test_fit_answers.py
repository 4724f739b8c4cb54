"""The answer passage fit: pairwise, tune halves only, measured on both."""

from __future__ import annotations

import random

import numpy as np

from benchmarks.fit_answers import Search, chosen_holds, fit, run
from benchmarks.logistic import fit_logistic
from search.answering import PASSAGE_FEATURES
from search.splits import REPORT, TUNE


def searches(seed: int = 0) -> list[Search]:
    """Searches whose answering passage has the higher heading share and cosine."""
    rng = random.Random(seed)
    out = []
    for n in range(120):
        rows = []
        for held in (False, True, False):
            base = 1.0 if held else 0.0
            features = {k: rng.gauss(0.5, 0.2) for k in PASSAGE_FEATURES}
            features["heading"] = rng.gauss(base, 0.3)
            features["cosine"] = rng.gauss(-0.05 + 0.04 * base, 0.01)
            rows.append((features, held))
        rng.shuffle(rows)
        out.append(
            Search("a" if n % 2 else "b", f"q{n}", "en", [f for f, _ in rows], [h for _, h in rows])
        )
    return out


def test_the_fit_learns_the_evidence_and_reads_only_the_tune_halves() -> None:
    data = searches()
    weights = fit([s for s in data if s.half == TUNE])
    assert weights["heading"] > 0 and weights["cosine"] > 0
    # a cosine spread of 0.01 still earns its weight: features are standardised
    assert weights["cosine"] * 0.04 > 0.5
    scrambled = [
        Search(s.set, s.id, s.lang, s.features, list(reversed(s.held))) if s.half == REPORT else s
        for s in data
    ]
    result = run(scrambled)
    assert result["weights"] == weights
    measured = result["measured"]
    assert measured["a tune"]["fitted"]["english"] > 0.8
    assert measured["a report"]["fitted"]["english"] < measured["a tune"]["fitted"]["english"]
    assert set(result["one_set_to_another"]) == {
        "fit on a tune → b report",
        "fit on b tune → a report",
    }


def test_without_weights_the_first_passage_is_chosen() -> None:
    search = Search("a", "q1", "en", [{"cosine": 0.0}, {"cosine": 1.0}], [True, False])
    assert chosen_holds(search, None)
    assert not chosen_holds(search, {"cosine": 1.0})
    assert not chosen_holds(Search("a", "q2", "en", [], []), None)


def test_logistic_regression_recovers_a_known_model() -> None:
    rng = np.random.default_rng(1)
    x = rng.normal(size=(4000, 2)) * np.array([1.0, 0.01])
    p = 1 / (1 + np.exp(-(0.5 + 2.0 * x[:, 0] + 100.0 * x[:, 1])))
    y = (rng.random(4000) < p).astype(float)
    bias, weights = fit_logistic(x, y, l2=0.1)
    assert abs(bias - 0.5) < 0.2
    assert abs(weights[0] - 2.0) < 0.3 and abs(weights[1] - 100.0) < 20.0
