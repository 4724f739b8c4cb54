"""Which sentence of the answer passage to quote, by its words and its meaning.

The answer box highlights the sentence(s) of the chosen passage that answer
(`search.highlight.answer_sentences`). The words alone choose the sentence
that holds the most query concepts, which is often one that repeats the
question's words ("There are a few factors that will determine how long it
takes") rather than one that answers in other words ("cannot exceed 120
days", "It can be taken all at once or intermittently" for "in chunks").

So each sentence is also read by the search model: the sentence with its
neighbours (the one before and the one after: a sentence alone often leans
on the one before it, "It can be taken …"), embedded in the passage role and
compared with the query vector the search already has. The two orders, by
words and by cosine, are fused by their ranks (1 / (1 + rank) each; equal
word scores ranked in reading order, as the words alone break them). So the
quote is the first sentence by words or the first by meaning, whichever
ranks higher in the other order, the words' choice on a tie
(`search.highlight.answer_sentences`): it stays unless the model's first
ranks higher by words than it ranks by meaning.

Used only with the setting `answer_quote_by_meaning`. The windows' vectors
come from the snapshot, embedded by the indexer (`indexer.sentence_vectors`,
`stored`): no model call per search. Where the snapshot has none for the
passage (an index built without them, or cut into other windows) the
windows are embedded here: one batch of passage-role embeddings per
answered search, about 0.5 s of CPU on two cores. Either way only the
`MAX_SENTENCES` sentences the words rank first are read by meaning (the
others rank last), so both give the same quote. docs/search.md, "The quote
by meaning", has the measurements.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

from kb.passage_sentences import windows

MAX_SENTENCES = 24  # sentences embedded per answer; the rest rank last by meaning

# Embeds texts in the passage role (the search model's `embed`): one row each.
EmbedPassages = Callable[[Sequence[str]], np.ndarray]
# The answer passage's windows → their vectors stored at index time (None: none).
StoredWindows = Callable[[Sequence[str]], np.ndarray | None]


def reading_ranks(scores: Sequence[float]) -> list[int]:
    """Each score's rank, best first; equal scores ranked in reading order."""
    order = sorted(range(len(scores)), key=lambda i: -scores[i])
    ranks = [0] * len(scores)
    for rank, i in enumerate(order):
        ranks[i] = rank
    return ranks


def fused(word_scores: Sequence[float], cosines: Sequence[float]) -> list[float]:
    """Reciprocal-rank fusion of the two orders: 1 / (1 + rank) by words plus
    1 / (1 + rank) by cosine."""
    by_words, by_meaning = reading_ranks(word_scores), reading_ranks(cosines)
    return [1 / (1 + a) + 1 / (1 + b) for a, b in zip(by_words, by_meaning, strict=True)]


class QuoteChoice:
    """Scores the sentences of one search's answer passage by words and meaning
    (`search.highlight.SentenceChoice`)."""

    def __init__(
        self, embed: EmbedPassages, query_vector: np.ndarray, stored: StoredWindows | None = None
    ) -> None:
        self.embed = embed
        self.query_vector = query_vector
        self.stored = stored

    def __call__(self, parts: Sequence[str], word_scores: Sequence[float]) -> list[float]:
        texts = windows(parts)
        first = reading_ranks(word_scores)
        read = [i for i in range(len(parts)) if first[i] < MAX_SENTENCES]
        found = self.stored(texts) if self.stored is not None else None
        if found is not None:
            vectors = found[read].astype(np.float32)
        else:
            vectors = self.embed([texts[i] for i in read])
        cosines = [-np.inf] * len(parts)
        for i, vector in zip(read, vectors, strict=True):
            cosines[i] = float(np.dot(vector, self.query_vector))
        return fused(word_scores, cosines)
