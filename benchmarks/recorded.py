"""The settings every benchmark records beside its figures.

A timing or quality figure means little without the settings that shaped it
(model, fusion, candidates, the query cache, threads); the benchmark scripts
write these into their JSON output.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from kb.fusion_settings import FusionSettings
from kb.language_settings import LanguageSettings
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
    "confidence_second_look",
    "answer_second_model",
    "relevance_floor",
    "route_threshold",
    "route_classifier_weight",
    "chunk_words",
    "chunk_overlap",
    "approximate_threshold",
    "search_threads",
    "query_cache_size",
    "warm_postings",
    "languages",
)


def search_settings(settings: Settings) -> dict[str, Any]:
    """The values of every setting that changes what a search does or costs: the
    named ones, and every fusion and language setting (so a lever added there is
    recorded without being listed here)."""
    grouped = [
        f.name for group in (FusionSettings, LanguageSettings) for f in dataclasses.fields(group)
    ]
    names = dict.fromkeys([*SEARCH_SETTINGS, *grouped])
    return {name: getattr(settings, name) for name in names}
