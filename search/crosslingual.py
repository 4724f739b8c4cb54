"""Queries in another language than the articles that answer them.

"Wie beantrage ich Urlaub?" over English pages shares no word with them: the
keyword side finds only what happens to share a name or a loan word, and the
multilingual model is left to carry the query alone. `CrossLanguage` tells
such a query from the languages of the articles the vector side finds first
(its model reads both languages; the keyword side does not) and gives it three
levers, each a setting:

- `cross_language_title_weight`: the query's cosine to each candidate
  article's title, min-max scaled over the candidates, added to the fused
  article score with this weight. A title is short and names the topic, so
  the model might match it across languages more surely than a long passage.
  The indexer embeds titles only while the weight is above 0 (turn it on,
  then `kb index --full`: passages come from the embedding cache);
- `cross_language_fusion_shift`: more (or less) vector weight in weighted
  fusion than `fusion_weight` gives other queries;
- `cross_language_heading_weight`: the first `HEADED` fused articles
  re-scored by the query's best cosine to the heading paths of their
  retrieved sections ("Leave > Carrying days over"), which the indexer embeds
  in the query role anyway (`indexer.heading_vectors`; the answer reads them
  too), so no model runs for it. A heading names one topic in a few words,
  as a question does, so the model meets it across languages better than the
  keyword side or the passages' fused scores do.

A query in the articles' own language is ranked exactly as before. The
heading weight is on by default (6: German questions over English pages
gained on the tune halves of two German question sets, and on their report
halves); the title weight and the fusion shift are off, since neither
gained there (docs/search.md, "Cross-language queries").

The same vote decides whether a query keeps its dictionary translations
(`translated_if_cross`, `search.translation`), which do gain.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import TYPE_CHECKING

import numpy as np

from kb.settings import Settings
from search.fusion import Fusion, WeightedFusion, create_fusion, min_max, ordered
from search.grouping import ArticleGroup, best_per_article
from search.understanding import QueryPlan

if TYPE_CHECKING:
    from indexer.reader import Snapshot

VOTERS = 10  # distinct articles of the vector side that vote on the language
HEADED = 30  # first fused articles that `cross_language_heading_weight` re-scores


def first_langs(snapshot: Snapshot, vector_articles: Sequence[tuple[str, float]]) -> list[str]:
    """The languages of the vector side's first articles (the voters)."""
    return [snapshot.article_langs.get(article, "") for article, _ in vector_articles[:VOTERS]]


def is_cross_language(query_lang: str, article_langs: Iterable[str]) -> bool:
    """Whether most of the articles (of known language) are in another
    language than the query."""
    known = [lang for lang in article_langs if lang]
    return bool(known) and 2 * sum(lang != query_lang for lang in known) > len(known)


def translated_if_cross(
    plan: QueryPlan, snapshot: Snapshot, vector_hits: Sequence[tuple[int, float]]
) -> QueryPlan:
    """The plan with its dictionary translations (`search.translation`) when the
    query is cross-language, without them otherwise.

    A German word the index lacks may still be answered by German articles
    that use another word ("Staplerschein" where an article says
    "Gabelstapler"): there its English translations would pull English pages
    ahead of the German ones that answer, and make the question look
    cross-language to the confidence, which then forgives missing keyword
    evidence. So the vector side's first articles decide, as for the other
    levers here."""
    if not plan.translated:
        return plan
    owners = snapshot.owners
    article_of = {pid: owners[pid][0] for pid, _ in vector_hits if pid in owners}
    if is_cross_language(
        plan.lang, first_langs(snapshot, best_per_article(vector_hits, article_of))
    ):
        return plan
    concepts = tuple(dataclasses.replace(c, translations=()) for c in plan.concepts)
    return dataclasses.replace(plan, concepts=concepts)


class CrossLanguage:
    """The settings' levers for cross-language queries, built once per engine."""

    def __init__(self, settings: Settings) -> None:
        # rrf has no weight to move; an unchanged weight would change nothing.
        self.fusion: Fusion | None = None
        weight = min(1.0, max(0.0, settings.fusion_weight + settings.cross_language_fusion_shift))
        if settings.fusion == WeightedFusion.name and weight != settings.fusion_weight:
            self.fusion = create_fusion(settings, weight)
        self.title_weight = settings.cross_language_title_weight
        self.heading_weight = settings.cross_language_heading_weight

    @property
    def active(self) -> bool:
        return self.fusion is not None or self.title_weight > 0 or self.heading_weight > 0

    def applies(self, query_lang: str, first_article_langs: Callable[[], list[str]]) -> bool:
        """Whether a query is cross-language, given the languages of the vector
        side's first articles (asked only when a lever is set)."""
        return self.active and is_cross_language(query_lang, first_article_langs())

    def with_titles(
        self,
        fused: list[tuple[str, float]],
        titles: Mapping[str, np.ndarray],
        query_vector: np.ndarray,
    ) -> list[tuple[str, float]]:
        """The fused articles re-scored with the query's cosine to their titles;
        as they were unless every candidate's title has a vector (an index
        written before the setting was turned on: `kb index --full`)."""
        if self.title_weight <= 0 or not fused or any(a not in titles for a, _ in fused):
            return fused
        cosines = np.stack([titles[article] for article, _ in fused]) @ query_vector
        bonus = min_max([(a, c) for (a, _), c in zip(fused, cosines.tolist(), strict=True)])
        return ordered({a: s + self.title_weight * bonus[a] for a, s in fused})

    def with_headings(
        self, groups: Sequence[ArticleGroup], cosines: Mapping[int, float]
    ) -> list[ArticleGroup]:
        """The first `HEADED` articles re-scored by their best heading-path cosine
        (`cosines`: passage id → the query's cosine to its section's heading
        path, `search.section_match`): each gains the weight times its cosine's
        distance above the lowest of them, so they stay ahead of the rest. An
        article without heading vectors counts as the best; none at all (an
        index written before them) leaves the order as it was."""
        first = list(groups[:HEADED])
        best = [max((cosines[p] for p in g.pids if p in cosines), default=None) for g in first]
        known = [c for c in best if c is not None]
        if self.heading_weight <= 0 or not known:
            return list(groups)
        top, low = max(known), min(known)
        rescored = [
            dataclasses.replace(
                g, score=g.score + self.heading_weight * ((top if c is None else c) - low)
            )
            for g, c in zip(first, best, strict=True)
        ]
        rescored.sort(key=lambda g: -g.score)  # stable: ties keep the fused order
        return rescored + list(groups[HEADED:])
