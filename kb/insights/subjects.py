"""A failed question's vector, leaning towards what it is about.

A sentence model reads "lost my laptop" and "lost my office key", or
"Urlaub beantragen" and "Spind beantragen", as much the same request: the
shared verb or frame weighs as much as the thing asked about, and average
linkage then puts questions about different things in one gap topic (in the
demo's log "reset my password" joined "lost my access card"). A content
owner writes one article per thing.

So each question's vector is its sentence's vector mixed with the weighted
mean of its words' own vectors (the same model, each word embedded alone),
each word weighed by how rare it is in any English or German text
(`kb.catalogue.phrase_weight.information`, the `wordfreq` lists shipped with
that package): "laptop", "Spind", "IBAN" weigh more than "lost", "new" or
"change". The weights come from general language, not from the log or the
knowledge base, so they mean the same in every organisation; a word's vector
is the model's, so "Schlüssel" and "key" still meet. Stop words (Whoosh's
English and German lists) weigh nothing; a question of stop words alone keeps
its sentence vector.

Measured with `python -m benchmarks.gap_subjects` (docs/insights.md, "Topics
by subject"): on the tuning part of the labelled subject set the adjusted
Rand index went from 0.50 to 0.77 and on its report part from 0.59 to 0.72,
the larger gap set's parts unchanged (0.71, 0.76); `SENTENCE_SHARE`, `COMMON`
and `FLOOR` were chosen on the tuning parts, the threshold of the grouping
left as it was.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from functools import lru_cache

import numpy as np
from whoosh.lang import stopwords_for_language

from kb.catalogue.phrase_weight import information
from kb.insights.clustering import unit_rows

# The sentence's share of a question's vector; its words' mean (at unit
# length) has the rest.
SENTENCE_SHARE = 0.7
# A word weighs its information (−log10 of its frequency in general text)
# above this: a word as common as one in 1,000 weighs nothing but `FLOOR`.
COMMON = 3.0
FLOOR = 0.1
_WORD = re.compile(r"\w+")


def vector_key(model: str) -> str:
    """The name gap questions' vectors are stored under: the model's, and that
    they lean towards their subjects, so that vectors stored before (the plain
    sentence's) are embedded again once and each question placed again."""
    return f"{model} +subjects"


@lru_cache(maxsize=1)
def _stop_words() -> frozenset[str]:
    return frozenset(w for lang in ("en", "de") for w in stopwords_for_language(lang))


def content_words(text: str) -> list[str]:
    """The words of `text` that may say what it is about, case-folded, in order."""
    stop = _stop_words()
    return [w for w in _WORD.findall(text.casefold()) if w not in stop and len(w) > 1]


def word_weight(word: str) -> float:
    """How much `word` says what a question is about: its rarity in general text."""
    return max(information(word) - COMMON, FLOOR)


def subject_vectors(texts: Sequence[str], embed: Callable[[list[str]], np.ndarray]) -> np.ndarray:
    """Unit vectors of `texts`, each its sentence's vector mixed with the
    weighted mean of its content words' vectors (`embed` turns texts into unit
    vectors; called once, with the texts and then their distinct words)."""
    words = [content_words(t) for t in texts]
    vocabulary = sorted({w for ws in words for w in ws})
    vectors = embed([*texts, *vocabulary])
    sentences, word_vectors = vectors[: len(texts)], vectors[len(texts) :]
    at = {w: i for i, w in enumerate(vocabulary)}
    subjects = np.array(sentences, dtype=np.float32, copy=True)
    for row, ws in enumerate(words):
        if ws:
            weights = np.array([word_weight(w) for w in ws], dtype=np.float32)
            rows = word_vectors[[at[w] for w in ws]]
            subjects[row] = (weights[:, None] * rows).sum(axis=0) / weights.sum()
    return unit_rows(SENTENCE_SHARE * sentences + (1 - SENTENCE_SHARE) * unit_rows(subjects))
