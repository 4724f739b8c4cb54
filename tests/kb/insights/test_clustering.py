"""Topic clustering on small vector fixtures (no model needed)."""

from __future__ import annotations

import numpy as np
import pytest

from kb.insights.clustering import (
    LanguageMeans,
    assign,
    average_linkage,
    centroids_of,
    cluster_vectors,
    leader_groups,
    unit_rows,
    vector_languages,
)


def _topics(rng: np.random.Generator, topics: int, per: int, noise: float) -> np.ndarray:
    centres = unit_rows(rng.normal(size=(topics, 64)).astype(np.float32))
    rows = np.repeat(centres, per, axis=0)
    return unit_rows(rows + noise * unit_rows(rng.normal(size=rows.shape).astype(np.float32)))


def test_questions_about_one_thing_share_a_topic_and_others_do_not() -> None:
    vectors = _topics(np.random.default_rng(1), topics=5, per=8, noise=1.0)
    labels = cluster_vectors(vectors, threshold=0.2)
    truth = np.repeat(np.arange(5), 8)
    for topic in range(5):
        assert len(set(labels[truth == topic])) == 1, f"topic {topic} was split: {labels}"
    assert len(set(labels)) == 5


def test_topics_are_numbered_by_weight_largest_first() -> None:
    vectors = _topics(np.random.default_rng(2), topics=3, per=4, noise=0.5)
    weights = np.ones(12)
    weights[8:] = 10.0  # the third topic is asked most
    labels = cluster_vectors(vectors, weights, threshold=0.2)
    assert set(labels[8:]) == {0}


def test_average_linkage_matches_the_closest_pair_order_on_a_known_case() -> None:
    # a and b are close; c is close to neither; with sizes, the average decides.
    sums = unit_rows(np.array([[1.0, 0.0], [0.9, 0.1], [0.0, 1.0]], dtype=np.float32))
    labels = average_linkage(sums, np.ones(3), threshold=0.5)
    assert labels[0] == labels[1] != labels[2]
    assert len(set(average_linkage(sums, np.ones(3), threshold=-1.0))) == 1


def test_leader_groups_and_the_large_path_agree_with_exact_linkage() -> None:
    vectors = _topics(np.random.default_rng(3), topics=6, per=30, noise=1.0)
    groups, sums, sizes = leader_groups(vectors, 0.2)
    assert sizes.sum() == len(vectors)
    assert np.allclose(sums.sum(axis=0), vectors.sum(axis=0), atol=1e-3)
    exact = cluster_vectors(vectors, threshold=0.2)
    truth = np.repeat(np.arange(6), 30)
    linked = average_linkage(sums, sizes, 0.2)[groups]
    for labels in (exact, linked):
        for topic in range(6):
            assert len(set(labels[truth == topic])) == 1


def test_language_centering_brings_two_languages_of_one_topic_together() -> None:
    rng = np.random.default_rng(4)
    topics = unit_rows(rng.normal(size=(4, 32)).astype(np.float32))
    german = unit_rows(rng.normal(size=(1, 32)).astype(np.float32))[0] * 1.5
    en = unit_rows(topics + 0.1 * rng.normal(size=topics.shape).astype(np.float32))
    de = unit_rows(topics + german + 0.1 * rng.normal(size=topics.shape).astype(np.float32))
    vectors = np.concatenate([en, de])
    langs = ["en"] * 4 + ["de"] * 4
    raw = cluster_vectors(vectors, threshold=0.5)
    assert set(raw[:4]).isdisjoint(raw[4:]), "the language direction separates them"
    centred = LanguageMeans.fit(vectors, langs).center(vectors, langs)
    labels = cluster_vectors(centred, threshold=0.5)
    assert all(labels[i] == labels[i + 4] for i in range(4))
    assert len(set(labels)) == 4


def test_a_prior_keeps_a_one_topic_log_from_centring_its_topic_away() -> None:
    rng = np.random.default_rng(5)
    topic = unit_rows(rng.normal(size=(1, 16)).astype(np.float32))[0]
    vectors = unit_rows(topic + 0.1 * rng.normal(size=(6, 16)).astype(np.float32))
    langs = ["en"] * 6
    alone = LanguageMeans.fit(vectors, langs).center(vectors, langs)
    prior = {"en": np.zeros(16, dtype=np.float32)}
    kept = LanguageMeans.fit(vectors, langs, prior, prior_weight=50).center(vectors, langs)
    assert (kept @ kept.T).min() > 0.5
    assert (alone @ alone.T)[np.triu_indices(6, 1)].mean() < 0.2


def test_language_means_refuse_mismatched_input() -> None:
    with pytest.raises(ValueError, match="3 vectors but 2 languages"):
        LanguageMeans.fit(np.zeros((3, 4), dtype=np.float32), ["en", "de"])


def test_assign_gives_minus_one_below_the_threshold() -> None:
    centroids = np.eye(3, dtype=np.float32)
    rows = unit_rows(np.array([[1, 0.1, 0], [0, 0, 1], [1, 1, 1]], dtype=np.float32))
    assert assign(rows, centroids, 0.9).tolist() == [0, 2, -1]
    assert assign(rows[:0], centroids, 0.9).tolist() == []
    labels = np.array([0, 0, 1])
    assert np.allclose(np.linalg.norm(centroids_of(rows, labels, 2), axis=1), 1.0)


def test_empty_and_single_inputs() -> None:
    assert cluster_vectors(np.zeros((0, 4), dtype=np.float32)).tolist() == []
    assert cluster_vectors(np.eye(1, 4, dtype=np.float32)).tolist() == [0]


def test_a_question_s_language_is_read_from_its_vector() -> None:
    """The language a vector leans towards among the prior's, whatever the
    label the detector gave; the labels stay where the prior knows one language."""
    en, de = np.array([1.0, 0.0, 0.2]), np.array([0.0, 1.0, 0.2])
    rows = unit_rows(np.array([[0.1, 0.9, 0.5], [0.8, 0.3, 0.5]], dtype=np.float32))
    prior = {"en": en, "de": de}
    assert vector_languages(rows, ["en", "en"], prior) == ["de", "en"]
    assert vector_languages(rows, ["en", ""], {"en": en}) == ["en", ""]
    assert vector_languages(rows[:0], [], prior) == []
