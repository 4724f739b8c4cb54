"""The article-vote levers of `benchmarks.routing_votes` replay the router."""

from __future__ import annotations

from collections import Counter

import numpy as np

from benchmarks.routing_levers import Corpus, Record
from benchmarks.routing_votes import Routing, naive_bayes, variants
from search.department_classifier import DepartmentClassifier
from search.routing import Router


def _corpus() -> Corpus:
    rng = np.random.default_rng(7)
    vectors = rng.normal(size=(24, 8)).astype(np.float32)
    vectors[:12, 0] += 3.0
    vectors[12:, 1] += 3.0
    departments = ["hr"] * 12 + ["it"] * 12
    articles = [f"a{i // 2}" for i in range(24)]
    return Corpus(Router({}, "triage", 0.3), vectors, departments, articles, {}, {}, [None] * 24)


def _record(scored: list[tuple[str, float]], vector: np.ndarray, answered: bool) -> Record:
    return Record("set", "q1", "hr", answered, 0.5, scored, ["payslip"], vector, "index")


def test_the_first_variant_routes_as_the_router_with_the_classifier() -> None:
    corpus = _corpus()
    routing = Routing({"index": corpus})
    fitted = DepartmentClassifier.fit(corpus.vectors, corpus.departments)
    router = Router({}, "triage", 0.3, classifier=fitted)
    vector = corpus.vectors[20]
    for scored in ([("hr", 1.0), ("it", 0.95)], [("it", 1.0), ("hr", 0.5)], []):
        record = _record(scored, vector, True)
        expected = router.route(scored, record.words, None, vector).department
        label, first = next(iter(variants(routing, {"index": {}})))
        assert "now" in label and first(record) == expected


def test_votes_by_rank_ignore_the_scores() -> None:
    routing = Routing({"index": _corpus()})
    scored = [("it", 1.0), *[("hr", 0.2)] * 5]
    record = _record(scored, _corpus().vectors[0], True)
    chosen = dict(variants(routing, {"index": {}}))
    # By score the first article outweighs the five far below it; by rank they win.
    assert chosen["classifier as chosen (now)"](record) == "it"
    assert chosen["votes by rank 1 / (1 + rank)"](record) == "hr"


def test_naive_bayes_favours_the_department_that_writes_the_words() -> None:
    counts = {"hr": Counter(payslip=5, leave=3), "it": Counter(laptop=5, vpn=2)}
    shares = naive_bayes(counts, ["Laptop", "VPN"], 1.0, 0.3)
    assert shares["it"] > 0.9 and abs(sum(shares.values()) - 1) < 1e-9
    assert naive_bayes(counts, ["blorf"], 1.0, 0.3) == {}
