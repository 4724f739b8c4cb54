"""Which passage answers: chosen by how well it answers, not by fusion rank alone.

The answer box quotes one passage. The top article is not always the one
that answers (on the 18F development set the first result held the labelled
answering section for 0.73 of the English questions, any of the first three
for 0.94), and within an article the passage that ranks first for the whole
query is not always the section that answers it. So the passages of the
first `ANSWER_ARTICLES` articles compete, each scored by

    article score / best article score        how strongly its article ranks
  + fused passage score                        how strongly the passage itself ranks
  + COVERAGE_WEIGHT · concept coverage         the IDF-weighted share of the query's
                                               concepts it matches by keyword
                                               (title, headings, body and tags)

Measured on the 18F development set (English questions with a labelled
answering section, shown answer holds it), tune / report halves:

| choice | tune | report |
| --- | --- | --- |
| top article, its first passage (before) | 0.650 | 0.718 |
| top three articles, the score above | 0.725 | 0.769 |

The weights were chosen on the tune half (grid: 1–5 articles, article weight
0–2, passage weight 0–1, coverage weight 0–1, cosine weight 0–1); adding the
raw cosine never helped, and coverage alone over two articles won the tune
half (0.75) but lost the report half (0.69), so the blend stays.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from indexer.metadata import Passage
from search.grouping import ArticleGroup
from search.keyword import KeywordHit
from search.terms import words
from search.understanding import Concept, QueryPlan

ANSWER_ARTICLES = 3  # articles whose passages compete for the answer
ANSWER_PASSAGES = 4  # passages of each article considered (in fused order)
COVERAGE_WEIGHT = 0.5
HEADING_WEIGHT = 0.25  # the query's concepts in the passage's own (deepest) heading
SECTION_WEIGHT = 0.5  # the query's concepts in its headings and text (not the title)


@dataclass(frozen=True)
class AnswerCandidate:
    """One passage that could answer, with the parts of its score."""

    pid: int
    article_id: str
    article: float
    passage: float
    coverage: float

    @property
    def score(self) -> float:
        return self.article + self.passage + COVERAGE_WEIGHT * self.coverage


def answer_candidates(
    groups: Sequence[ArticleGroup],
    passage_scores: Mapping[int, float],
    keyword_hits: Sequence[KeywordHit],
    plan: QueryPlan,
) -> list[AnswerCandidate]:
    """The competing passages, best first (ties keep result order)."""
    top = groups[:ANSWER_ARTICLES]
    if not top:
        return []
    best = top[0].score if top[0].score > 0 else 1.0
    matched = {hit.pid: hit.matched for hit in keyword_hits}
    total = sum(c.weight for c in plan.concepts)
    out: list[AnswerCandidate] = []
    for group in top:
        for pid in group.pids[:ANSWER_PASSAGES]:
            covered = sum(plan.concepts[i].weight for i in matched.get(pid, ()))
            out.append(
                AnswerCandidate(
                    pid=pid,
                    article_id=group.article_id,
                    article=group.score / best,
                    passage=passage_scores.get(pid, 0.0),
                    coverage=covered / total if total > 0 else 0.0,
                )
            )
    return sorted(out, key=lambda c: -c.score)


def relevant_results(
    groups: Sequence[ArticleGroup], floor: float, nonsense: bool = False
) -> list[ArticleGroup]:
    """The articles worth counting as results.

    An article counts when its fused score reaches `floor` times the best one
    (the `relevance_floor` setting), so a query shows "3 results" rather than
    every article either retriever happened to return. A query with nothing
    to search for (`QueryPlan.nonsense`: "asdkjh", "???") has no results."""
    if not groups or nonsense:
        return []
    best = groups[0].score
    return [g for g in groups if g.score >= floor * best]


def choose_answer(
    candidates: Sequence[AnswerCandidate], passages: Mapping[int, Passage], plan: QueryPlan
) -> AnswerCandidate:
    """The answer passage: the best candidate's article, then its best section.

    Within the article every passage shares the title, so the concepts the
    title already holds say nothing about which section answers; the section
    whose own heading and text hold the remaining concepts does ("I lost my
    badge" in the article "Access card" → "Lost or stolen card", not
    "Forgotten or broken card"). When the title holds every concept, all of
    them count."""
    first = candidates[0]
    title_words = set(words(passages[first.pid].title)) if first.pid in passages else set()
    rest = [c for c in plan.concepts if not plan_covers(plan, c, title_words)]
    concepts = rest or list(plan.concepts)
    total = sum(c.weight for c in concepts)
    if total <= 0:
        return first

    def share(text: str) -> float:
        found = set(words(text))
        return sum(c.weight for c in concepts if plan_covers(plan, c, found)) / total

    def within(candidate: AnswerCandidate) -> float:
        passage = passages[candidate.pid]
        heading = share(passage.headings[-1]) if passage.headings else 0.0
        section = share(" ".join((*passage.headings, passage.text)))
        return (
            candidate.passage
            + COVERAGE_WEIGHT * candidate.coverage
            + HEADING_WEIGHT * heading
            + SECTION_WEIGHT * section
        )

    same = [c for c in candidates if c.article_id == first.article_id and c.pid in passages]
    return max(same, key=within, default=first)


def plan_covers(plan: QueryPlan, concept: Concept, found: set[str]) -> bool:
    """Whether the words `found` hold the concept (its word or an alternative, by stem)."""
    single = QueryPlan(plan.text, plan.lang, plan.words, (concept,))
    return single.coverage(found) > 0
