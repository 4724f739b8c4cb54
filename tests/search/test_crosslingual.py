"""Cross-language queries: how they are told apart, and their two levers."""

from __future__ import annotations

import numpy as np
import pytest

from kb.errors import ConfigError
from kb.results import Query
from kb.settings import Settings
from search.crosslingual import HEADED, CrossLanguage, is_cross_language
from search.grouping import ArticleGroup
from tests.support import HashingEmbedder


def levers(**overrides: object) -> CrossLanguage:
    return CrossLanguage(Settings.load(overrides, environ={}))


def test_a_query_is_cross_language_when_most_first_articles_are_in_another_language() -> None:
    assert is_cross_language("de", ["en", "en", "de"])
    assert not is_cross_language("de", ["de", "en"])  # a tie keeps the usual ranking
    assert not is_cross_language("en", ["en", "en", "de"])
    assert not is_cross_language("de", ["", ""])  # unknown languages do not vote
    assert not is_cross_language("de", [])


def test_cross_language_queries_get_their_own_vector_weight() -> None:
    cross = levers(fusion_weight=0.5, cross_language_fusion_shift=0.7)  # kept at 1
    assert cross.applies("de", lambda: ["en", "en"])
    assert not cross.applies("en", lambda: ["en", "en"])
    assert cross.fusion is not None
    keyword = [("kw", 9.0), ("both", 6.0), ("x", 1.0)]
    vector = [("vec", 0.9), ("both", 0.8), ("y", 0.1)]
    assert [k for k, _ in cross.fusion.fuse(keyword, vector)][:2] == ["vec", "both"]


def test_titles_that_meet_the_query_move_their_articles_up() -> None:
    cross = levers(cross_language_title_weight=0.3)
    query = np.array([1.0, 0.0], dtype=np.float32)
    titles = {
        "a": np.array([0.0, 1.0], dtype=np.float32),
        "b": np.array([1.0, 0.0], dtype=np.float32),
        "c": np.array([0.6, 0.8], dtype=np.float32),
    }
    fused = [("a", 0.9), ("b", 0.7), ("c", 0.65)]
    rescored = dict(cross.with_titles(fused, titles, query))
    # b's title meets the query best (+0.3), a's least (+0), c's at 0.6 of the span.
    assert rescored == pytest.approx({"b": 1.0, "a": 0.9, "c": 0.83})
    assert [k for k, _ in cross.with_titles(fused, titles, query)] == ["b", "a", "c"]
    # An index whose titles are not all embedded ranks as before.
    assert cross.with_titles([*fused, ("untitled", 0.1)], titles, query) == [
        *fused,
        ("untitled", 0.1),
    ]
    assert cross.with_titles(fused, {}, query) == fused


def test_sections_whose_heading_paths_meet_the_query_move_their_articles_up() -> None:
    cross = levers(cross_language_heading_weight=2.0)
    groups = [
        ArticleGroup("a", 0.9, [1, 2]),
        ArticleGroup("b", 0.8, [3]),
        ArticleGroup("c", 0.55, [4]),  # no heading vector: counts as the best
        ArticleGroup("d", 0.6, [5]),
    ]
    cosines = {1: 0.70, 2: 0.75, 3: 0.85, 5: 0.80}
    rescored = cross.with_headings(groups, cosines)
    # Each gains 2 x (its best section's cosine - the lowest best, a's 0.75).
    assert [(g.article_id, round(g.score, 6)) for g in rescored] == [
        ("b", 1.0),
        ("a", 0.9),
        ("c", 0.75),
        ("d", 0.7),
    ]
    assert rescored[1].pids == [1, 2]
    # Only the first HEADED articles compete; the rest stay behind them as they were.
    many = [ArticleGroup(f"x{i}", 1.0 - i / 100, [i]) for i in range(HEADED + 5)]
    tail = {HEADED + 4: 1.0, **{i: 0.5 for i in range(HEADED)}}
    assert cross.with_headings(many, tail) == many
    # An index without heading vectors, or the weight at 0, ranks as before.
    assert cross.with_headings(groups, {}) == groups
    assert levers(cross_language_heading_weight=0).with_headings(groups, cosines) == groups


def test_the_levers_stay_out_of_the_way_while_they_change_nothing() -> None:
    def asked() -> list[str]:
        raise AssertionError("the articles' languages were read for nothing")

    for overrides in (
        # no shift, no title weight
        {"cross_language_fusion_shift": 0.0, "cross_language_title_weight": 0.0},
        # a shift past the end of the range that fusion_weight is at already
        {"fusion_weight": 1.0, "cross_language_fusion_shift": 0.2},
        # rrf has no weight
        {"fusion": "rrf", "cross_language_fusion_shift": 0.3, "cross_language_title_weight": 0},
    ):
        cross = levers(**overrides, cross_language_heading_weight=0.0)
        assert cross.fusion is None and not cross.active
        assert not cross.applies("de", asked)
    with pytest.raises(ConfigError, match="cross_language_fusion_shift"):
        Settings.load({"cross_language_fusion_shift": 1.5}, environ={})
    with pytest.raises(ConfigError, match="cross_language_title_weight"):
        Settings.load({"cross_language_title_weight": -0.1}, environ={})


def test_the_engine_applies_them_to_cross_language_queries_only(
    fixture_index: Settings, hashing_embedder: HashingEmbedder
) -> None:
    from search.engine import SearchEngine

    def ranking(settings: Settings, text: str) -> list[tuple[str, float]]:
        engine = SearchEngine(settings, embedder=hashing_embedder)
        try:
            response = engine.search(Query(text, k=20, floor=False))
        finally:
            engine.close()
        return [(hit.id, round(hit.score, 6)) for hit in response.results]

    lever = fixture_index.replace(cross_language_fusion_shift=0.5)
    vector_only = fixture_index.replace(fusion_weight=1.0)
    # Most of the fixture's articles are English: a German question is cross-language.
    german = "Wie richte ich das VPN zu Hause ein?"
    assert ranking(lever, german) == ranking(vector_only, german)
    assert ranking(lever, german) != ranking(fixture_index, german)
    english = "how do I set up the VPN at home"
    assert ranking(lever, english) == ranking(fixture_index, english)


@pytest.mark.slow
def test_with_the_real_model_english_questions_never_meet_the_levers(
    sample_index: Settings,
    embedder,  # type: ignore[no-untyped-def]
) -> None:
    """The labelled set over the sample content (English and German articles):
    with a strong shift every English question ranks as by default, and some
    German questions rank otherwise, not all (German articles answer others)."""
    from pathlib import Path

    from search.engine import SearchEngine
    from search.evaluation import load_queries

    labelled = Path(__file__).resolve().parents[2] / "benchmarks" / "labelled"
    queries = load_queries(labelled / "queries.jsonl")
    default = SearchEngine(sample_index, embedder=embedder)
    shifted = SearchEngine(
        sample_index.replace(cross_language_fusion_shift=0.35), embedder=embedder
    )
    try:
        for query in (q for q in queries if q.lang == "en"):
            ask = Query(query.text, k=10, floor=False)
            assert [h.id for h in shifted.search(ask).results] == [
                h.id for h in default.search(ask).results
            ], query.id
        german = [q for q in queries if q.lang == "de"]
        moved = sum(
            [h.id for h in shifted.search(Query(q.text, k=10)).results]
            != [h.id for h in default.search(Query(q.text, k=10)).results]
            for q in german
        )
        assert 0 < moved < len(german)  # German articles answer some of them
    finally:
        default.close()
        shifted.close()


class CountingEmbedder(HashingEmbedder):
    """The hashing stand-in, counting the texts it embeds."""

    def __init__(self) -> None:
        self.texts = 0

    def embed(self, texts, progress=None):  # type: ignore[no-untyped-def]
        self.texts += len(texts)
        return super().embed(texts, progress)

    def embed_query(self, text: str) -> np.ndarray:
        self.texts += 1
        return super().embed_query(text)


def test_the_engine_reorders_cross_language_queries_by_heading_paths_without_a_model_call(
    fixture_index: Settings,
) -> None:
    from search.engine import SearchEngine

    def ranking(settings: Settings, text: str) -> tuple[list[str], int]:
        counting = CountingEmbedder()
        engine = SearchEngine(settings, embedder=counting)
        try:
            response = engine.search(Query(text, k=20, floor=False))
        finally:
            engine.close()
        return [hit.id for hit in response.results], counting.texts

    headed = fixture_index.replace(cross_language_heading_weight=10.0)
    fixture_index = fixture_index.replace(cross_language_heading_weight=0.0)
    # Most of the fixture's articles are English: a German question is cross-language.
    german = "Wie richte ich das VPN zu Hause ein?"
    moved, calls = ranking(headed, german)
    before, calls_before = ranking(fixture_index, german)
    assert moved != before and sorted(moved) == sorted(before)
    assert calls == calls_before  # the heading vectors are read from the index
    english = "how do I set up the VPN at home"
    assert ranking(headed, english) == ranking(fixture_index, english)
