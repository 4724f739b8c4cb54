"""Query vectors are embedded once per process, and the cache stays bounded."""

from __future__ import annotations

import numpy as np
import pytest

from kb.results import Query
from kb.settings import Settings
from search.engine import SearchEngine
from search.query_cache import PIECES_PER_WORD, QueryVectorCache, TermVectors, vector_text
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


def test_the_models_read_a_long_querys_first_words_and_the_keyword_side_all(
    fixture_index: Settings,
) -> None:
    """A pasted paragraph cost the embedding models time for every word (their
    time grows with the query's length); they read its first
    `query_vector_words` words, the keyword retriever still reads all."""
    filler = " ".join(f"word{n}" for n in range(70))
    long = f"{filler} annual leave"  # the last words are past the first 64
    embedder = CountingEmbedder()
    engine = SearchEngine(fixture_index.replace(query_cache_size=0), embedder=embedder)
    try:
        capped = engine.search(Query(long))
        whole = SearchEngine(
            fixture_index.replace(query_cache_size=0, query_vector_words=0),
            embedder=CountingEmbedder(),
        )
        try:
            uncapped = whole.search(Query(long))
            read = whole.embedder.calls  # type: ignore[attr-defined]
        finally:
            whole.close()
    finally:
        engine.close()
    typed = [t for t in embedder.calls if t.startswith("word0 ")]
    assert typed == [" ".join(filler.split()[:64])]
    assert [t for t in read if t.startswith("word0 ")] == [long]
    # "annual leave", past the models' words, still finds its article by keyword
    assert capped.results and capped.results[0].id == "hr/annual-leave.md"
    assert uncapped.results[0].id == "hr/annual-leave.md"


def test_vector_text_keeps_a_short_query_as_typed() -> None:
    assert vector_text("  how  much leave ", 64) == "  how  much leave "
    assert vector_text("a b c d", 2) == "a b"
    assert vector_text("a b c d", 0) == "a b c d"


def test_a_run_of_symbols_is_read_only_as_far_as_words_would_be() -> None:
    """500 quotes or emoji are one "word" but about 500 tokens: the models
    read at most PIECES_PER_WORD pieces a word of them, while an honest long
    question, English or German, is read word for word up to the word cap."""
    for hostile in ('"' * 500, "x[" * 250, "\N{GRINNING FACE}" * 500):
        read = vector_text(hostile, 64)
        assert hostile.startswith(read)
        assert len(read) == PIECES_PER_WORD * 64
    english = " ".join(["Could", "you", "tell", "me", "how", "reimbursement", "works?"] * 10)
    german = " ".join(
        ["Wie", "funktioniert", "die", "Arbeitszeiterfassung", "bei", "Dienstreisen?"] * 11
    )
    for honest in (english, german):
        assert vector_text(honest, 64) == " ".join(honest.split()[:64])
    assert vector_text('"' * 500, 0) == '"' * 500
