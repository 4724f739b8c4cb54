"""Sentence-level evidence, measured offline: the features it derives and its vector cache."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from benchmarks.sentence_evidence import (
    DIM,
    MODEL,
    Raw,
    answer_search,
    best_sentences,
    confidence_sample,
    embedded_texts,
    pair_auc,
    sentence_hash,
    sentence_vectors,
)
from indexer.embedding.cache import EmbeddingCache
from search.answering import FITTED_PASSAGE_WEIGHTS
from search.evaluation import auc


def unit(*values: float) -> np.ndarray:
    v = np.zeros(DIM, dtype=np.float32)
    v[: len(values)] = values
    return v / np.linalg.norm(v)


def raw() -> Raw:
    """Two articles' candidates; the second passage of article a states the detail."""
    features = [dict.fromkeys(FITTED_PASSAGE_WEIGHTS, 0.0) for _ in range(3)]
    features[0]["cosine"] = 1.0  # the fitted weights choose the first passage
    return Raw(
        set="s",
        id="q1",
        lang="en",
        kind="answerable",
        confidence={"coverage": 0.5},
        vector=[float(x) for x in unit(1.0)],
        articles=["a", "a", "b"],
        features=features,
        held=[False, True, False],
        cosines=[0.80, 0.78, 0.75],
        sentences=[["Intro.", "Overview."], ["The match is 5 percent."], ["Other."]],
        labelled=True,
        paths=["A", "A > Match", "B"],
    )


def vectors_for(texts: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    return {sentence_hash(t): v for t, v in texts.items()}


def test_features_are_each_passages_best_sentence_against_the_best_and_its_own_cosine() -> None:
    r = raw()
    vectors = vectors_for(
        {
            "Intro.": unit(0.6, 0.8),
            "Overview.": unit(0.5, 0.5),
            "The match is 5 percent.": unit(0.9, 0.1),
            "Other.": unit(0.0, 1.0),
        }
    )
    best = best_sentences(r, vectors, context=False)
    assert best[0] == pytest.approx(float(unit(0.5, 0.5)[0]))  # the better of two sentences
    search = answer_search(r, best)
    assert search.features[1]["sentence"] == pytest.approx(0.0)
    assert search.features[0]["sentence"] < 0 and search.features[2]["sentence"] < 0
    assert search.features[2]["sentence_in_article"] == pytest.approx(0.0)
    assert search.features[1]["sentence_margin"] == pytest.approx(best[1] - 0.78)
    sample = confidence_sample(r, best)
    assert sample.answerable and sample.features["coverage"] == 0.5
    assert sample.features["sentence_top"] == pytest.approx(best[1])
    assert sample.features["sentence_article"] == pytest.approx(best[1])
    assert sample.features["sentence_answer"] == pytest.approx(best[0])
    assert sample.features["sentence_lift"] == pytest.approx(best[1] - 0.80)


def test_with_context_each_sentence_follows_its_heading_path() -> None:
    r = raw()
    assert embedded_texts(r, context=False) == r.sentences
    assert embedded_texts(r, context=True)[1] == ["A > Match\nThe match is 5 percent."]


def test_cached_sentences_are_not_embedded_again(tmp_path: Path) -> None:
    r = raw()
    path = tmp_path / "sentences.db"
    cache = EmbeddingCache(path, MODEL, DIM)
    texts = [t for ss in embedded_texts(r, context=True) for t in ss]
    cache.put_many({sentence_hash(t): unit(1.0, i) for i, t in enumerate(texts)})
    cache.close()
    # every vector comes from the cache: no model is loaded
    vectors = sentence_vectors([r], path, context=True)
    assert len(vectors) == len(texts)
    best = best_sentences(r, vectors, context=True)
    assert best[0] == pytest.approx(float(unit(1.0, 0.0)[0]))


def test_the_bootstraps_auc_is_the_evaluations() -> None:
    rng = np.random.default_rng(1)
    pos, neg = rng.random(30).round(1), rng.random(12).round(1)
    assert pair_auc(pos, neg) == pytest.approx(auc(list(pos), list(neg)))
