"""Term proximity: articles whose best passage holds query words side by side rank higher.

The keyword side scores each query word on its own (BM25F), so "parental
leave" counts the same in a passage that says "parental leave" as in one that
mentions parents in one paragraph and leave in another. `ProximityBonus`
rescores the first `PROXIMITY_TOP` fused articles: each gets `weight` × the
share of the query's adjacent content-word pairs ("transit subsidy", "jury
duty") that stand next to each other, in either order, in its best passage's
title, headings or body, counted as the keyword index counts positions (the
passage language's analyser: stop words left out, words stemmed). A query
with one content word gets no bonus.

Measured (docs/search.md, "Levers tried", twelfth round;
`benchmarks.proximity_levers`): weight 0.05 over the first fused articles' best
passages, adjacency only, lifted the English nDCG@10 of the tune halves (18F
0.862 → 0.862, +0.0002; labelled 0.937 → 0.946) and lost no question of
either set; a wider window (3 or 8 positions, scored 1 / distance), more
articles (50) or more passages per article (3) changed nothing at this weight,
and weights of 0.2 and more cost the 18F tune half. It costs SciFact a little
(nDCG@10 0.732 → 0.731; weights of 0.1 and more lift it). No model call: the
stored text of at most 15 passages is read and tokenised (cached stems), about
1.2 ms per search on the 18F questions. The bonus was chosen over the first 30
articles; rescoring only the first 15 (or 10) gives every `kb eval` row of the
18F, labelled, holdout and German sets and SciFact's nDCG@10 unchanged to the
fourth decimal, for half the cost (2.3 → 1.2 ms).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace
from functools import lru_cache
from typing import Any

from indexer.keyword_index import FALLBACK_LANG, shared_analyzer
from indexer.metadata import Passage
from search.grouping import ArticleGroup
from search.prepared import PassageCache
from search.understanding import QueryPlan

PROXIMITY_TOP = 15  # fused articles rescored
_WORD = re.compile(r"\w+")
# Words' index terms by language, looked up in a plain dict: a passage's words
# are many and `index_term`'s cache costs more per call than a dict lookup.
_TERMS: dict[str, dict[str, str | None]] = {}
_TERMS_KEPT = 200_000
_UNSEEN: Any = object()  # no word maps to it


@lru_cache(maxsize=200_000)
def index_term(word: str, lang: str) -> str | None:
    """The keyword index's term for one lower-case word of a text in `lang`;
    None for a stop word (which takes no position in the index)."""
    tokens = [t.text for t in shared_analyzer(lang)(word, mode="index")]
    return tokens[0] if tokens else None


def index_terms(text: str, lang: str) -> list[str]:
    """A text's index terms in order: its positions as the keyword index counts them."""
    return [t for w in _WORD.findall(text.lower()) if (t := index_term(w, lang)) is not None]


def word_pairs(words: Sequence[str], lang: str) -> list[tuple[str, str]]:
    """Adjacent content words of the query as index terms (a repeated term is no pair)."""
    terms = [t for w in words if (t := index_term(w.lower(), lang)) is not None]
    return [(a, b) for a, b in zip(terms, terms[1:], strict=False) if a != b]


def adjacent_share(passage: Passage, words: Sequence[str]) -> float:
    """The share of the query's adjacent word pairs that stand next to each other
    (either order) in the passage's title, headings or body."""
    lang = passage.lang if passage.lang in ("en", "de") else FALLBACK_LANG
    pairs = word_pairs(words, lang)
    if not pairs:
        return 0.0
    wanted = {term for pair in pairs for term in pair}
    neighbours: set[tuple[str, str]] = set()
    for text in (passage.title, " ".join(passage.headings), passage.text):
        neighbours.update(_wanted_neighbours(text, lang, wanted))
    return sum((a, b) in neighbours or (b, a) in neighbours for a, b in pairs) / len(pairs)


def _wanted_neighbours(text: str, lang: str, wanted: set[str]) -> set[tuple[str, str]]:
    """The neighbouring index terms of `text` (as `index_terms` counts positions)
    of which both are `wanted`: the same pairs `zip(terms, terms[1:])` would hold,
    without making a pair of every two words."""
    found: set[tuple[str, str]] = set()
    previous: str | None = None
    known = _TERMS.setdefault(lang, {})
    if len(known) > _TERMS_KEPT:
        known.clear()  # a bound on memory; the terms come back as they are met
    for word in _WORD.findall(text.lower()):
        term = known.get(word, _UNSEEN)
        if term is _UNSEEN:
            term = known[word] = index_term(word, lang)
        if term is None:
            continue  # a stop word takes no position
        if previous is not None and term in wanted and previous in wanted:
            found.add((previous, term))
        previous = term
    return found


class ProximityBonus:
    """Adds the proximity bonus to the first fused articles (module docstring)."""

    def __init__(self, weight: float, top: int = PROXIMITY_TOP) -> None:
        self.weight = weight
        self.top = top

    def rescore(
        self, groups: list[ArticleGroup], plan: QueryPlan, passages: PassageCache
    ) -> list[ArticleGroup]:
        """`groups` (fused, best first) with the bonus added and re-sorted; as given
        when the weight is 0 or the query has fewer than two content words."""
        words = [c.word for c in plan.concepts]
        if not self.weight or len(words) < 2 or not groups:
            return groups
        head = groups[: self.top]
        loaded = passages.get([g.best_pid for g in head])
        rescored = [
            replace(g, score=g.score + self.weight * adjacent_share(loaded[g.best_pid], words))
            if g.best_pid in loaded
            else g
            for g in head
        ]
        rescored.sort(key=lambda g: -g.score)  # stable: equal scores keep their order
        return rescored + groups[self.top :]
