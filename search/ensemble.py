"""A second embedding model fused with the first: three lists, one ranking.

multilingual-e5-small (the default) reads German and English questions;
all-MiniLM-L6-v2 is better on English ones and poor on German. With
`secondary_model` set, the indexer stores a second vector index
(`indexer.secondary`) and a search takes the second model's nearest
passages too; `EnsembleFusion` then fuses three lists, each min-max scaled
over its candidates:

    (1 − s) · ((1 − w) · keyword + w · vector) + s · second + a · min(vector, second)

with w = `fusion_weight`, s = `secondary_weight`, a = `agreement_weight`
(the last term: both models agree that a candidate is close). A query in
a language the second model does not read (`secondary_languages`, English
for MiniLM) or in another language than most of the first vector side's
first articles (`search.crosslingual.is_cross_language`) is fused without
the second list, as today: an English-only model's neighbours of a German
question are noise.

Measured on the same candidates (`benchmarks.ensemble_levers`,
docs/search.md "A second embedding model, fused with the first"), chosen on
the tune halves: keyword 0.4, e5 0.4, MiniLM 0.2, agreement 0.2 lifted the
18F set's tune half from 0.817 to 0.831 nDCG@10, the labelled set's from
0.942 to 0.947 and SciFact's from 0.745 to 0.754 (all 300: 0.724 → 0.732),
German questions unchanged; MiniLM on for German questions cost the own
German set's top 3 up to 0.14 on its tune half. Off for cross-language
queries only, the own holdout's German questions over the sample content
(which has German articles, so they are rarely cross-language) lost two of
eight top-3 hits; off for every query not read as English, they keep them.

Empty by default for its cost: a second query embedding per search (about
8 ms of CPU for a short question, 29 ms for a long one) cut HTTP throughput
to 0.62 times and took the long-query p95 past its 150 ms target
(docs/benchmarks.md, "Both models fused (ensemble)"). `secondary_precision`
(bfloat16 by default, `indexer.embedding.precision`) cuts a long
question's extra CPU at the median from about 26 to 9 ms at 100,000
passages with the same rankings; int8 cuts more but loses part of the gain
in quality (docs/search.md). `secondary_retrieval = "candidates"` scores
only the other retrievers' passages (`VectorRetriever.rank`) instead of a
second nearest-neighbour search: it saved about 2 ms and cost SciFact's
tune half 0.014, so it stays off.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Hashable, Sequence
from typing import TypeVar

import numpy as np

from indexer.embedding.base import Embedder
from indexer.embedding.factory import model_name
from indexer.embedding.serial import serial
from indexer.secondary import load_secondary, stands_aside, stored_name
from kb.errors import ConfigError
from kb.settings import Settings
from search.crosslingual import is_cross_language
from search.fusion import WeightedFusion, min_max, ordered
from search.prepared import PreparedSnapshot
from search.query_cache import QueryVectorCache, TermVectors, vector_text, with_terms
from search.readable import ReadableSelector
from search.understanding import QueryPlan
from search.vector import VectorRetriever

logger = logging.getLogger(__name__)

K = TypeVar("K", bound=Hashable)
Ranked = Sequence[tuple[K, float]]


class EnsembleFusion:
    """Weighted fusion of the keyword list and two vector lists (module docstring)."""

    name = "ensemble"

    def __init__(self, vector_weight: float, secondary_weight: float, agreement: float) -> None:
        for what, value in (
            ("fusion weight", vector_weight),
            ("secondary weight", secondary_weight),
            ("agreement weight", agreement),
        ):
            if not 0.0 <= value <= 1.0:
                raise ValueError(f"{what} must be within 0..1, got {value!r}")
        self.weights = (
            (1.0 - secondary_weight) * (1.0 - vector_weight),
            (1.0 - secondary_weight) * vector_weight,
            secondary_weight,
        )
        self.agreement = agreement

    def fuse(
        self, keyword: Ranked[K], vector: Ranked[K], secondary: Ranked[K]
    ) -> list[tuple[K, float]]:
        """The three lists (each best first) as one, best first; ties keep the
        order in which keys were first seen."""
        scaled = [min_max(ranking) for ranking in (keyword, vector, secondary)]
        scores: dict[K, float] = {}
        for values, weight in zip(scaled, self.weights, strict=True):
            for key, value in values.items():
                scores[key] = scores.get(key, 0.0) + weight * value
        if self.agreement:
            first, second = scaled[1], scaled[2]
            for key in first.keys() & second.keys():
                scores[key] += self.agreement * min(first[key], second[key])
        return ordered(scores)


class Ensemble:
    """The second model's retriever and the three-list fusion, one per engine.

    The model is loaded on first use and called under its own lock (its
    tokenizer is not thread-safe: `indexer.embedding.serial`, shared with an
    indexer of the same process that embeds passages with it); its query
    vectors are cached like the first model's."""

    def __init__(self, settings: Settings, embedder: Embedder | None = None) -> None:
        self.settings = settings
        self.model = embedder.name if embedder else stored_name(settings)
        self.fusion = EnsembleFusion(
            settings.fusion_weight, settings.secondary_weight, settings.agreement_weight
        )
        self.languages = {x.strip() for x in settings.secondary_languages.split(",") if x.strip()}
        self._embedder = serial(embedder) if embedder is not None else None
        self._lock = threading.Lock()
        self._queries = QueryVectorCache(settings.query_cache_size)
        self._terms = TermVectors()
        self._warned: set[str] = set()
        self.rescore = settings.secondary_retrieval == "candidates"

    @property
    def embedder(self) -> Embedder:
        if self._embedder is None:
            with self._lock:
                if self._embedder is None:
                    logger.info("loading second embedding model %s", self.model)
                    self._embedder = serial(
                        load_secondary(
                            self.settings, True, threads=self.settings.search_threads or None
                        )
                    )
        return self._embedder

    def query_vector(self, plan: QueryPlan, term_weight: float) -> np.ndarray:
        """The second model's vector of the query (typed text plus glossary
        terms, as the first model's: `SearchEngine.query_vector`)."""
        embedder = self.embedder
        with self._lock:
            text = vector_text(plan.text, self.settings.query_vector_words)
            typed = self._queries.get(text, embedder.embed_query)
            extra = plan.extra_terms
            terms = self._terms.mean(extra, embedder.embed_query) if extra else None
        return with_terms(typed, terms, term_weight)

    def retriever(self, prepared: PreparedSnapshot) -> VectorRetriever | None:
        """The snapshot's second vector index, if it holds this model's."""
        snapshot = prepared.snapshot
        if prepared.secondary is not None and snapshot.secondary_model == self.model:
            return prepared.secondary
        if snapshot.name not in self._warned:
            self._warned.add(snapshot.name)
            logger.warning(
                "snapshot %s has no vectors of the second model %s (it has %r): searching "
                "without it until `kb index` has stored them",
                snapshot.name,
                self.model,
                snapshot.secondary_model,
            )
        return None

    def retrieve(
        self,
        prepared: PreparedSnapshot,
        plan: QueryPlan,
        limit: int,
        term_weight: float,
        candidates: Sequence[int] = (),
        readable: ReadableSelector | None = None,
    ) -> tuple[list[tuple[int, float]], np.ndarray | None]:
        """(passage id, cosine) of the second model's nearest allowed passages,
        best first (FAISS selects the `readable` ones, as for the first model's:
        both indexes number passages alike); with `secondary_retrieval = "candidates"`, of the other
        retrievers' `candidates` (already allowed) instead; and the query vector
        they were found with (kept for `cosines`). None for a query in a
        language the model does not read (it would be fused without them:
        `applies`), so such a query costs no embedding."""
        if plan.lang not in self.languages:
            return [], None
        retriever = self.retriever(prepared)
        if retriever is None:
            return [], None
        query = self.query_vector(plan, term_weight)
        if not self.rescore:
            return retriever.search(query, limit, readable), query
        return retriever.rank(query, list(dict.fromkeys(candidates))), query

    def cosines(
        self,
        prepared: PreparedSnapshot,
        query: np.ndarray,
        pids: Sequence[int],
        known: Sequence[tuple[int, float]],
    ) -> dict[int, float]:
        """The second model's cosine of each of `pids` to the query vector that
        `retrieve` returned: from its own hits (`known`) or the stored vectors
        (a dot product each, no model call). Empty for a snapshot without them."""
        retriever = self.retriever(prepared)
        if retriever is None:
            return {}
        return retriever.cosines(query, pids, dict(known))

    def applies(self, query_lang: str, first_article_langs: Callable[[], list[str]]) -> bool:
        """Whether the second list takes part: for a query in a language the
        model reads (`secondary_languages`) that is not cross-language."""
        return query_lang in self.languages and not is_cross_language(
            query_lang, first_article_langs()
        )


def create_ensemble(settings: Settings, embedder: Embedder | None = None) -> Ensemble | None:
    """The second model's part of search, or None when `secondary_model` is empty
    (and no `embedder` is given)."""
    if embedder is None and (
        not settings.secondary_model or stands_aside(settings, model_name(settings.embedding_model))
    ):
        return None
    if settings.fusion != WeightedFusion.name:
        raise ConfigError(
            f"setting secondary_model needs fusion = 'weighted' (it is {settings.fusion!r}): "
            "the second model's list is fused by weight"
        )
    try:
        return Ensemble(settings, embedder)
    except ValueError as exc:
        raise ConfigError(f"setting secondary_weight or agreement_weight: {exc}") from None
