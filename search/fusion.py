"""Fusing the keyword and the vector ranking into one.

Two methods, chosen once by `create_fusion` from the `fusion` setting:

- `ReciprocalRankFusion` (`rrf`): each list contributes 1 / (rrf_k + rank);
  only ranks matter, so BM25's open-ended scores and cosines never need to be
  made comparable.
- `WeightedFusion` (`weighted`): each list's scores are min-max normalised over
  its candidates, then combined as w · vector + (1 − w) · keyword, with
  w = `fusion_weight`; a candidate missing from one list scores 0 there.

Both work on any hashable key (passage ids, article ids) and return the keys
best first; ties keep the order in which keys were first seen.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from typing import Protocol, TypeVar

from kb.errors import ConfigError
from kb.settings import Settings

K = TypeVar("K", bound=Hashable)
Ranked = Sequence[tuple[K, float]]


class Fusion(Protocol):
    """Combines a keyword and a vector ranking (each best first)."""

    name: str

    def fuse(self, keyword: Ranked[K], vector: Ranked[K]) -> list[tuple[K, float]]: ...


def ordered(scores: dict[K, float]) -> list[tuple[K, float]]:
    # sorted() is stable, so equal scores keep first-seen order.
    return sorted(scores.items(), key=lambda item: -item[1])


class ReciprocalRankFusion:
    """Reciprocal rank fusion: score = Σ weight / (k + rank), ranks from 1."""

    name = "rrf"

    def __init__(
        self, k: float = 60.0, keyword_weight: float = 1.0, vector_weight: float = 1.0
    ) -> None:
        if k < 0:
            raise ValueError(f"rrf k must be ≥ 0, got {k!r}")
        self.k = k
        self.keyword_weight = keyword_weight
        self.vector_weight = vector_weight

    def fuse(self, keyword: Ranked[K], vector: Ranked[K]) -> list[tuple[K, float]]:
        scores: dict[K, float] = {}
        for ranking, weight in ((keyword, self.keyword_weight), (vector, self.vector_weight)):
            for rank, (key, _) in enumerate(ranking, start=1):
                scores[key] = scores.get(key, 0.0) + weight / (self.k + rank)
        return ordered(scores)


def min_max(ranking: Ranked[K]) -> dict[K, float]:
    """Scores scaled to [0, 1] over the list; a single or flat list scores 1."""
    if not ranking:
        return {}
    values = [score for _, score in ranking]
    low, high = min(values), max(values)
    if high - low <= 1e-12:
        return {key: 1.0 for key, _ in ranking}
    return {key: (score - low) / (high - low) for key, score in ranking}


class WeightedFusion:
    """Normalised weighted combination: w · vector + (1 − w) · keyword."""

    name = "weighted"

    def __init__(self, vector_weight: float = 0.5) -> None:
        if not 0.0 <= vector_weight <= 1.0:
            raise ValueError(f"fusion weight must be within 0..1, got {vector_weight!r}")
        self.vector_weight = vector_weight

    def fuse(self, keyword: Ranked[K], vector: Ranked[K]) -> list[tuple[K, float]]:
        scores: dict[K, float] = {}
        for ranking, weight in ((keyword, 1.0 - self.vector_weight), (vector, self.vector_weight)):
            for key, value in min_max(ranking).items():
                scores[key] = scores.get(key, 0.0) + weight * value
        return ordered(scores)


def create_fusion(settings: Settings, vector_weight: float | None = None) -> Fusion:
    """The fusion method the settings ask for (weighted: with `vector_weight`
    instead of `fusion_weight` when given)."""
    method = settings.fusion
    try:
        if method == ReciprocalRankFusion.name:
            return ReciprocalRankFusion(k=settings.rrf_k)
        if method == WeightedFusion.name:
            weight = settings.fusion_weight if vector_weight is None else vector_weight
            return WeightedFusion(vector_weight=weight)
    except ValueError as exc:
        raise ConfigError(f"setting fusion={method}: {exc}") from None
    raise ConfigError(f"setting fusion must be 'rrf' or 'weighted', got {settings.fusion!r}")
