"""The evidence a search gathers about its top article, for the confidence model.

`gather_evidence` reads the retrievers' results, the article groups and the
query plan and fills in `search.confidence.Evidence`; `with_second_model`
adds the second embedding model's; the model turns that into the confidence
that the answer is right (see `search.confidence`).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

from indexer.metadata import Passage
from search.answering import AnswerCandidate
from search.bm25 import DEFAULT_K1
from search.confidence import Evidence
from search.grouping import ArticleGroup, article_ranks
from search.keyword import KeywordHit
from search.understanding import QueryPlan


def gather_evidence(
    groups: list[ArticleGroup],
    plan: QueryPlan,
    keyword_hits: list[KeywordHit],
    vector_hits: list[tuple[int, float]],
    article_of: dict[int, str],
    candidates: list[AnswerCandidate],
    loaded: dict[int, Passage],
) -> Evidence | None:
    """What the confidence model weighs about the top article: how close its best
    passage is, how much of the query it covers, where it ranks in each list."""
    if not groups:
        return None
    top = groups[0]
    cosines = dict(vector_hits)
    found = [cosines[p] for p in top.pids if p in cosines]
    floor = vector_hits[-1][1] if vector_hits else 0.0
    tenth = vector_hits[min(9, len(vector_hits) - 1)][1] if vector_hits else 0.0
    best = max(found) if found else floor
    total = sum(c.weight for c in plan.concepts)

    def share(concepts: set[int]) -> float:
        return sum(plan.concepts[i].weight for i in concepts) / total if total > 0 else 0.0

    top_pids = set(top.pids)
    in_top: set[int] = set()
    anywhere: set[int] = set()
    for hit in keyword_hits:
        anywhere |= hit.matched
        if hit.pid in top_pids:
            in_top |= hit.matched
    best_score = keyword_hits[0].score if keyword_hits else 0.0
    most = (DEFAULT_K1 + 1.0) * total
    top_lang = loaded[top.best_pid].lang if top.best_pid in loaded else plan.lang
    if plan.translated and top_lang != plan.lang and vector_hits:
        # Dictionary translations let the keyword side lift an article the model
        # ranks lower; how near the model finds the question to the knowledge base
        # is still its best passage's cosine, as before translation (declined
        # German questions on the 18F development set 0.091 → 0.227 without this,
        # 0.045 with it; docs/search.md, "Cross-language queries").
        best = max(best, vector_hits[0][1])
    return Evidence(
        cosine=best,
        coverage=share(in_top),
        keyword_rank=article_ranks([(h.pid, h.score) for h in keyword_hits], article_of).get(
            top.article_id
        ),
        vector_rank=article_ranks(vector_hits, article_of).get(top.article_id),
        keyword_score=best_score,
        cosine_gap=max(0.0, best - tenth),
        answer_coverage=candidates[0].coverage if candidates else 0.0,
        found=share(anywhere),
        keyword_share=min(1.0, best_score / most) if most > 0 else 0.0,
        cross_lingual=top_lang != plan.lang,
        translated=top_lang != plan.lang and plan.translated,
    )


def with_second_model(
    evidence: Evidence | None, secondary: Sequence[tuple[int, float]], took_part: bool
) -> Evidence | None:
    """`evidence` with the second model's best cosine (`second_top`), from that
    model's own nearest passages, best first (`Retrieval.secondary`), where
    its list `took_part` in the ranking (the engine reads that from
    `Retrieval.secondary_cosines`, empty where it did not: no second model, a
    language it does not read, a cross-language query, a snapshot without
    its vectors). Elsewhere the evidence stays unobserved and the confidence
    model takes its neutral value.

    Its first passage's cosine, whatever the article: measured against the
    best cosine over the fused first article's passages, the gap to its own
    tenth, and its first article's agreement with the fused one
    (`benchmarks.second_model_confidence`), it gained most on both tune
    halves; it costs no computation (docs/search.md, "Answered or not")."""
    if evidence is None or not secondary or not took_part:
        return evidence
    return dataclasses.replace(evidence, second_top=secondary[0][1])
