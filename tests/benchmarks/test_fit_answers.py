"""The answer passage fit: pairwise or a conditional logit, tune halves only, measured on both."""

from __future__ import annotations

import dataclasses
import random

import numpy as np
import pytest

from benchmarks.fit_answers import FOLDS, OBJECTIVES, Search, chosen_holds, fit, fold_of, run
from benchmarks.logistic import fit_choice, fit_logistic
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
            Search(
                "a" if n % 2 else "b",
                f"q{n}",
                "en",
                [f for f, _ in rows],
                [h for _, h in rows],
                second=True,
            )
        )
    return out


@pytest.mark.parametrize("objective", OBJECTIVES)
def test_the_fit_learns_the_evidence_and_reads_only_the_tune_halves(objective: str) -> None:
    data = searches()
    weights = fit([s for s in data if s.half == TUNE], objective=objective)
    assert weights["heading"] > 0 and weights["cosine"] > 0
    # a cosine spread of 0.01 still earns its weight: features are standardised
    assert weights["cosine"] * 0.04 > 0.5
    scrambled = [
        dataclasses.replace(s, held=list(reversed(s.held))) if s.half == REPORT else s for s in data
    ]
    result = run(scrambled, objective=objective)
    assert result["weights"] == weights and result["objective"] == objective
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


def test_weights_that_read_the_second_model_score_only_searches_that_have_it() -> None:
    # the first passage wins on the engine's weights without the second model
    # (cosine), the second on the added cosines
    features = [
        {k: 0.0 for k in PASSAGE_FEATURES} | {"cosine": 0.0, "both_cosine": -0.2},
        {k: 0.0 for k in PASSAGE_FEATURES} | {"cosine": -0.1, "both_cosine": 0.0},
    ]
    weights = {"both_cosine": 1.0}
    assert not chosen_holds(Search("a", "q1", "en", features, [True, False], second=True), weights)
    assert chosen_holds(Search("a", "q1", "de", features, [True, False], second=False), weights)


def test_logistic_regression_recovers_a_known_model() -> None:
    rng = np.random.default_rng(1)
    x = rng.normal(size=(4000, 2)) * np.array([1.0, 0.01])
    p = 1 / (1 + np.exp(-(0.5 + 2.0 * x[:, 0] + 100.0 * x[:, 1])))
    y = (rng.random(4000) < p).astype(float)
    bias, weights = fit_logistic(x, y, l2=0.1)
    assert abs(bias - 0.5) < 0.2
    assert abs(weights[0] - 2.0) < 0.3 and abs(weights[1] - 100.0) < 20.0


def test_the_cross_validation_measures_each_tune_search_once() -> None:
    data = searches()
    tune = [s for s in data if s.half == TUNE]
    result = run(data)
    # every English tune search is measured once per split, by weights fitted without it
    measured = result["cross_validated"]
    assert measured["queries"] == len([s for s in tune if s.lang == "en"])
    assert 0.6 < measured["lowest"] <= measured["english"] <= measured["highest"] <= 1.0
    assert {fold_of(s.id) for s in tune} == set(range(FOLDS))
    # the splits differ from one another
    assert [fold_of(s.id, 1) for s in tune] != [fold_of(s.id) for s in tune]


def test_a_conditional_logit_recovers_the_choice_model() -> None:
    rng = np.random.default_rng(2)
    truth = np.array([3.0, -150.0])
    groups = []
    for _ in range(600):
        x = rng.normal(size=(4, 2)) * np.array([1.0, 0.01]) + rng.normal(size=2) * 5
        p = np.exp(x @ truth - (x @ truth).max())
        right = np.zeros(4, dtype=bool)
        right[rng.choice(4, p=p / p.sum())] = True
        groups.append((x, right))
    # a group that is all right or all wrong says nothing and is left out
    groups.append((rng.normal(size=(3, 2)), np.ones(3, dtype=bool)))
    weights = fit_choice(groups, l2=0.1)
    assert abs(weights[0] - 3.0) < 0.6 and abs(weights[1] + 150.0) < 40.0
    with pytest.raises(ValueError, match="both a right and a wrong"):
        fit_choice([(np.zeros((2, 2)), np.zeros(2, dtype=bool))])
