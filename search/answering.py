"""Which passage answers: chosen by how well it answers, not by fusion rank alone.

The answer box quotes one passage. The top article is not always the one
that answers (on the 18F development set, with the default model, the first
result held the labelled answering section for 0.72 of the English
questions, any of the first two for 0.90), and within an article the
passage that ranks first for the whole query is not always the section that
answers it. So the passages of the first `ANSWER_ARTICLES` articles compete,
each scored by

    fused passage score                    how strongly the passage itself ranks
  + COVERAGE_WEIGHT · concept coverage     the IDF-weighted share of the query's
                                           concepts it matches by keyword
                                           (title, headings, body and tags)
  + ARTICLE_WEIGHT · article score / best  how strongly its article ranks

and within the winner's article the section whose own heading names what
the title does not may take over (`choose_answer`).

Measured on English questions with a labelled answering section (does the
shown passage hold it?), tune / report halves of the 18F development set and
of the labelled set, multilingual-e5-small (the default):

| choice | 18F tune | 18F report | labelled tune | labelled report |
| --- | --- | --- | --- | --- |
| top article, its first passage (before) | 0.600 | 0.692 | 0.654 | 0.513 |
| top three articles, article + passage + 0.5 coverage (chosen with MiniLM on 18F) | 0.650 | 0.692 | 0.692 | 0.538 |
| **top two articles, passage + coverage** | **0.700** | **0.718** | **0.712** | **0.513** |

The weights were chosen on both tune halves together (grid: 1–5 articles,
article weight 0–2, passage weight 0.5–1, coverage weight 0–1; 0.707 of the
tune questions against 0.696 for five articles); the raw cosine never
helped (18F-only grid). With all-MiniLM-L6-v2 on the 18F set the first
passage of the top article scores 0.650 / 0.718 and five articles by passage
and coverage 0.675 / 0.795. Within the article, a heading weight of 0–0.5
ties on the 18F tune half (0.700); the section's text coverage (weight
0.5–1) loses a question there, and a heading bonus across articles lost the
report half (0.769 → 0.667 with MiniLM), so the heading only decides within
the chosen article. On the labelled set most remaining misses quote the
article's opening section ("Our rooms" for "book meeting room"): both
retrievers rank the overview above the section that answers.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from indexer.metadata import Passage
from search.grouping import ArticleGroup
from search.keyword import KeywordHit
from search.terms import words
from search.understanding import Concept, QueryPlan

ANSWER_ARTICLES = 2  # articles whose passages compete for the answer
ANSWER_PASSAGES = 4  # passages of each article considered (in fused order)
COVERAGE_WEIGHT = 1.0
ARTICLE_WEIGHT = 0.0  # measured 0-2: the passage's own score and coverage say more
HEADING_WEIGHT = 0.25  # the query's concepts in the passage's own (deepest) heading


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
        return ARTICLE_WEIGHT * self.article + self.passage + COVERAGE_WEIGHT * self.coverage


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
    candidates: Sequence[AnswerCandidate],
    passages: Mapping[int, Passage],
    plan: QueryPlan,
    lead_of: Callable[[str], Passage | None] | None = None,
) -> Passage:
    """The answer passage: the best candidate's article, then its best section.

    Within the article every passage shares the title, so the concepts the
    title already holds say nothing about which section answers; the section
    whose own heading holds the remaining concepts does ("I lost my badge" in
    the article "Access card" → "Lost or stolen card", not "Forgotten or
    broken card"). A one-concept query that the title holds ("Krankmeldung")
    asks about the article's subject as a whole: its lead passage answers
    (`lead_of` gives an article's first passage)."""
    first = candidates[0]
    chosen = passages[first.pid]
    title_words = set(words(chosen.title))
    rest = [c for c in plan.concepts if not plan_covers(plan, c, title_words)]
    if len(plan.concepts) == 1 and not rest and lead_of is not None:
        lead = lead_of(first.article_id)
        if lead is not None:
            return lead
    concepts = rest or list(plan.concepts)
    total = sum(c.weight for c in concepts)
    if total <= 0:
        return chosen

    def share(text: str) -> float:
        found = set(words(text))
        return sum(c.weight for c in concepts if plan_covers(plan, c, found)) / total

    def within(candidate: AnswerCandidate) -> float:
        passage = passages[candidate.pid]
        heading = share(passage.headings[-1]) if passage.headings else 0.0
        return candidate.score + HEADING_WEIGHT * heading

    same = [c for c in candidates if c.article_id == first.article_id and c.pid in passages]
    # A passage that only asks (a FAQ's question, a request's wording) never answers.
    stated = [c for c in same if not is_question(passages[c.pid].text)]
    if not stated and is_question(passages[first.pid].text):
        stated = [
            c for c in candidates if c.pid in passages and not is_question(passages[c.pid].text)
        ]
    return passages[max(stated or same, key=within, default=first).pid]


def is_question(text: str) -> bool:
    """Whether every sentence of `text` is a question ("Can my friend apply?")."""
    sentences = [s for s in re.split(r"(?<=[.!?])\s+", text.strip()) if s.strip()]
    return bool(sentences) and all(s.rstrip().endswith("?") for s in sentences)


def plan_covers(plan: QueryPlan, concept: Concept, found: set[str]) -> bool:
    """Whether the words `found` hold the concept (its word or an alternative, by stem)."""
    single = QueryPlan(plan.text, plan.lang, plan.words, (concept,))
    return single.coverage(found) > 0
