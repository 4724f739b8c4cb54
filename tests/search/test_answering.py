"""Choosing the answer passage, and which articles count as results."""

from __future__ import annotations

from indexer.metadata import Passage
from search.answering import (
    FITTED_PASSAGE_WEIGHTS,
    FITTED_SECOND_MODEL_WEIGHTS,
    AnswerCandidate,
    answer_candidates,
    candidate_pids,
    choose_answer,
    relevant_results,
)
from search.grouping import ArticleGroup
from search.understanding import Concept, QueryPlan

PLAN = QueryPlan(
    "I lost my badge",
    "en",
    ("lost", "badge"),
    (Concept("lost", (), 2.0), Concept("badge", ("access card",), 1.0)),
)


def passage(pid: int, article: str, headings: tuple[str, ...], text: str, title: str) -> Passage:
    return Passage(pid, article, pid, "facilities", "en", title, headings, text, (), ())


def test_the_section_naming_what_the_title_does_not_wins() -> None:
    title = "Access card"
    passages = {
        1: passage(1, "a.md", ("Forgotten or broken card",), "Reception issues a day pass.", title),
        2: passage(2, "a.md", ("Lost or stolen card",), "Report it to Security.", title),
        3: passage(3, "b.md", ("Lost property",), "Lost and found at reception.", "Reception"),
    }
    groups = [ArticleGroup("a.md", 1.0, [1, 2]), ArticleGroup("b.md", 0.6, [3])]
    cosines = {1: 0.86, 2: 0.86, 3: 0.86}
    ranked = answer_candidates(groups, passages, cosines, PLAN)
    assert ranked[0].pid == 2
    features = {c.pid: c.features for c in ranked}
    assert features[2]["heading"] == 1.0 and features[1]["heading"] == 0.0
    # "badge" counts through its glossary term "access card" (in the title)
    assert features[1]["coverage"] == 1 / 3 and features[2]["coverage"] == 1.0
    assert features[2]["coverage"] == ranked[0].coverage
    assert features[3]["article"] == 0.6 and features[3]["coverage"] == 2 / 3


def test_cosines_and_the_article_score_weigh_in() -> None:
    passages = {
        1: passage(1, "a.md", ("Opening hours",), "Reception is open from eight.", "Reception"),
        2: passage(2, "a.md", ("Parking",), "Visitors park in the yard.", "Reception"),
    }
    groups = [ArticleGroup("a.md", 1.0, [1, 2])]
    plan = QueryPlan("x", "en", ("x",), (Concept("x", (), 1.0),))
    ranked = answer_candidates(groups, passages, {1: 0.80, 2: 0.85}, plan)
    assert [c.pid for c in ranked] == [2, 1]
    assert ranked[1].features["cosine"] == ranked[1].features["cosine_in_article"]
    assert round(ranked[1].features["cosine"], 3) == -0.05
    # a passage missing from `passages` (not readable) does not compete
    assert [c.pid for c in answer_candidates(groups, {1: passages[1]}, {1: 0.8}, plan)] == [1]
    assert candidate_pids(groups) == [1, 2]
    weights = {"cosine": 1.0}
    assert [
        c.pid for c in answer_candidates(groups, passages, {1: 0.9, 2: 0.8}, plan, weights)
    ] == [1, 2]


def test_a_passage_that_only_asks_gives_way_to_one_that_states() -> None:
    passages = {
        1: passage(1, "a.md", ("FAQ",), "Can I lose my badge twice?", "Access card"),
        2: passage(2, "a.md", ("Lost or stolen card",), "Report it to Security.", "Access card"),
    }
    candidates = [
        AnswerCandidate(1, "a.md", {"coverage": 1.0}, 2.0),
        AnswerCandidate(2, "a.md", {"coverage": 0.5}, 1.0),
    ]
    assert choose_answer(candidates, passages, PLAN).pid == 2
    assert choose_answer(candidates[1:], passages, PLAN).pid == 2


def test_a_query_naming_only_the_article_gets_its_lead() -> None:
    plan = QueryPlan("badge", "en", ("badge",), (Concept("badge", ("access card",), 1.0),))
    lead = passage(9, "a.md", (), "Your access card opens the doors.", "Access card")
    passages = {1: passage(1, "a.md", ("Broken card",), "Reception helps.", "Access card")}
    candidates = [AnswerCandidate(1, "a.md", {}, 1.0)]
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


def test_the_second_models_cosines_weigh_in_and_are_neutral_without_them() -> None:
    passages = {
        1: passage(1, "a.md", ("Opening hours",), "Reception is open from eight.", "Reception"),
        2: passage(2, "a.md", ("Parking",), "Visitors park in the yard.", "Reception"),
        3: passage(3, "b.md", ("Yard",), "The yard closes at six.", "Grounds"),
    }
    groups = [ArticleGroup("a.md", 1.0, [1, 2]), ArticleGroup("b.md", 0.8, [3])]
    plan = QueryPlan("x", "en", ("x",), (Concept("x", (), 1.0),))
    cosines = {1: 0.85, 2: 0.80, 3: 0.80}
    second = {1: 0.30, 2: 0.50, 3: 0.60}
    ranked = answer_candidates(groups, passages, cosines, plan, secondary=second)
    features = {c.pid: c.features for c in ranked}
    # against the best candidate, and against the best of its own article
    assert [round(features[p]["secondary_cosine"], 3) for p in (1, 2, 3)] == [-0.3, -0.1, 0.0]
    assert [round(features[p]["secondary_in_article"], 3) for p in (1, 2, 3)] == [-0.2, 0.0, 0.0]
    weights = {"cosine": 1.0, "secondary_cosine": 1.0}
    assert answer_candidates(groups, passages, cosines, plan, weights)[0].pid == 1
    assert answer_candidates(groups, passages, cosines, plan, weights, secondary=second)[0].pid == 3
    # no second model, or one passage without its vector: every passage gets 0
    for partial in (None, {}, {1: 0.3, 2: 0.5}):
        neutral = answer_candidates(groups, passages, cosines, plan, weights, secondary=partial)
        assert [c.pid for c in neutral] == [1, 2, 3]
        assert all(
            c.features["secondary_cosine"] == c.features["secondary_in_article"] == 0.0
            for c in neutral
        )


def test_a_search_with_the_second_models_cosines_is_scored_by_its_own_weights() -> None:
    passages = {
        1: passage(1, "a.md", ("Opening hours",), "Reception is open from eight.", "Reception"),
        2: passage(2, "a.md", ("Parking",), "Visitors park in the yard.", "Reception"),
    }
    groups = [ArticleGroup("a.md", 1.0, [1, 2])]
    plan = QueryPlan("x", "en", ("x",), (Concept("x", (), 1.0),))
    cosines = {1: 0.85, 2: 0.80}

    def scored(ranked: list[AnswerCandidate], weights: dict[str, float]) -> bool:
        return all(
            abs(c.score - sum(w * c.features[k] for k, w in weights.items())) < 1e-9 for c in ranked
        )

    with_second = answer_candidates(groups, passages, cosines, plan, secondary={1: 0.2, 2: 0.6})
    assert scored(with_second, FITTED_SECOND_MODEL_WEIGHTS)
    assert {c.pid: round(c.features["both_cosine"], 3) for c in with_second} == {1: -0.4, 2: -0.05}
    # the first model's cosines alone: the weights fitted without the second model
    assert scored(answer_candidates(groups, passages, cosines, plan), FITTED_PASSAGE_WEIGHTS)
    partial = answer_candidates(groups, passages, cosines, plan, secondary={1: 0.2})
    assert scored(partial, FITTED_PASSAGE_WEIGHTS)
