"""The structure levers: the agreement rule, the candidates' flags, the heading re-ranking."""

from __future__ import annotations

from benchmarks.fit_answers import Search
from benchmarks.structure_levers import (
    NINE,
    Labelled,
    Ranked,
    agreed_passages,
    agreement_holds,
    first_per_article,
    heading_order,
    with_flags,
)

WEIGHTS = {"cosine": 1.0}


def features(cosine: float, in_article: float = 0.0) -> dict[str, float]:
    return {k: 0.0 for k in NINE} | {"cosine": cosine, "cosine_in_article": in_article}


def test_first_per_article_keeps_each_articles_first_passage() -> None:
    article_of = {1: "a", 2: "b", 3: "a", 4: "c"}
    assert first_per_article([3, 2, 1, 5, 4], article_of) == {"a": 3, "b": 2, "c": 4}


def test_agreed_passage_needs_both_lists_first_in_its_article() -> None:
    rows = [(1, "a"), (2, "a"), (3, "b")]
    keyword, vector = {"a": 2, "b": 3}, {"a": 2, "b": 9}
    assert agreed_passages(rows, keyword, vector) == {"a": 1}


def test_agreement_rule_replaces_the_best_only_within_its_article() -> None:
    search = Search(
        "s", "q1", "en", [features(0.0), features(-0.1), features(-0.2)], [False, True, False]
    )
    item = Labelled(search, ["a", "a", "b"], {"a": 1})
    assert agreement_holds(item, WEIGHTS)
    other = Labelled(search, ["a", "a", "b"], {"b": 2})
    assert not agreement_holds(other, WEIGHTS)  # the best's article has no agreed passage


def test_flags_read_the_deepest_heading_and_the_best_cosine_of_the_article() -> None:
    top = with_flags(
        features(-0.1, 0.0) | {"section_cosine": -0.2, "heading": 0.5},
        ["Access", "How do I get access?"],
    )
    assert top["top_in_article"] == 1.0 and top["faq"] == 1.0
    assert top["faq_section"] == -0.2 and top["faq_heading"] == 0.5
    plain = with_flags(features(-0.1, -0.01), ["Why it matters"])
    assert plain["top_in_article"] == 0.0 and plain["faq"] == plain["faq_heading"] == 0.0


def test_heading_order_moves_an_article_whose_heading_is_closer() -> None:
    ranked = Ranked("q1", "en", [("a", 1.0, 0.70), ("b", 0.95, 0.90), ("c", 0.5, None)])
    assert heading_order(ranked, 0.0) == ["a", "b", "c"]
    assert heading_order(ranked, 1.0) == ["b", "a", "c"]  # 0.95 against 1.0 - 0.2
