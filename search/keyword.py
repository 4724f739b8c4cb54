"""The keyword retriever: BM25F over every language's fields of the Whoosh index.

Each concept of the query becomes a clause over the title, headings and body
fields of every indexed language, each word analysed with that field's own
analyser (so "vacations" is stemmed as English for the English fields and as
German for the German ones), plus the tags field. Title and heading matches
weigh more through the field boosts of the index schema. Glossary terms and
spelling corrections are further clauses of the same concept with a lower
boost, as are a German word's dictionary translations (`search.translation`,
boost `translation_boost`); a multi-word term must match all its words (or be
a tag as a whole). Terms the index lacks are left out. Very long queries keep
only their `max_terms` most specific (highest IDF) concepts.

Scoring is `search.bm25` (BM25F, vectorised); `as_whoosh` turns the same
clauses into a Whoosh query, which the tests use to check that both match the
same passages. Filters are boolean arrays over the index's documents,
built once per snapshot and value.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from whoosh import query as wq
from whoosh.index import Index

from indexer.keyword_index import FALLBACK_LANG, text_fields
from indexer.stemming import thread_safe
from search.bm25 import BM25Scorer, Clause, Pair
from search.corpus import Corpus, ReadableCorpora
from search.filters import Filters
from search.terms import is_stopword, words
from search.understanding import QueryPlan

logger = logging.getLogger(__name__)

ALTERNATIVE_BOOST = 0.6  # glossary terms count less than the words the user typed
CORRECTION_BOOST = 0.9
DEFAULT_MAX_TERMS = 24


@dataclass(frozen=True)
class KeywordHit:
    """One passage found by keyword, with the query concepts it matched."""

    pid: int
    score: float
    matched: frozenset[int]  # indexes into QueryPlan.concepts


class KeywordRetriever:
    """BM25F search over one snapshot's keyword index."""

    def __init__(
        self,
        index: Index,
        languages: list[str],
        max_terms: int = DEFAULT_MAX_TERMS,
        translation_boost: float = ALTERNATIVE_BOOST,
    ) -> None:
        self.scorer = BM25Scorer(index)
        self.translation_boost = translation_boost
        self.languages = [*languages, FALLBACK_LANG]
        self.max_terms = max_terms
        schema = index.schema
        # Searches analyse their words in many threads at once (`indexer.stemming`).
        self._analyzers = {
            lang: thread_safe(schema[text_fields(lang)[2]].analyzer) for lang in self.languages
        }
        # The passages each searcher may read: what their scores count (`search.corpus`).
        self.corpora = ReadableCorpora(self.scorer.live, self.scorer.mask, self.scorer.__contains__)
        self.analysed = lru_cache(maxsize=20_000)(self._analyse)

    def _analyse(self, word: str, lang: str) -> tuple[str, ...]:
        return tuple(t.text for t in self._analyzers[lang](word, mode="query"))

    # -- query -------------------------------------------------------------
    def _word_pairs(self, word: str) -> tuple[Pair, ...]:
        """(field, indexed term) pairs of one query word that occur in the index."""
        pairs: list[Pair] = [("tags", word)]
        for lang in self.languages:
            for token in self.analysed(word, lang):
                pairs.extend((name, token) for name in text_fields(lang))
        return tuple(p for p in dict.fromkeys(pairs) if p in self.scorer)

    def _clause(self, term: str, boost: float, concept: int) -> Clause | None:
        term_words = words(term)
        if len(term_words) > 1:
            term_words = [w for w in term_words if not is_stopword(w)] or term_words
        groups = tuple(self._word_pairs(w) for w in term_words)
        tag: Pair | None = None
        if len(term_words) > 1 and ("tags", " ".join(term_words)) in self.scorer:
            tag = ("tags", " ".join(term_words))
        if len(term_words) == 1:
            groups = tuple(g for g in groups if g)
        elif not all(groups):
            groups = ()  # a word the index lacks: the words cannot all match
        if not groups and tag is None:
            return None
        return Clause(concept, boost, groups, tag)

    def build(self, plan: QueryPlan) -> list[Clause]:
        """The clauses of a plan: each concept's own word, correction and glossary terms."""
        ranked = sorted(range(len(plan.concepts)), key=lambda i: -plan.concepts[i].weight)
        clauses: list[Clause] = []
        for index in sorted(ranked[: self.max_terms]):
            concept = plan.concepts[index]
            corrected = plan.corrections.get(concept.word)
            for term in concept.terms:
                if term == concept.word:
                    boost = 1.0
                elif term == corrected:
                    boost = CORRECTION_BOOST
                elif term in concept.translations:
                    boost = self.translation_boost
                else:
                    boost = ALTERNATIVE_BOOST
                clause = self._clause(term, boost, index)
                if clause is not None:
                    clauses.append(clause)
        return clauses

    # -- filters -----------------------------------------------------------
    def allowed(self, filters: Filters) -> np.ndarray | None:
        """Documents the filters let through, or None when nothing is filtered."""
        corpus = self.corpora.for_groups(filters.groups)
        allowed = None if corpus is None else corpus.documents
        if filters.department:
            docs = self.scorer.mask(("department", filters.department))
            allowed = docs if allowed is None else allowed & docs
        for tag in filters.tags:
            docs = self.scorer.mask(("tags", tag))
            allowed = docs if allowed is None else allowed & docs
        return allowed

    # -- search ------------------------------------------------------------
    def search(self, plan: QueryPlan, filters: Filters, limit: int) -> list[KeywordHit]:
        """Passages ranked by BM25F, best first, scored over the passages the
        searcher may read (`search.corpus`)."""
        clauses = self.build(plan)
        if not clauses:
            return []
        corpus = self.corpora.for_groups(filters.groups)
        found = self.scorer.search(clauses, limit, self.allowed(filters), corpus)
        return [KeywordHit(self.scorer.pid(d.docnum), d.score, d.concepts) for d in found]

    def warm(self, budget: int, stop: threading.Event | None = None) -> int:
        """Score the index's most frequent words (stop words aside), as queries
        would look them up, until the scored postings reach `budget` (see
        `BM25Scorer.warm`). Where passages are restricted, half the budget
        goes to the visitors' corpus, which every searcher without a
        restricted audience shares (`search.corpus`)."""
        budget = min(budget, self.scorer.cache_postings)
        if budget <= 0:
            return 0
        words = self.scorer.frequent_pairs(["words"], self.scorer.size * 1000)
        corpora: list[Corpus | None] = [None]
        if self.corpora.restricted:
            corpora.append(self.corpora.for_groups(frozenset()))

        def groups(until: int) -> Iterator[tuple[Pair, ...]]:
            for _, word in words:
                if self.scorer.cached_postings >= until:
                    return
                if not is_stopword(word) and (group := self._word_pairs(word)):
                    yield group

        done = 0
        for n, corpus in enumerate(corpora, start=1):
            done += self.scorer.warm(groups(budget * n // len(corpora)), stop, corpus)
        return done

    def close(self) -> None:
        self.scorer.close()


def as_whoosh(clauses: list[Clause]) -> wq.Query:
    """The Whoosh query that matches what `clauses` match (an OR of the clauses)."""
    parts: list[wq.Query] = []
    for clause in clauses:
        groups: list[wq.Query] = [wq.Or([wq.Term(f, t) for f, t in g]) for g in clause.groups]
        query: wq.Query | None = None
        if len(groups) == 1:
            query = groups[0]
        elif groups:
            query = wq.And(groups)
        if clause.tag is not None:
            tag = wq.Term(*clause.tag)
            query = tag if query is None else wq.Or([query, tag])
        assert query is not None
        query.boost = clause.boost
        parts.append(query)
    return wq.Or(parts)
