"""Choosing the answer passage, and which articles count as results."""

from __future__ import annotations

from indexer.metadata import Passage
from search.answering import (
    AnswerCandidate,
    answer_candidates,
    choose_answer,
    relevant_results,
)
from search.grouping import ArticleGroup
from search.keyword import KeywordHit
from search.understanding import Concept, QueryPlan

PLAN = QueryPlan(
    "I lost my badge",
    "en",
    ("lost", "badge"),
    (Concept("lost", (), 2.0), Concept("badge", ("access card",), 1.0)),
)


def passage(pid: int, article: str, headings: tuple[str, ...], text: str, title: str) -> Passage:
    return Passage(pid, article, pid, "facilities", "en", title, headings, text, (), ())


def test_passages_of_the_first_articles_compete_by_passage_score_and_coverage() -> None:
    groups = [ArticleGroup("a.md", 1.0, [1, 2]), ArticleGroup("b.md", 0.8, [3])]
    hits = [KeywordHit(1, 5.0, frozenset({1})), KeywordHit(3, 4.0, frozenset({0, 1}))]
    ranked = answer_candidates(groups, {1: 0.9, 2: 0.2, 3: 0.85}, hits, PLAN)
    # b.md's passage covers the whole query, a.md's best only a third of it:
    # the second article's passage answers.
    assert [c.pid for c in ranked] == [3, 1, 2]
    assert ranked[0].coverage == 1.0 and round(ranked[1].coverage, 3) == 0.333
    assert ranked[1].score == 0.9 + ranked[1].coverage


def test_within_the_article_the_section_holding_what_the_title_does_not_wins() -> None:
    title = "Access card"
    passages = {
        1: passage(1, "a.md", ("Forgotten or broken card",), "Reception issues a day pass.", title),
        2: passage(2, "a.md", ("Lost or stolen card",), "Report it to Security.", title),
        3: passage(3, "b.md", ("Lost property",), "Lost and found at reception.", "Reception"),
    }
    candidates = [
        AnswerCandidate(1, "a.md", 1.0, 0.95, 1.0),
        AnswerCandidate(2, "a.md", 1.0, 0.90, 1.0),
        AnswerCandidate(3, "b.md", 0.5, 0.9, 1.0),
    ]
    assert choose_answer(candidates, passages, PLAN).pid == 2
    # Without a section that names the rest of the query, fusion order stands.
    passages[2] = passage(2, "a.md", ("Opening hours",), "Reception is open.", title)
    assert choose_answer(candidates, passages, PLAN).pid == 1


def test_a_query_naming_only_the_article_gets_its_lead() -> None:
    plan = QueryPlan("badge", "en", ("badge",), (Concept("badge", ("access card",), 1.0),))
    lead = passage(9, "a.md", (), "Your access card opens the doors.", "Access card")
    passages = {1: passage(1, "a.md", ("Broken card",), "Reception helps.", "Access card")}
    candidates = [AnswerCandidate(1, "a.md", 1.0, 0.95, 1.0)]
    assert choose_answer(candidates, passages, plan, lambda a: lead).pid == 9
    assert choose_answer(candidates, passages, plan).pid == 1  # no way to read the lead
    # Two concepts: the query asks something about the subject, not the subject.
    assert choose_answer(candidates, passages, PLAN, lambda a: lead).pid == 1


def test_results_above_the_floor_and_none_without_evidence() -> None:
    groups = [ArticleGroup(f"{n}.md", score, [n]) for n, score in enumerate((1.0, 0.6, 0.3))]
    assert len(relevant_results(groups, 0.0)) == 3
    assert [g.article_id for g in relevant_results(groups, 0.5)] == ["0.md", "1.md"]
    assert relevant_results(groups, 0.0, nonsense=True) == []
    assert relevant_results([], 0.5) == []
