"""Which article lists the ranker fuses (`search.ranking`)."""

from __future__ import annotations

import dataclasses

import pytest

from kb.results import Query
from kb.settings import Settings
from search.engine import SearchEngine
from search.grouping import best_per_article, with_second_passage
from tests.support import HashingEmbedder

QUERIES = ("how many vacation days do I get", "laptop password reset", "parental leave")


@pytest.mark.parametrize("weight", [0.0, 0.5])
def test_articles_are_fused_with_the_second_passage_weight(
    fixture_index: Settings, hashing_embedder: HashingEmbedder, weight: float
) -> None:
    settings = dataclasses.replace(fixture_index, second_passage_weight=weight, secondary_model="")
    engine = SearchEngine(settings, embedder=hashing_embedder)
    try:
        for text in QUERIES:
            found = engine.retrieve(Query(text, floor=False))
            groups, article_of = engine.rank(found)
            keyword = [(h.pid, h.score) for h in found.keyword]
            vector = found.fused_vector or found.vector
            expected = engine.ranker.fusion.fuse(
                with_second_passage(keyword, article_of, weight),
                with_second_passage(vector, article_of, weight),
            )
            assert [g.article_id for g in groups] == [a for a, _ in expected]
            assert [g.score for g in groups] == pytest.approx([s for _, s in expected])
            if weight == 0.0:
                plain = engine.ranker.fusion.fuse(
                    best_per_article(keyword, article_of), best_per_article(vector, article_of)
                )
                assert [g.article_id for g in groups] == [a for a, _ in plain]
    finally:
        engine.close()


def test_the_second_passage_reaches_the_scores(
    fixture_index: Settings, hashing_embedder: HashingEmbedder
) -> None:
    """Articles with a second candidate passage score differently at weight 1."""
    scores = {}
    for weight in (0.0, 1.0):
        settings = dataclasses.replace(
            fixture_index, second_passage_weight=weight, secondary_model=""
        )
        engine = SearchEngine(settings, embedder=hashing_embedder)
        try:
            groups = engine.rank(engine.retrieve(Query(QUERIES[0], floor=False)))[0]
            scores[weight] = {g.article_id: g.score for g in groups}
        finally:
            engine.close()
    assert scores[0.0].keys() == scores[1.0].keys()
    assert scores[0.0] != pytest.approx(scores[1.0])
