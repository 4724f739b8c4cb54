"""The keyword retriever: Whoosh BM25F over every language's fields.

Each concept of the query becomes an OR group over the title, headings and
body fields of every indexed language, analysed with that field's own
analyser (so "vacations" is stemmed as English for the English fields and as
German for the German ones), plus the tags field. Title and heading matches
weigh more through the field boosts of the index schema. Glossary terms join
the concept's group with a lower boost; multi-word terms must match all their
words. Very long queries keep only their `max_terms` most specific (highest
IDF) concepts, so query cost does not grow with pasted paragraphs.

Filters become sets of Whoosh document numbers, computed once per snapshot
and value and reused: a published snapshot never changes, so neither do they.
Whoosh searchers are not thread-safe; a small pool hands each search its own.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache

from whoosh import query as wq
from whoosh.index import Index
from whoosh.reading import IndexReader
from whoosh.searching import Searcher

from indexer.keyword_index import FALLBACK_LANG, text_fields
from kb.records import EVERYONE
from search.filters import Filters
from search.terms import is_stopword, words
from search.understanding import QueryPlan

logger = logging.getLogger(__name__)

ALTERNATIVE_BOOST = 0.6  # glossary terms count less than the words the user typed
CORRECTION_BOOST = 0.9
DEFAULT_MAX_TERMS = 24
_DOCSET_CACHE = 256
_PRESENCE_CACHE = 200_000


@dataclass(frozen=True)
class KeywordHit:
    """One passage found by keyword, with the query concepts it matched."""

    pid: int
    score: float
    matched: frozenset[int]  # indexes into QueryPlan.concepts


class SearcherPool:
    """Hands out Whoosh searchers, one per concurrent search, reusing idle ones."""

    def __init__(self, index: Index) -> None:
        self.index = index
        self._idle: list[Searcher] = []
        self._lock = threading.Lock()

    @contextmanager
    def searcher(self) -> Iterator[Searcher]:
        with self._lock:
            found = self._idle.pop() if self._idle else None
        searcher = found or self.index.searcher()
        try:
            yield searcher
        finally:
            with self._lock:
                self._idle.append(searcher)

    def close(self) -> None:
        with self._lock:
            idle, self._idle = self._idle, []
        for searcher in idle:
            searcher.close()


class KeywordRetriever:
    """BM25F search over one snapshot's keyword index."""

    def __init__(self, index: Index, languages: list[str],
                 max_terms: int = DEFAULT_MAX_TERMS) -> None:
        self.pool = SearcherPool(index)
        self.languages = [*languages, FALLBACK_LANG]
        self.max_terms = max_terms
        schema = index.schema
        self._analyzers = {lang: schema[text_fields(lang)[2]].analyzer for lang in self.languages}
        self._docsets: dict[tuple[str, str], set[int]] = {}
        self._docset_lock = threading.Lock()
        self._restricted_docs: set[int] | None = None
        self._present: dict[tuple[str, str], bool] = {}
        self.analysed = lru_cache(maxsize=20_000)(self._analyse)

    def _analyse(self, word: str, lang: str) -> tuple[str, ...]:
        return tuple(t.text for t in self._analyzers[lang](word, mode="query"))

    # -- query -------------------------------------------------------------
    def _in_index(self, reader: IndexReader, pair: tuple[str, str]) -> bool:
        """Whether the index holds this term (remembered: the snapshot never changes)."""
        found = self._present.get(pair)
        if found is None:
            found = pair in reader
            if len(self._present) >= _PRESENCE_CACHE:
                self._present.clear()
            self._present[pair] = found
        return found

    def _word_terms(self, reader: IndexReader, word: str) -> list[tuple[str, str]]:
        """(field, indexed term) pairs of one query word that occur in the index.

        Terms the index lacks are left out of the query: each would still cost
        Whoosh a lookup and a matcher per search, for nothing."""
        pairs: list[tuple[str, str]] = [("tags", word)]
        for lang in self.languages:
            for token in self.analysed(word, lang):
                pairs.extend((name, token) for name in text_fields(lang))
        return [p for p in pairs if self._in_index(reader, p)]

    def _term_clause(self, reader: IndexReader, term: str, boost: float,
                     owners: dict[tuple[str, str], set[int]], concept: int) -> wq.Query | None:
        term_words = words(term)
        if len(term_words) > 1:
            term_words = [w for w in term_words if not is_stopword(w)] or term_words
        groups: list[wq.Query] = []
        for word in term_words:
            pairs = self._word_terms(reader, word)
            if not pairs:
                if len(term_words) > 1:
                    return None  # a multi-word term with a word the index lacks cannot match
                continue
            for pair in pairs:
                owners.setdefault(pair, set()).add(concept)
            groups.append(wq.Or([wq.Term(f, t) for f, t in pairs]))
        if not groups:
            return None
        if len(groups) == 1:
            clause = groups[0]
        else:
            clause = wq.And(groups)
            whole = ("tags", " ".join(term_words))
            if self._in_index(reader, whole):
                owners.setdefault(whole, set()).add(concept)
                clause = wq.Or([clause, wq.Term(*whole)])
        clause.boost = boost
        return clause

    def build(self, reader: IndexReader,
              plan: QueryPlan) -> tuple[wq.Query | None, dict[tuple[str, str], set[int]]]:
        """The Whoosh query of a plan, and which concepts each (field, term) stands for."""
        ranked = sorted(range(len(plan.concepts)), key=lambda i: -plan.concepts[i].weight)
        keep = sorted(ranked[: self.max_terms])
        owners: dict[tuple[str, str], set[int]] = {}
        clauses: list[wq.Query] = []
        for index in keep:
            concept = plan.concepts[index]
            corrected = plan.corrections.get(concept.word)
            for term in concept.terms:
                boost = 1.0 if term == concept.word else (
                    CORRECTION_BOOST if term == corrected else ALTERNATIVE_BOOST)
                clause = self._term_clause(reader, term, boost, owners, index)
                if clause is not None:
                    clauses.append(clause)
        if not clauses:
            return None, owners
        return wq.Or(clauses), owners

    # -- filters -----------------------------------------------------------
    def _docset(self, searcher: Searcher, fieldname: str, value: str) -> set[int]:
        key = (fieldname, value)
        found = self._docsets.get(key)
        if found is None:
            found = set(wq.Term(fieldname, value).docs(searcher))
            with self._docset_lock:
                if len(self._docsets) >= _DOCSET_CACHE:
                    self._docsets.clear()
                self._docsets[key] = found
        return found

    def _restricted(self, searcher: Searcher) -> set[int]:
        """Documents whose audience is not everyone (computed once per snapshot)."""
        if self._restricted_docs is None:
            everyone = self._docset(searcher, "audience", EVERYONE)
            self._restricted_docs = {d for d in searcher.reader().all_doc_ids()
                                     if d not in everyone}
        return self._restricted_docs

    def _restrictions(self, searcher: Searcher, filters: Filters) -> tuple[set[int] | None, set[int]]:
        """(documents allowed or None for all, documents masked out)."""
        allow: set[int] | None = None
        if filters.department:
            allow = self._docset(searcher, "department", filters.department)
        for tag in filters.tags:
            docs = self._docset(searcher, "tags", tag)
            allow = docs if allow is None else allow & docs
        mask: set[int] = set()
        if filters.groups is not None:
            restricted = self._restricted(searcher)
            if restricted:
                # difference() walks the (small) restricted set, not the group's documents.
                mask = restricted
                for group in filters.groups:
                    mask = mask.difference(self._docset(searcher, "audience", group))
        return allow, mask

    # -- search ------------------------------------------------------------
    def search(self, plan: QueryPlan, filters: Filters, limit: int) -> list[KeywordHit]:
        """Passages ranked by BM25F, best first."""
        with self.pool.searcher() as searcher:
            query, owners = self.build(searcher.reader(), plan)
            if query is None:
                return []
            allow, mask = self._restrictions(searcher, filters)
            if allow is not None and not allow:
                return []
            results = searcher.search(query, limit=limit, filter=allow or None,
                                      mask=mask or None, terms=True)
            hits = []
            for hit in results:
                matched: set[int] = set()
                for fieldname, text in hit.matched_terms():
                    token = text.decode("utf-8") if isinstance(text, bytes) else text
                    matched |= owners.get((fieldname, token), set())
                hits.append(KeywordHit(int(hit["pid"]), float(hit.score), frozenset(matched)))
        return hits

    def close(self) -> None:
        self.pool.close()
