"""One search's answer candidates, scored as the engine scores them.

The benchmarks that study the answer passage and the confidence
(`answer_misses`, `confidence_levers`, `fit_confidence`,
`second_look_variants`) need the steps of `SearchEngine.search` before the
answer is chosen; this runs them once, in the engine's order, so each reads
the same evidence the engine does (the second model's cosines where the
`answer_second_model` setting lets the answer read them).
"""

from __future__ import annotations

from dataclasses import dataclass

from indexer.metadata import Passage
from kb.results import Query
from search.answering import AnswerCandidate, answer_candidates
from search.engine import Retrieval, SearchEngine
from search.grouping import ArticleGroup


@dataclass(frozen=True)
class Competition:
    """A search's retrieval, ranked articles, competing passages and their scores."""

    found: Retrieval
    groups: list[ArticleGroup]
    loaded: dict[int, Passage]
    candidates: list[AnswerCandidate]


def competition(engine: SearchEngine, text: str, k: int = 10) -> Competition:
    """Retrieve, rank and score the answer's candidates of one query."""
    found = engine.retrieve(Query(text, k=k))
    groups, _ = engine.rank(found)
    loaded, cosines, sections = engine.competing(found, groups)
    second = found.secondary_cosines if engine.settings.answer_second_model else None
    candidates = answer_candidates(
        groups, loaded, cosines, found.plan, sections=sections, secondary=second
    )
    return Competition(found, groups, loaded, candidates)
