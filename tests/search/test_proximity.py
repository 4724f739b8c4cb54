"""The term proximity bonus (`search.proximity`)."""

from __future__ import annotations

import dataclasses

import pytest

from indexer.metadata import Passage
from kb.results import Query
from kb.settings import Settings
from search.engine import SearchEngine
from search.proximity import _wanted_neighbours, adjacent_share, index_terms, word_pairs
from tests.support import HashingEmbedder


def passage(text: str, title: str = "Benefits", headings: tuple[str, ...] = ()) -> Passage:
    return Passage(1, "hr/a.md", 0, "hr", "en", title, headings, text, (), ())


def test_pairs_are_adjacent_content_words_stemmed() -> None:
    assert word_pairs(["parental", "leave", "policy"], "en") == [
        ("parent", "leav"),
        ("leav", "polici"),
    ]
    assert word_pairs(["leave", "leaves"], "en") == []  # one term twice is no pair
    assert word_pairs(["the", "leave"], "en") == []  # a stop word takes no part


@pytest.mark.parametrize(
    ("text", "share"),
    [
        ("Parental leave lasts twelve weeks.", 1.0),
        ("Leave for parents: twelve weeks.", 1.0),  # either order; "for" has no position
        ("Parents may take twelve weeks of leave.", 0.0),
        ("Nothing about it here.", 0.0),
    ],
)
def test_share_of_adjacent_pairs(text: str, share: float) -> None:
    assert adjacent_share(passage(text), ["parental", "leave"]) == share


def test_half_the_pairs_and_each_field_on_its_own() -> None:
    both = passage("Apply for parental leave under the leave policy.")
    assert adjacent_share(both, ["parental", "leave", "policy"]) == 1.0
    one = passage("Parental leave: ask your manager about the policy.")
    assert adjacent_share(one, ["parental", "leave", "policy"]) == 0.5
    titled = passage("Ask your manager.", title="Jury duty")
    assert adjacent_share(titled, ["jury", "duty"]) == 1.0
    split = passage("Duty rosters are kept by the office.", title="Jury")
    assert adjacent_share(split, ["jury", "duty"]) == 0.0
    assert adjacent_share(passage("Parental leave."), ["leave"]) == 0.0


QUERIES = ("doctor certificate when sick", "vpn client connection", "IT service desk phone")


def test_the_engine_adds_the_bonus_to_the_first_articles(
    fixture_index: Settings, hashing_embedder: HashingEmbedder
) -> None:
    weight = 0.5
    plain = dataclasses.replace(fixture_index, proximity_weight=0.0, secondary_model="")
    gained = 0
    for settings_weight in (0.0, weight):
        settings = dataclasses.replace(plain, proximity_weight=settings_weight)
        engine = SearchEngine(settings, embedder=hashing_embedder)
        try:
            for text in QUERIES:
                found = engine.retrieve(Query(text, floor=False))
                groups, _ = engine.rank(found)
                keyword = [(h.pid, h.score) for h in found.keyword]
                fused, _ = engine.ranker.rank(
                    found.prepared.snapshot,
                    found.plan.lang,
                    (keyword, found.fused_vector or found.vector, found.secondary),
                    found.query_vector,
                )
                words = [c.word for c in found.plan.concepts]
                loaded = found.passages.get(g.best_pid for g in fused)
                expected = {
                    g.article_id: g.score
                    + settings_weight * adjacent_share(loaded[g.best_pid], words)
                    for g in fused
                }
                assert {g.article_id: g.score for g in groups} == pytest.approx(expected)
                assert [g.score for g in groups] == sorted((g.score for g in groups), reverse=True)
                if settings_weight:
                    gained += sum(expected[g.article_id] > g.score for g in fused)
                else:
                    assert [g.article_id for g in groups] == [g.article_id for g in fused]
        finally:
            engine.close()
    assert gained > 0


@pytest.mark.parametrize("lang", ["en", "de", "xx"])
def test_wanted_neighbours_are_the_index_positions_neighbours(lang: str) -> None:
    """The pair finder skips making a pair of every two words; it must find
    exactly the wanted pairs that neighbouring index positions hold."""
    text = (
        "The parental leave policy: parental-leave requests go to HR. Leave, then the "
        "parental form; jury duty and the jury's duty. Elternzeit und Urlaub, der Urlaub."
    )
    terms = index_terms(text, lang)
    for wanted in ({"parent", "leav"}, set(terms[:4]), set(terms), {"jury", "duti"}, set()):
        expected = {
            (a, b) for a, b in zip(terms, terms[1:], strict=False) if a in wanted and b in wanted
        }
        assert _wanted_neighbours(text, lang, wanted) == expected
