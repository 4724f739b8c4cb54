"""Query vectors are embedded once per process, and the cache stays bounded."""

from __future__ import annotations

import numpy as np
import pytest

from kb.results import Query
from kb.settings import Settings
from search.engine import SearchEngine
from search.query_cache import QueryVectorCache, TermVectors
from tests.support import HashingEmbedder


class CountingEmbedder(HashingEmbedder):
    def __init__(self) -> None:
        self.calls: list[str] = []

    def embed_query(self, text: str) -> np.ndarray:
        self.calls.append(text)
        return super().embed_query(text)


def test_cache_returns_the_same_vector_and_drops_the_least_recently_used() -> None:
    cache = QueryVectorCache(2)
    embedded: list[str] = []

    def embed(text: str) -> np.ndarray:
        embedded.append(text)
        return np.full(3, float(len(embedded)), dtype=np.float32)

    first = cache.get("a", embed)
    assert cache.get("a", embed) is first
    cache.get("b", embed)
    cache.get("a", embed)  # "a" is now the most recently used
    cache.get("c", embed)  # so "b" goes
    assert len(cache) == 2
    cache.get("a", embed)
    cache.get("b", embed)
    assert embedded == ["a", "b", "c", "b"]
    assert (cache.hits, cache.misses) == (3, 4)
    with pytest.raises(ValueError):
        first[0] = 9.0  # shared between searches, so read-only


def test_size_zero_caches_nothing() -> None:
    cache = QueryVectorCache(0)
    calls: list[str] = []
    for _ in range(3):
        cache.get("a", lambda t: calls.append(t) or np.zeros(2, dtype=np.float32))
    assert calls == ["a", "a", "a"] and len(cache) == 0


# "annual leave" brings three glossary terms (vacation, PTO, Urlaub): each is
# embedded once per process, whatever the query cache's size.
@pytest.mark.parametrize(("size", "expected_calls"), [(1024, 2 + 3), (0, 4 + 3)])
def test_engine_embeds_a_repeated_query_once(
    fixture_index: Settings, size: int, expected_calls: int
) -> None:
    embedder = CountingEmbedder()
    engine = SearchEngine(fixture_index.replace(query_cache_size=size), embedder=embedder)
    try:
        first = engine.search(Query("annual leave"))
        engine.search(Query("vpn client"))
        again = engine.search(Query("annual leave"))
        engine.search(Query("annual leave", department="hr"))
    finally:
        engine.close()
    assert len(embedder.calls) == expected_calls
    assert [h.id for h in again.results] == [h.id for h in first.results]
    assert again.confidence == first.confidence


def test_term_vectors_are_embedded_once_and_averaged() -> None:
    terms = TermVectors()
    calls: list[str] = []

    def embed(text: str) -> np.ndarray:
        calls.append(text)
        return np.array([1.0, 0.0] if text == "a" else [0.0, 1.0], dtype=np.float32)

    assert terms.mean(["a", "b"], embed).tolist() == [0.5, 0.5]
    assert terms.mean(["b"], embed).tolist() == [0.0, 1.0]
    assert calls == ["a", "b"] and len(terms) == 2


def test_the_typed_query_is_embedded_apart_from_its_glossary_terms(
    fixture_index: Settings,
) -> None:
    embedder = CountingEmbedder()
    engine = SearchEngine(fixture_index, embedder=embedder)
    try:
        response = engine.search(Query("annual leave"))
        engine.search(Query("how much annual leave"))
        plan = engine.retrieve(Query("annual leave")).plan
        vector = engine.query_vector(plan)
    finally:
        engine.close()
    assert set(response.expanded_terms) >= {"vacation", "PTO", "Urlaub"}
    # every text the model read is the typed query or one glossary term
    assert embedder.calls.count("vacation") == 1
    assert "annual leave" in embedder.calls and "how much annual leave" in embedder.calls
    assert not any("(" in text for text in embedder.calls)
    typed = embedder.embed_query("annual leave")
    expected = typed + np.mean([embedder.embed_query(t) for t in plan.extra_terms], axis=0)
    np.testing.assert_allclose(vector, expected / np.linalg.norm(expected), rtol=1e-5)
