"""The evidence levers of `benchmarks.routing_evidence` replay the router."""

from __future__ import annotations

import numpy as np

from benchmarks.routing_evidence import NearestPassages, article_weighted, variants
from benchmarks.routing_levers import Corpus, Record
from benchmarks.routing_votes import Routing
from search.department_classifier import DepartmentClassifier
from search.routing import Router


def _corpus(articles: list[str] | None = None) -> Corpus:
    rng = np.random.default_rng(7)
    vectors = rng.normal(size=(24, 8)).astype(np.float32)
    vectors[:12, 0] += 3.0
    vectors[12:, 1] += 3.0
    departments = ["hr"] * 12 + ["it"] * 12
    names = articles or [f"a{i // 2}" for i in range(24)]
    return Corpus(Router({}, "triage", 0.3), vectors, departments, names, {}, {}, [None] * 24)


def _record(scored: list[tuple[str, float]], vector: np.ndarray, answered: bool) -> Record:
    return Record("set", "q1", "hr", answered, 0.5, scored, ["payslip"], vector, "index")


def test_the_first_variant_routes_as_the_router_with_the_classifier() -> None:
    corpus = _corpus()
    fitted = DepartmentClassifier.fit(corpus.vectors, corpus.departments)
    router = Router({}, "triage", 0.3, classifier=fitted)
    label, first = next(iter(variants(Routing({"index": corpus}), {"index": corpus})))
    vector = corpus.vectors[20]
    for scored in ([("hr", 1.0), ("it", 0.95)], [("it", 1.0), ("hr", 0.5)], []):
        record = _record(scored, vector, True)
        assert "now" in label
        assert first(record) == router.route(scored, record.words, None, vector).department


def test_article_weights_change_nothing_when_every_article_has_one_passage() -> None:
    corpus = _corpus([f"a{i}" for i in range(24)])
    plain = DepartmentClassifier.fit(corpus.vectors, corpus.departments)
    weighted = article_weighted(corpus, 1.0)
    assert plain is not None and weighted is not None
    np.testing.assert_allclose(weighted.weights, plain.weights, rtol=1e-4, atol=1e-5)


def test_a_long_article_pulls_less_once_its_passages_are_weighed_by_article() -> None:
    # One hr article of 11 passages and one it article of one passage, all
    # near the same direction: by passage hr owns that direction, by article less so.
    corpus = _corpus(["long"] * 11 + ["short-hr"] + [f"it{i}" for i in range(12)])
    corpus.vectors[:11] = corpus.vectors[0] + 0.01
    corpus.vectors[12] = corpus.vectors[0]
    plain = DepartmentClassifier.fit(corpus.vectors, corpus.departments)
    weighted = article_weighted(corpus, 1.0)
    assert plain is not None and weighted is not None
    query = corpus.vectors[0]
    assert weighted.shares(query)["hr"] < plain.shares(query)["hr"]


def test_the_nearest_passages_vote_for_their_department() -> None:
    corpus = _corpus()
    shares = NearestPassages(corpus).shares(corpus.vectors[3], 5, 0.03)
    assert max(shares, key=lambda d: shares[d]) == "hr"
    assert abs(sum(shares.values()) - 1) < 1e-9


def test_softer_votes_for_unanswered_questions_leave_answered_ones_alone() -> None:
    corpus = _corpus()
    chosen = dict(variants(Routing({"index": corpus}), {"index": corpus}))
    scored = [("it", 1.0), *[("hr", 0.8)] * 4]
    vector = np.zeros(8, dtype=np.float32)
    vector[2] = 1.0
    now, softer = chosen["classifier as chosen (now)"], chosen["unanswered: sharpness 1.0"]
    assert softer(_record(scored, vector, True)) == now(_record(scored, vector, True)) == "it"
    assert softer(_record(scored, vector, False)) == "hr"
