"""Grouping passages into articles."""

from __future__ import annotations

import pytest

from search.grouping import (
    article_ranks,
    attach_passages,
    best_per_article,
    group_by_article,
    with_second_passage,
)

ARTICLE_OF = {1: "hr/a.md", 2: "hr/a.md", 3: "it/b.md", 4: "it/c.md"}


def test_group_by_article_keeps_best_passage_first() -> None:
    groups = group_by_article([(2, 0.9), (3, 0.8), (1, 0.5), (9, 0.4)], ARTICLE_OF)
    assert [(g.article_id, g.score, g.pids) for g in groups] == [
        ("hr/a.md", 0.9, [2, 1]),
        ("it/b.md", 0.8, [3]),
    ]
    assert groups[0].best_pid == 2


def test_best_per_article_and_ranks() -> None:
    ranked = [(3, 5.0), (1, 4.0), (2, 3.0), (4, 1.0)]
    assert best_per_article(ranked, ARTICLE_OF) == [
        ("it/b.md", 5.0),
        ("hr/a.md", 4.0),
        ("it/c.md", 1.0),
    ]
    assert article_ranks(ranked, ARTICLE_OF) == {"it/b.md": 1, "hr/a.md": 2, "it/c.md": 3}


def test_attach_passages_follows_article_order() -> None:
    groups = attach_passages(
        [("it/b.md", 0.7), ("hr/a.md", 0.6), ("gone.md", 0.5)],
        [(1, 0.9), (3, 0.8), (2, 0.1)],
        ARTICLE_OF,
    )
    assert [(g.article_id, g.pids) for g in groups] == [("it/b.md", [3]), ("hr/a.md", [1, 2])]


def test_second_passage_weight_zero_is_best_per_article() -> None:
    ranked = [(3, 5.0), (1, 4.0), (2, 3.0), (4, 1.0)]
    assert with_second_passage(ranked, ARTICLE_OF, 0.0) == best_per_article(ranked, ARTICLE_OF)


def test_second_passage_lifts_an_article_with_two_good_passages() -> None:
    # min-max over passages: 3 → 1.0, 1 → 0.9, 2 → 0.8, 4 → 0.0 (scores 11, 10, 9, 1).
    ranked = [(3, 11.0), (1, 10.0), (2, 9.0), (4, 1.0)]
    assert [a for a, _ in best_per_article(ranked, ARTICLE_OF)][:2] == ["it/b.md", "hr/a.md"]
    lifted = with_second_passage(ranked, ARTICLE_OF, 0.2)
    assert [a for a, _ in lifted] == ["hr/a.md", "it/b.md", "it/c.md"]
    assert lifted[0][1] == pytest.approx(0.9 + 0.2 * 0.8)
    assert lifted[1][1] == pytest.approx(1.0)


def test_second_passage_counts_only_the_second() -> None:
    article_of = {1: "a", 2: "a", 3: "a", 4: "b"}
    ranked = [(4, 1.0), (1, 0.9), (2, 0.5), (3, 0.5), (9, 0.0)]
    scores = dict(with_second_passage(ranked, article_of, 1.0))
    assert scores["a"] == pytest.approx(0.9 + 0.5)  # the third passage adds nothing
    assert scores["b"] == pytest.approx(1.0)
