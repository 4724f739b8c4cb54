"""The settings every benchmark records beside its figures.

A timing or quality figure means little without the settings that shaped it
(model, fusion, candidates, the query cache, threads); the benchmark scripts
write these into their JSON output.
"""

from __future__ import annotations

from typing import Any

from kb.settings import Settings

SEARCH_SETTINGS = (
    "embedding_model",
    "secondary_model",
    "secondary_precision",
    "secondary_retrieval",
    "secondary_weight",
    "agreement_weight",
    "fusion",
    "fusion_weight",
    "rrf_k",
    "candidates",
    "answer_threshold",
    "relevance_floor",
    "approximate_threshold",
    "search_threads",
    "query_cache_size",
    "warm_postings",
    "languages",
)


def search_settings(settings: Settings) -> dict[str, Any]:
    """The values of every setting that changes what a search does or costs."""
    return {name: getattr(settings, name) for name in SEARCH_SETTINGS}
