"""The title bonus for the query's rarest concept (`search.title_match`)."""

from __future__ import annotations

import dataclasses

import pytest

from kb.results import Query
from kb.settings import Settings
from search.engine import SearchEngine
from search.grouping import ArticleGroup
from search.title_match import TitleBonus, rarest_concept, title_holds
from search.understanding import Concept, QueryPlan
from tests.support import HashingEmbedder


def plan(*concepts: Concept) -> QueryPlan:
    return QueryPlan("q", "en", tuple(c.word for c in concepts), concepts)


def test_the_rarest_concept_weighs_most() -> None:
    virtual, citrix = Concept("virtual", weight=2.0), Concept("citrix", weight=5.0)
    assert rarest_concept(plan(virtual, citrix, Concept("login", weight=3.0))) == citrix
    assert rarest_concept(plan()) is None


@pytest.mark.parametrize(
    ("title", "concept", "held"),
    [
        ("Promotions", Concept("promotion"), True),  # compared as stems
        ("Citrix", Concept("login"), False),
        ("Parental leave", Concept("leave"), True),
        ("Voluntary Leave Transfer Program", Concept("donate", ("leave transfer",)), True),
        ("Leave types", Concept("donate", ("leave transfer",)), False),  # every word of a phrase
        ("Dienstreisen", Concept("travel", translations=("dienstreise",)), False),
        ("Business travel", Concept("dienstreise", translations=("business travel",)), True),
    ],
)
def test_a_title_holds_a_concept_by_any_of_its_terms(
    title: str, concept: Concept, held: bool
) -> None:
    assert title_holds(title, concept, "en") is held


def test_the_first_articles_whose_title_holds_it_gain_the_weight() -> None:
    titles = {"a": ("Leave types", "hr"), "b": ("Citrix", "it"), "c": ("Citrix FAQ", "it")}
    groups = [ArticleGroup("a", 1.0, [1]), ArticleGroup("b", 0.9, [2]), ArticleGroup("c", 0.3, [3])]
    query = plan(Concept("citrix", weight=5.0), Concept("login", weight=2.0))
    rescored = TitleBonus(0.2, top=2).rescore(groups, query, titles, {})
    assert [(g.article_id, g.score) for g in rescored] == [
        ("b", pytest.approx(1.1)),
        ("a", 1.0),
        ("c", 0.3),  # beyond the first two: unchanged
    ]
    assert TitleBonus(0.0).rescore(groups, query, titles, {}) == groups
    assert TitleBonus(0.2).rescore(groups, plan(), titles, {}) == groups


QUERIES = ("sick", "vpn", "annual leave request", "parking")


def test_the_engine_adds_the_bonus_last(
    fixture_index: Settings, hashing_embedder: HashingEmbedder
) -> None:
    plain = dataclasses.replace(fixture_index, title_concept_weight=0.0, secondary_model="")
    on = dataclasses.replace(plain, title_concept_weight=0.5)
    without, with_ = (
        SearchEngine(plain, embedder=hashing_embedder),
        SearchEngine(on, embedder=hashing_embedder),
    )
    gained = 0
    try:
        for text in QUERIES:
            before, _ = without.rank(without.retrieve(Query(text, floor=False)))
            found = with_.retrieve(Query(text, floor=False))
            after, _ = with_.rank(found)
            snapshot = found.prepared.snapshot
            expected = TitleBonus(0.5).rescore(
                before, found.plan, snapshot.titles, snapshot.article_langs
            )
            assert [(g.article_id, g.score) for g in after] == [
                (g.article_id, pytest.approx(g.score)) for g in expected
            ]
            scores = {g.article_id: g.score for g in before}
            gained += sum(g.score > scores[g.article_id] for g in after)
    finally:
        without.close()
        with_.close()
    assert gained  # some title holds a query's rarest concept
