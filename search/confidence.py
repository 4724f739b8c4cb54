"""Answered or not: a confidence in [0, 1] for the top result.

The evidence about the top article:

- `cosine`: how close its best passage is to the query in embedding space;
- `coverage`: the IDF-weighted share of the query's concepts its passages
  match by keyword (glossary terms and spelling corrections stand in for the
  word they replace), so a query about something the knowledge base never
  mentions ("company choir") stays low even when near neighbours exist;
- `agreement`: whether both retrievers rank it near the top;
- `keyword_score`: the best BM25 score of the search (on a log scale): a
  query whose words are rare in the index and found together scores high.

A logistic model turns the evidence into a confidence; a search is answered
when the confidence reaches the `answer_threshold` setting. The weights were
fitted on the labelled query set (see docs/search.md); the threshold is the
knob to recalibrate with `kb eval` for another embedding model or corpus.
"""

from __future__ import annotations

import math
from dataclasses import dataclass


@dataclass(frozen=True)
class Evidence:
    """What the retrievers say about the top article."""

    cosine: float
    coverage: float
    keyword_rank: int | None
    vector_rank: int | None
    keyword_score: float = 0.0

    @property
    def agreement(self) -> float:
        """1 when both retrievers rank the article first, falling with the worse rank."""
        if self.keyword_rank is None or self.vector_rank is None:
            return 0.0
        return 1.0 / max(self.keyword_rank, self.vector_rank)


@dataclass(frozen=True)
class ConfidenceModel:
    """Logistic combination of the evidence."""

    bias: float = -5.6
    cosine_weight: float = 1.05
    coverage_weight: float = 1.25
    agreement_weight: float = 1.5
    keyword_weight: float = 2.15

    def confidence(self, evidence: Evidence | None) -> float:
        """Confidence in [0, 1]; no evidence (no results) is 0."""
        if evidence is None:
            return 0.0
        z = (
            self.bias
            + self.cosine_weight * evidence.cosine
            + self.coverage_weight * evidence.coverage
            + self.agreement_weight * evidence.agreement
            + self.keyword_weight * math.log1p(max(evidence.keyword_score, 0.0))
        )
        return 1.0 / (1.0 + math.exp(-z))


def is_answered(confidence: float, threshold: float) -> bool:
    """The answered decision: any result, at or above the calibrated threshold."""
    return confidence > 0.0 and confidence >= threshold
