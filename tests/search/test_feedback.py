"""Vector pseudo-relevance feedback (search.feedback), on tiny hand-made vectors."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from indexer.vector_index import create_vector_index
from kb.results import Query
from kb.settings import Settings
from search.engine import SearchEngine
from search.feedback import VectorFeedback, moved_towards
from search.readable import ReadableSelector
from search.vector import VectorRetriever
from tests.support import HashingEmbedder


def unit(*values: float) -> np.ndarray:
    v = np.array(values, dtype=np.float32)
    return v / np.linalg.norm(v)


QUERY = unit(1, 0, 0)
# Five passages close to the query, all leaning towards the second axis; X is
# nearer the query than Y but leans the other way.
CLUSTER = [unit(1, 0.6, 0.01 * i) for i in range(5)]
X, Y = unit(1, 0, 0.75), unit(1, 0.9, 0)
IDS = {"x": 10, "y": 11}


@pytest.fixture()
def retriever() -> VectorRetriever:
    vectors = np.stack([*CLUSTER, X, Y])
    index = create_vector_index(3, threshold=1000)
    index.add(np.array([0, 1, 2, 3, 4, IDS["x"], IDS["y"]]), vectors)
    return VectorRetriever(index)


def order(hits: list[tuple[int, float]]) -> list[int]:
    return [pid for pid, _ in hits]


def test_the_moved_query_is_a_unit_vector_between_query_and_feedback() -> None:
    moved = moved_towards(QUERY, CLUSTER, 0.5)
    assert float(np.linalg.norm(moved)) == pytest.approx(1.0, abs=1e-6)
    centroid = np.mean(np.stack(CLUSTER), axis=0)
    assert float(moved @ QUERY) < 1.0
    assert float(moved @ centroid) > float(QUERY @ centroid)
    assert moved_towards(QUERY, [], 0.5) is QUERY
    assert moved_towards(QUERY, CLUSTER, 0.0) is QUERY


def test_feedback_pulls_a_passage_like_the_first_hits_ahead(retriever: VectorRetriever) -> None:
    hits = retriever.search(QUERY, 7)
    assert order(hits)[:5] == [0, 1, 2, 3, 4]
    assert order(hits).index(IDS["x"]) < order(hits).index(IDS["y"])
    moved = VectorFeedback(1.0, 5).search(retriever, QUERY, hits, 7)
    assert order(moved).index(IDS["y"]) < order(moved).index(IDS["x"])


def test_feedback_reads_only_the_first_passages(retriever: VectorRetriever) -> None:
    hits = retriever.search(QUERY, 7)
    # Fed back from X alone, the query leans X's way, not the cluster's.
    from_x = [(IDS["x"], 0.8), *hits]
    moved = VectorFeedback(1.0, 1).search(retriever, QUERY, from_x, 7)
    assert order(moved)[0] == IDS["x"]


def test_feedback_off_or_without_hits_returns_the_first_list(retriever: VectorRetriever) -> None:
    hits = retriever.search(QUERY, 7)
    assert VectorFeedback(0.0, 5).search(retriever, QUERY, hits, 7) is hits
    assert VectorFeedback(0.5, 5).search(retriever, QUERY, [], 7) == []


def test_feedback_search_keeps_the_filter(retriever: VectorRetriever) -> None:
    hits = retriever.search(QUERY, 7)
    kept = np.array([0, 1, 2, 3, 4, IDS["x"]])
    no_y = ReadableSelector.of("no y", kept, IDS["y"] + 1)
    moved = VectorFeedback(1.0, 5).search(retriever, QUERY, hits, 7, no_y)
    assert IDS["y"] not in order(moved) and IDS["x"] in order(moved)


def test_bad_parameters_are_refused() -> None:
    with pytest.raises(ValueError, match="weight"):
        VectorFeedback(-0.1, 5)
    with pytest.raises(ValueError, match="passages"):
        VectorFeedback(0.1, 0)


def test_engine_fuses_the_feedback_list_and_keeps_the_typed_cosines(
    fixture_index: Settings, hashing_embedder: HashingEmbedder
) -> None:
    on = SearchEngine(
        dataclasses.replace(fixture_index, vector_feedback_weight=1.0), embedder=hashing_embedder
    )
    off = SearchEngine(
        dataclasses.replace(fixture_index, vector_feedback_weight=0.0), embedder=hashing_embedder
    )
    try:
        query = Query("how many vacation days do I get")
        with_feedback, without = on.retrieve(query), off.retrieve(query)
        # The typed query's own list (read by the confidence) is the same either way.
        assert with_feedback.vector == without.vector
        assert without.fused_vector == without.vector
        assert with_feedback.fused_vector != with_feedback.vector
        assert on.search(query).results
        # Fusion reads the feedback list, not the typed query's.
        without.keyword = []
        last = without.vector[-1][0]
        without.fused_vector = [(last, 1.0), *((p, 0.5) for p, _ in without.vector[:-1])]
        groups, article_of = off.rank(without)
        assert article_of[last] != article_of[without.vector[0][0]]
        assert groups[0].article_id == article_of[last]
    finally:
        on.close()
        off.close()
