"""From the retrievers' candidates to ranked articles: which fusion, for which query.

`Ranker` holds the choices made once per engine from the settings: the
fusion method (`search.fusion`), the cross-language levers
(`search.crosslingual`) and the second model's three-list fusion
(`search.ensemble`, when `secondary_model` is set), the vector
feedback search (`search.feedback`), which the engine runs at retrieval, and
the term proximity bonus (`search.proximity`), which `Ranker.rescored` adds
after fusion, before a cross-language query's heading-path re-scoring, and
the title bonus for the query's rarest concept (`search.title_match`), added
last. Per query it picks one, fuses passages and articles, and attaches each
article's passages in fused order.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np

from indexer.embedding.base import Embedder
from kb.settings import Settings
from search.crosslingual import HEADED, CrossLanguage, first_langs
from search.ensemble import create_ensemble
from search.feedback import VectorFeedback
from search.fusion import Fusion, create_fusion
from search.grouping import (
    ArticleGroup,
    attach_passages,
    best_per_article,
    with_second_passage,
)
from search.proximity import ProximityBonus
from search.section_match import section_cosines
from search.title_match import TitleBonus

if TYPE_CHECKING:
    from indexer.reader import Snapshot
    from search.engine import Retrieval
    from search.prepared import PreparedSnapshot

Ranked = Sequence[tuple[int, float]]


class Ranker:
    """Fuses one search's candidate lists into articles (module docstring)."""

    def __init__(self, settings: Settings, secondary_embedder: Embedder | None = None) -> None:
        self.fusion: Fusion = create_fusion(settings)
        self.cross = CrossLanguage(settings)
        self.ensemble = create_ensemble(settings, secondary_embedder)
        self.feedback = VectorFeedback(
            settings.vector_feedback_weight, settings.vector_feedback_passages
        )
        self.second_passage = settings.second_passage_weight
        self.proximity = ProximityBonus(settings.proximity_weight)
        self.title = TitleBonus(settings.title_concept_weight)

    def rank(
        self,
        snapshot: Snapshot,
        lang: str,
        lists: tuple[Ranked, Ranked, Ranked],
        query_vector: np.ndarray,
    ) -> tuple[list[ArticleGroup], dict[int, str]]:
        """Fused articles, each with its passages in fused order; and passage →
        article. `lists`: keyword, vector and second-model passages, best first."""
        keyword, vector, secondary = lists
        owners = snapshot.owners
        article_of = {
            pid: owners[pid][0] for pid, _ in (*keyword, *vector, *secondary) if pid in owners
        }
        vector_articles = best_per_article(vector, article_of)

        def langs() -> list[str]:
            return first_langs(snapshot, vector_articles)

        cross = self.cross.applies(lang, langs)
        fusion = (self.cross.fusion if cross else None) or self.fusion
        bonus = self.second_passage
        keyword_articles = with_second_passage(keyword, article_of, bonus)
        first_articles = (
            with_second_passage(vector, article_of, bonus) if bonus else vector_articles
        )
        if self.ensemble and secondary and self.ensemble.applies(lang, langs):
            three = self.ensemble.fusion
            fused_passages = three.fuse(keyword, vector, secondary)
            second = with_second_passage(secondary, article_of, bonus)
            fused_articles = three.fuse(keyword_articles, first_articles, second)
        else:
            fused_passages = fusion.fuse(keyword, vector)
            fused_articles = fusion.fuse(keyword_articles, first_articles)
        if cross:
            fused_articles = self.cross.with_titles(
                fused_articles, snapshot.title_vectors, query_vector
            )
        return attach_passages(fused_articles, fused_passages, article_of), article_of

    def rescored(
        self, found: Retrieval, groups: list[ArticleGroup], article_of: dict[int, str]
    ) -> list[ArticleGroup]:
        """`groups` (the fused articles of `found`) with the proximity bonus, then
        re-scored by their sections' heading paths where the query is
        cross-language and the setting asks for it (`CrossLanguage.with_headings`),
        then with the title bonus. The heading vectors are the index's, read, not
        embedded: no model runs."""
        groups = self.proximity.rescore(groups, found.plan, found.passages)
        groups = self._with_headings(found, groups, article_of)
        snapshot = found.prepared.snapshot
        return self.title.rescore(groups, found.plan, snapshot.titles, snapshot.article_langs)

    def _with_headings(
        self, found: Retrieval, groups: list[ArticleGroup], article_of: dict[int, str]
    ) -> list[ArticleGroup]:
        """A cross-language query's articles re-scored by their heading paths."""
        if self.cross.heading_weight <= 0 or not groups:
            return groups
        snapshot = found.prepared.snapshot
        articles = best_per_article(found.fused_vector or found.vector, article_of)
        if not self.cross.applies(found.plan.lang, lambda: first_langs(snapshot, articles)):
            return groups
        loaded = found.passages.get([p for g in groups[:HEADED] for p in g.pids])
        cosines = section_cosines(snapshot.heading_vectors, loaded, found.query_vector)
        return self.cross.with_headings(groups, cosines)

    def secondary_cosines(
        self,
        prepared: PreparedSnapshot,
        lang: str,
        lists: tuple[Ranked, Ranked],
        query: np.ndarray | None,
        pids: Sequence[int],
    ) -> dict[int, float]:
        """The second model's cosines of `pids` (the answer's candidates) to its
        query vector `query`, where its list took part in `rank`; `lists`: the
        vector side's and the second model's passages. Empty where it did not (no
        second model, a language it does not read, a cross-language query, a
        snapshot without its vectors): evidence built on them is then neutral."""
        vector, secondary = lists
        if self.ensemble is None or query is None or not secondary:
            return {}
        snapshot = prepared.snapshot
        owners = snapshot.owners
        article_of = {pid: owners[pid][0] for pid, _ in vector if pid in owners}
        articles = best_per_article(vector, article_of)
        if not self.ensemble.applies(lang, lambda: first_langs(snapshot, articles)):
            return {}
        return self.ensemble.cosines(prepared, query, pids, secondary)
