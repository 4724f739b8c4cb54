"""Everything a search needs from one snapshot, prepared once per snapshot.

The retrievers, the vocabulary for spelling, the router and the title list for
suggestions are built when a snapshot is first searched and reused until the
indexer publishes the next one; nothing here is recomputed per query.
`PassageCache` is the opposite: it lives for one search and makes sure each
passage is read from the snapshot at most once.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from indexer.german_spelling import GERMAN
from indexer.keyword_index import field_terms
from indexer.metadata import Passage
from indexer.reader import Snapshot
from kb.records import EVERYONE
from kb.results import Query
from kb.settings import Settings
from search.department_classifier import classifier_of
from search.dictionary import configured_dictionary
from search.filters import Filters
from search.keyword import DEFAULT_MAX_TERMS, KeywordRetriever
from search.readable import ReadablePassages, ReadableSelector
from search.routing import Router
from search.spelling import (
    AudienceVocabularies,
    RestrictedStems,
    SpellingCorrector,
    Vocabulary,
    passage_words,
)
from search.suggestions import TitleIndex
from search.synonyms import Glossary
from search.translation import Translator, index_knows
from search.understanding import QueryPlan, understand
from search.vector import VectorRetriever

logger = logging.getLogger(__name__)


@dataclass
class PreparedSnapshot:
    """One snapshot and the search structures built over it."""

    snapshot: Snapshot
    keyword: KeywordRetriever
    vector: VectorRetriever
    vocabulary: Vocabulary
    router: Router
    titles: TitleIndex
    translator: Translator
    # Whether any article has a restricted audience; if none, searches skip
    # the audience filter altogether.
    restricted: bool = True
    # The vocabulary each searcher may see, for "did you mean".
    spelling: AudienceVocabularies | None = None
    # The second model's vectors (setting secondary_model; search.ensemble).
    secondary: VectorRetriever | None = None
    # The passages each searcher may read, as FAISS selectors (made on first use).
    _readable: ReadablePassages | None = field(default=None, repr=False)
    _audiences: dict[str, tuple[str, ...]] = field(default_factory=dict, repr=False)
    # A searcher's vocabulary's id → it and the translator over its words.
    _translators: dict[int, tuple[Vocabulary, Translator]] = field(default_factory=dict, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    # Set when `warm` has finished (or was never asked for); `closing` stops it.
    warmed: threading.Event = field(default_factory=threading.Event, repr=False)
    closing: threading.Event = field(default_factory=threading.Event, repr=False)

    @classmethod
    def build(
        cls, snapshot: Snapshot, settings: Settings, max_terms: int = DEFAULT_MAX_TERMS
    ) -> PreparedSnapshot:
        keyword = KeywordRetriever(
            snapshot.keyword, snapshot.languages, max_terms, settings.translation_boost
        )
        with snapshot.keyword.reader() as reader:
            vocabulary = Vocabulary.from_reader(reader, snapshot.languages)
        translator = Translator(
            configured_dictionary(
                settings.translation_dictionary, settings.translation_dictionary_cache
            ),
            _knows(vocabulary),
            settings.translation_terms,
        )
        german = {aid for aid, lang in snapshot.article_langs.items() if lang == GERMAN}
        titles = TitleIndex(((aid, title) for aid, (title, _) in snapshot.titles.items()), german)
        hidden = [
            pid
            for pid, owner in snapshot.owners.items()
            if EVERYONE not in {a.lower() for a in owner.audience}
        ]
        weight = settings.route_classifier_weight
        router = Router(
            snapshot.departments,
            settings.triage_department,
            settings.route_threshold,
            classifier=classifier_of(snapshot, hidden) if weight > 0 else None,
            classifier_share=weight,
        )

        def order(pid: int) -> tuple[str, int]:
            return _passage_order(snapshot, pid)

        second = snapshot.secondary
        return cls(
            snapshot,
            keyword,
            VectorRetriever(snapshot.vectors, order),
            vocabulary,
            router,
            titles,
            translator,
            bool(hidden),
            AudienceVocabularies(vocabulary, *_restricted_terms(snapshot, hidden)),
            VectorRetriever(second, order) if second is not None else None,
        )

    def spelling_vocabulary(self, groups: frozenset[str] | None) -> Vocabulary:
        """What "did you mean" may offer a searcher with `groups` (None: everything)."""
        return self.spelling.for_groups(groups) if self.spelling else self.vocabulary

    def understand(
        self, query: Query, glossary: Glossary, glossary_words: Vocabulary, site: str
    ) -> QueryPlan:
        """The query's plan over the vocabulary the searcher may see (spelling
        corrections, IDF weights, dictionary translations); a query too short
        to detect is in its `fallback_lang`, else the `site`'s language."""
        # The searcher's own vocabulary for the IDF weights too: a word only
        # restricted passages hold weighs for others as one no passage holds
        # (a weight sets the coverage, and with it the confidence answered).
        vocabulary = self.spelling_vocabulary(query.groups)
        return understand(
            query.text,
            lang=query.lang,
            glossary=glossary,
            corrector=SpellingCorrector(vocabulary, glossary_words, self.real_word()),
            idf=vocabulary.idf,
            translate=self.translator_for(query.groups),
            fallback=query.fallback_lang or site,
        )

    def real_word(self) -> Callable[[str], bool] | None:
        """Whether the general dictionary knows a word (None without one)."""
        dictionary = self.translator.dictionary
        return dictionary.knows if len(dictionary) else None

    def translator_for(self, groups: frozenset[str] | None) -> Translator:
        """The dictionary translations a searcher with `groups` may be given:
        only terms the passages they may read hold. A German word translated
        into a word only restricted articles hold would otherwise make a query
        of it known, and list results, where an untranslated one lists none."""
        vocabulary = self.spelling_vocabulary(groups)
        if vocabulary is self.vocabulary:
            return self.translator
        found = self._translators.get(id(vocabulary))
        if found is None or found[0] is not vocabulary:
            found = (vocabulary, self.translator.over(_knows(vocabulary)))
            with self._lock:
                if len(self._translators) >= AudienceVocabularies.MAX_CACHED:
                    self._translators.clear()
                self._translators[id(vocabulary)] = found
        return found[1]

    def vector_filter(self, filters: Filters) -> ReadableSelector | None:
        """The passages the vector side may return for `filters`, selected
        inside FAISS (None: all of them): those the searcher may read, of the
        department and with the tags asked for; `search.readable`."""
        if not self.restricted:
            filters = filters.without_audience()
        if not filters.active:
            return None
        if self._readable is None:
            with self._lock:
                if self._readable is None:
                    self._readable = ReadablePassages(self.snapshot.owners)
        return self._readable.for_filters(filters)

    def audience(self, article_id: str) -> tuple[str, ...]:
        """The audience of an article (read once, then remembered)."""
        found = self._audiences.get(article_id)
        if found is None:
            article = self.snapshot.article(article_id)
            found = article.audience if article else ()
            with self._lock:
                self._audiences[article_id] = found
        return found

    def warm(self, postings: int) -> None:
        """Score the most frequent keyword terms, up to `postings` postings, so
        that the first searches that use them do not pay for reading them."""
        started = time.perf_counter()
        try:
            terms = self.keyword.warm(postings, self.closing)
            logger.info(
                "snapshot %s: %d frequent terms scored in %.1f s",
                self.snapshot.name,
                terms,
                time.perf_counter() - started,
            )
        except Exception:  # noqa: BLE001 - warming is an optimisation, never an outage
            if not self.closing.is_set():
                logger.exception("warming the keyword scorer failed; searches score on demand")
        finally:
            self.warmed.set()

    def warm_in_background(self, postings: int) -> None:
        if postings <= 0:
            self.warmed.set()
            return
        threading.Thread(
            target=self.warm, args=(postings,), name="kb-warm-terms", daemon=True
        ).start()

    def close(self) -> None:
        self.closing.set()
        self.keyword.close()


def _passage_order(snapshot: Snapshot, pid: int) -> tuple[str, int]:
    """(article id, passage id): how equal scores are ordered (see `search.bm25`)."""
    owner = snapshot.owners.get(pid)
    return (owner[0] if owner is not None else "", pid)


def _knows(vocabulary: Vocabulary) -> Callable[[str], bool]:
    """Whether an English word occurs in `vocabulary` (as written, or by its stem)."""
    return index_knows(
        vocabulary.frequency, vocabulary.language_stems.get("en", frozenset()).__contains__
    )


def _restricted_terms(
    snapshot: Snapshot, pids: list[int]
) -> tuple[dict[tuple[str, ...], list[set[str]]], RestrictedStems]:
    """The words of each restricted passage, and the stems they put into their
    language's fields (as the keyword index analyses them), by audience."""
    words: dict[tuple[str, ...], list[set[str]]] = {}
    stems: dict[tuple[str, ...], dict[str, Counter[str]]] = {}
    for start in range(0, len(pids), 1000):
        for passage in snapshot.passages(pids[start : start + 1000]).values():
            found = passage_words(passage.title, passage.headings, passage.text)
            words.setdefault(passage.audience, []).append(found)
            if passage.lang in snapshot.languages:
                terms = field_terms(passage.lang, passage.title, passage.headings, passage.text)
                by_lang = stems.setdefault(passage.audience, {})
                by_lang.setdefault(passage.lang, Counter()).update(terms)
    return words, stems


class PassageCache:
    """Passages of one search, each read from the snapshot at most once."""

    def __init__(self, snapshot: Snapshot) -> None:
        self.snapshot = snapshot
        self._loaded: dict[int, Passage] = {}

    def get(self, pids: Iterable[int]) -> dict[int, Passage]:
        wanted = list(dict.fromkeys(pids))
        missing = [p for p in wanted if p not in self._loaded]
        if missing:
            self._loaded.update(self.snapshot.passages(missing))
        return {p: self._loaded[p] for p in wanted if p in self._loaded}

    def __getitem__(self, pid: int) -> Passage:
        return self._loaded[pid]
