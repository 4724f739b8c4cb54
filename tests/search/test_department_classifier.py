"""The department classifier fitted on passage vectors, and its place in routing."""

from __future__ import annotations

import numpy as np
import pytest

from kb.records import Department
from search.department_classifier import DepartmentClassifier, classifier_of
from search.routing import Router

# Three departments whose passages share one large common direction (as the
# model's vectors do) and differ in one small direction each.
COMMON = np.array([5.0, 0, 0, 0, 0, 0])
DIRECTIONS = {"facilities": 1, "hr": 2, "it": 3}


def passages(rng: np.random.Generator) -> tuple[np.ndarray, list[str]]:
    rows, labels = [], []
    for department, axis in DIRECTIONS.items():
        for _ in range(20):
            v = COMMON + rng.normal(0, 0.2, 6)
            v[axis] += 1.0
            rows.append(v)
            labels.append(department)
    return np.array(rows, dtype=np.float32), labels


def towards(axis: int, strength: float = 1.0) -> np.ndarray:
    v = COMMON.copy()
    v[axis] += strength
    return v.astype(np.float32)


@pytest.fixture
def classifier() -> DepartmentClassifier:
    fitted = DepartmentClassifier.fit(*passages(np.random.default_rng(7)))
    assert fitted is not None
    return fitted


def test_shares_follow_the_department_the_query_resembles(
    classifier: DepartmentClassifier,
) -> None:
    for department, axis in DIRECTIONS.items():
        shares = classifier.shares(towards(axis))
        assert max(shares, key=shares.__getitem__) == department
        assert shares[department] > 0.9
        assert sum(shares.values()) == pytest.approx(1.0)


def test_fitting_leaves_the_callers_vectors_alone() -> None:
    vectors, labels = passages(np.random.default_rng(3))
    before = vectors.copy()
    assert DepartmentClassifier.fit(vectors, labels) is not None
    np.testing.assert_array_equal(vectors, before)


def test_nothing_to_tell_apart_with_one_department() -> None:
    vectors = np.ones((3, 4), dtype=np.float32)
    assert DepartmentClassifier.fit(vectors, ["hr", "hr", "hr"]) is None


def test_bad_input_is_refused_with_the_counts() -> None:
    with pytest.raises(ValueError, match="3 vectors but 2 departments"):
        DepartmentClassifier.fit(np.ones((3, 4), dtype=np.float32), ["hr", "it"])
    with pytest.raises(ValueError, match="temperature must be positive"):
        DepartmentClassifier(("hr", "it"), np.zeros(4), np.zeros((4, 2)), temperature=0)


DEPARTMENTS = {slug: Department(slug, slug.upper()) for slug in DIRECTIONS}


def test_classifier_tips_a_near_miss_towards_the_department_it_resembles(
    classifier: DepartmentClassifier,
) -> None:
    # The best article is Facilities', an HR article is close behind; the
    # question itself reads like HR's content.
    scored = [("facilities", 1.0), ("hr", 0.95), ("hr", 0.9), ("it", 0.7)]
    plain = Router(DEPARTMENTS, "triage", 0.35)
    assert plain.route(scored, [], query_vector=towards(2)).department == "facilities"
    blended = Router(DEPARTMENTS, "triage", 0.35, classifier=classifier)
    route = blended.route(scored, [], query_vector=towards(2))
    assert route.department == "hr"
    assert sum(route.votes.values()) == pytest.approx(1.0)


def test_a_clear_winner_among_the_articles_keeps_its_route(
    classifier: DepartmentClassifier,
) -> None:
    router = Router(DEPARTMENTS, "triage", 0.35, classifier=classifier)
    scored = [("it", 1.0), ("it", 0.97), ("it", 0.95)]
    assert router.route(scored, [], query_vector=towards(2)).department == "it"


def test_no_articles_still_means_triage(classifier: DepartmentClassifier) -> None:
    router = Router(DEPARTMENTS, "triage", 0.35, classifier=classifier)
    route = router.route([], ["asdkjh"], query_vector=towards(2))
    assert (route.department, route.confidence) == ("triage", 0.0)


def test_weight_zero_turns_the_classifier_off(classifier: DepartmentClassifier) -> None:
    router = Router(DEPARTMENTS, "triage", 0.35, classifier=classifier, classifier_share=0)
    scored = [("facilities", 1.0), ("hr", 0.95), ("hr", 0.9)]
    assert router.route(scored, [], query_vector=towards(2)).department == "facilities"


def test_only_passages_everyone_may_read_are_fitted(fixture_engine) -> None:  # type: ignore[no-untyped-def]
    prepared = fixture_engine.prepared()
    snapshot = prepared.snapshot
    hidden = [p for p, o in snapshot.owners.items() if "everyone" not in o.audience]
    assert hidden  # the HR-only payroll runbook
    fitted = classifier_of(snapshot, hidden)
    assert fitted is not None and fitted.departments == ("hr", "it")
    visible = sorted(p for p in snapshot.owners if p not in hidden)
    stored = snapshot.vectors.vectors(visible)
    expected = DepartmentClassifier.fit(
        np.stack([stored[p] for p in visible]), [snapshot.owners[p].department for p in visible]
    )
    assert expected is not None
    np.testing.assert_allclose(fitted.weights, expected.weights, rtol=1e-5)
    with_hidden = classifier_of(snapshot, [])
    assert with_hidden is not None
    assert not np.allclose(with_hidden.weights, fitted.weights)
    assert prepared.router.classifier is not None
    it_only = [p for p, o in snapshot.owners.items() if o.department != "it"]
    assert classifier_of(snapshot, it_only) is None  # one department left: nothing to fit
