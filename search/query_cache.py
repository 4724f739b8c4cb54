"""Query vectors remembered per search process, least recently used dropped.

Embedding a query is the largest part of a search's CPU time (about 12 ms of
one core for MiniLM), and employees' questions repeat: "vpn not working" is
asked every morning. The cache holds the vector of each exact text the
embedder saw; it belongs to one engine, whose embedder never changes.
Callers serialise access (the engine holds its embedding lock).
"""

from __future__ import annotations

import re
from collections import OrderedDict
from collections.abc import Callable

import numpy as np


class QueryVectorCache:
    """Up to `size` query vectors by text; `size` 0 caches nothing."""

    def __init__(self, size: int) -> None:
        self.size = max(0, size)
        self._vectors: OrderedDict[str, np.ndarray] = OrderedDict()
        self.hits = 0
        self.misses = 0

    def get(self, text: str, embed: Callable[[str], np.ndarray]) -> np.ndarray:
        """The vector of `text`, embedded with `embed` when not cached."""
        found = self._vectors.get(text)
        if found is not None:
            self._vectors.move_to_end(text)
            self.hits += 1
            return found
        self.misses += 1
        vector = embed(text)
        if self.size:
            vector.setflags(write=False)  # shared between searches: nobody may change it
            self._vectors[text] = vector
            if len(self._vectors) > self.size:
                self._vectors.popitem(last=False)
        return vector

    def __len__(self) -> int:
        return len(self._vectors)


class TermVectors:
    """Vectors of glossary terms, each embedded once per process.

    The glossary is small and its terms recur in every query that meets them,
    so they are kept without a limit (a few hundred vectors of 1.5 KB). A
    changed glossary only adds terms; callers serialise access."""

    def __init__(self) -> None:
        self._vectors: dict[str, np.ndarray] = {}

    def mean(self, terms: list[str], embed: Callable[[str], np.ndarray]) -> np.ndarray:
        """The mean vector of `terms` (embedded with `embed` when first seen)."""
        for term in terms:
            if term not in self._vectors:
                self._vectors[term] = embed(term)
        return np.mean([self._vectors[t] for t in terms], axis=0)

    def __len__(self) -> int:
        return len(self._vectors)


def with_terms(typed: np.ndarray, terms: np.ndarray | None, weight: float) -> np.ndarray:
    """The typed query's vector plus `weight` times its glossary terms' mean
    vector (None: no terms), back to unit length."""
    if terms is None:
        return typed
    combined = typed + weight * terms
    return (combined / max(float(np.linalg.norm(combined)), 1e-12)).astype(np.float32)


# A word costs the models one token or a few; a run of quotes, brackets or
# emoji without a space is one "word" of hundreds of tokens (500 quotes: 505
# tokens, about twice the CPU of 500 characters of English). So what the models
# read is also bounded in pieces: up to four letters or digits, or one other
# character, each about a token. An honest question of `words` words holds
# fewer than PIECES_PER_WORD pieces a word (64 English words: about 110).
PIECES_PER_WORD = 3
_PIECE = re.compile(r"\w{1,4}|[^\w\s]")


def vector_text(text: str, words: int) -> str:
    """What the embedding models read of a query: its first `words` words (0:
    all of it), so a pasted paragraph costs no more than a long question, and
    within them its first `PIECES_PER_WORD * words` pieces, so a run of
    symbols costs no more than words do."""
    if words <= 0:
        return text
    split = text.split()
    if len(split) > words:
        text = " ".join(split[:words])
    budget = PIECES_PER_WORD * words
    for count, piece in enumerate(_PIECE.finditer(text), start=1):
        if count == budget:
            return text[: piece.end()]
    return text
