"""The search engine: one query in, ranked articles, an answer and a route out.

    engine = SearchEngine(settings)
    response = engine.search(Query("how many vacation days do I get"))

A search understands the query (normalisation, language, glossary, spelling),
retrieves passages by keyword and by vector, fuses both rankings, groups the
passages into articles, decides whether the top article answers the query and
which department owns it, and renders snippets. The engine follows the index:
each search uses the snapshot that is current when it starts, and structures
built over a snapshot are rebuilt only when the indexer publishes a new one.

`SearchEngine` is safe to share between threads: per-search state is local,
the keyword scorer reads Whoosh's files under a lock, and each embedding model
(tokenizers are not thread-safe) under its own, which an indexer sharing it
takes too (`indexer.embedding.serial`).
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

import numpy as np

from indexer.embedding.base import Embedder
from indexer.embedding.factory import create_embedder, model_name
from indexer.embedding.serial import serial
from indexer.metadata import Passage
from indexer.reader import VANISHED_TRIES, Snapshot, SnapshotReader
from kb.errors import ValidationError
from kb.records import Article, Department
from kb.results import Query, SearchResponse
from kb.settings import Settings
from search.answering import answer_candidates, candidate_pids, choose_answer, relevant_results
from search.confidence import ConfidenceModel
from search.crosslingual import translated_if_cross
from search.evidence import gather_evidence, with_second_model
from search.filters import Filters
from search.fusion import Fusion
from search.grouping import ArticleGroup
from search.highlight import Marker, answer_of, hit_of
from search.keyword import KeywordHit
from search.live_routing import DepartmentSource, EngineRouting, RouteHints, ServiceOwner
from search.prepared import PassageCache, PreparedSnapshot
from search.query_cache import QueryVectorCache, TermVectors, vector_text, with_terms
from search.quote_choice import QuoteChoice
from search.ranking import Ranker
from search.second_look import Judge, deferred_leave_out
from search.section_match import section_cosines
from search.spelling import Vocabulary
from search.synonyms import Glossary, GlossaryFile, glossary_path
from search.threads import limit_threads
from search.understanding import QueryPlan

logger = logging.getLogger(__name__)

TERM_WEIGHT = 1.0  # weight of the glossary terms' mean vector (`SearchEngine.query_vector`)


@dataclass
class Retrieval:
    """The candidates of one search, before fusion."""

    prepared: PreparedSnapshot
    plan: QueryPlan
    keyword: list[KeywordHit]
    vector: list[tuple[int, float]]
    passages: PassageCache
    query_vector: np.ndarray
    # The second model's candidates (setting secondary_model; search.ensemble),
    # its query vector, and its cosines of the answer's candidates (`competing`;
    # empty where its list took no part: `Ranker.secondary_cosines`).
    secondary: list[tuple[int, float]] = field(default_factory=list)
    secondary_query: np.ndarray | None = None
    secondary_cosines: dict[int, float] = field(default_factory=dict)
    # What fusion reads of the vector side (search.feedback); empty: `vector`.
    fused_vector: list[tuple[int, float]] = field(default_factory=list)


class SearchEngine:
    """Hybrid search over the published index of one index folder.

    An engine that creates its own embedder (a serving process) limits torch
    and FAISS to `search_threads` threads per call; see `limit_threads`."""

    def __init__(
        self,
        settings: Settings,
        reader: SnapshotReader | None = None,
        embedder: Embedder | None = None,
        confidence: ConfidenceModel | None = None,
        route_hints: RouteHints | None = None,
        secondary_embedder: Embedder | None = None,
        route_departments: DepartmentSource | None = None,
        route_services: ServiceOwner | None = None,
    ) -> None:
        self.settings = settings
        # Reassignments' shares, the content root's department keywords and the
        # service catalogue's matched entry (live_routing).
        self.routing = EngineRouting(route_hints, route_departments, route_services)
        self._embedder = serial(embedder) if embedder is not None else None
        if embedder is None and settings.search_threads > 0:
            limit_threads(settings.search_threads)
        self.reader = reader or SnapshotReader(
            settings.index_path,
            expect_model=embedder.name if embedder else model_name(settings.embedding_model),
        )
        self.ranker = Ranker(settings, secondary_embedder)
        self.fusion: Fusion = self.ranker.fusion
        self.cross, self.ensemble = self.ranker.cross, self.ranker.ensemble
        self.confidence = confidence or ConfidenceModel()
        self.judge = Judge.of(self.confidence, settings)
        self.glossary = GlossaryFile(glossary_path(settings.glossary_file, settings.content_path))
        self._prepared: PreparedSnapshot | None = None
        self._prepare_lock = threading.Lock()
        self._embed_lock = threading.Lock()
        # Employees repeat questions: a query's vector is computed once per process.
        self._query_vectors = QueryVectorCache(settings.query_cache_size)
        self._glossary_vocabulary: tuple[Glossary, Vocabulary] | None = None
        self._term_vectors = TermVectors()

    # -- shared resources ----------------------------------------------------
    @property
    def embedder(self) -> Embedder:
        if self._embedder is None:
            with self._embed_lock:
                if self._embedder is None:
                    logger.info("loading embedding model %s", self.settings.embedding_model)
                    self._embedder = serial(
                        create_embedder(
                            self.settings.embedding_model,
                            self.settings.device,
                            self.settings.embed_batch_size,
                            threads=self.settings.search_threads or None,
                        )
                    )
        return self._embedder

    def prepared(self) -> PreparedSnapshot:
        """The current snapshot with its search structures (built on first use)."""
        snapshot = self.reader.get()
        current = self._prepared
        if current is not None and current.snapshot is snapshot:
            return current
        with self._prepare_lock:
            if self._prepared is None or self._prepared.snapshot is not snapshot:
                previous, self._prepared = self._prepared, self._build(snapshot)
                self._prepared.warm_in_background(self.settings.warm_postings)
                if previous is not None:
                    previous.close()  # idle searchers only; running searches finish
            return self._prepared

    def _build(self, snapshot: Snapshot) -> PreparedSnapshot:
        """`snapshot` prepared for search; one that the garbage collector removed
        meanwhile (index runs in a row) gives way to the one published after it."""
        tries = VANISHED_TRIES
        while True:
            logger.info("preparing snapshot %s for search", snapshot.name)
            try:
                return PreparedSnapshot.build(snapshot, self.settings)
            except Exception:
                tries -= 1
                if snapshot.path.exists() or not tries:
                    raise
                logger.info("snapshot %s was removed while it was prepared", snapshot.name)
                snapshot = self.reader.get()

    def wait_until_warm(self, timeout: float | None = None) -> bool:
        """Prepare the current snapshot; wait until its frequent terms are scored."""
        return self.prepared().warmed.wait(timeout)

    def _glossary_words(self, glossary: Glossary) -> Vocabulary:
        cached = self._glossary_vocabulary
        if cached is None or cached[0] is not glossary:
            cached = (glossary, Vocabulary(dict.fromkeys(glossary.vocabulary(), 1), 1))
            self._glossary_vocabulary = cached
        return cached[1]

    def embed(self, text: str) -> np.ndarray:
        """The query vector of a text, through the query-vector cache."""
        embedder = self.embedder
        with self._embed_lock:
            return self._query_vectors.get(text, embedder.embed_query)

    def query_vector(self, plan: QueryPlan) -> np.ndarray:
        """What the vector retriever searches with: the typed query's vector (of
        its first `query_vector_words` words) plus TERM_WEIGHT times the mean
        vector of its glossary terms, unit length.

        A term's vector is the same in every query, so it is embedded once per
        process (`TermVectors`) and only the typed text costs an embedding per
        search. Embedding "query (term, term, ...)" as one text, as before,
        doubled the tokens of the sample content's questions (11.8 → 22.7 on
        average) and the multilingual model's cost grows with them (about
        0.8 ms of CPU per token): a search's CPU time on the sample index fell
        from 22.1 to 14.2 ms at the median and from 40.1 to 18.4 ms at p95.
        Ranking is unchanged within a query (labelled set, tune half: nDCG@10
        0.939 joint, 0.937 at weight 1, 0.931 at 0.5, 0.932 at 1.5; typed text
        alone 0.915, and the held-out German questions' top 3 5 of 7 → 4)."""
        typed = self.embed(vector_text(plan.text, self.settings.query_vector_words))
        extra = plan.extra_terms
        if not extra:
            return typed
        embedder = self.embedder
        with self._embed_lock:
            terms = self._term_vectors.mean(extra, embedder.embed_query)
        return with_terms(typed, terms, TERM_WEIGHT)

    # -- the public API ------------------------------------------------------
    def search(self, query: Query) -> SearchResponse:
        """Search every department's knowledge for one query."""
        started = time.perf_counter()
        found = self.retrieve(query)
        plan, passages = found.plan, found.passages
        groups, article_of = self.rank(found)
        # Only the passages shown or competing for the answer are read.
        loaded, cosines, sections = self.competing(found, groups)
        second = found.secondary_cosines if self.settings.answer_second_model else None
        candidates = answer_candidates(
            groups, loaded, cosines, plan, sections=sections, secondary=second
        )
        evidence = gather_evidence(
            groups, plan, found.keyword, found.vector, article_of, candidates, loaded
        )
        evidence = with_second_model(evidence, found.secondary, bool(found.secondary_cosines))
        leave_out = deferred_leave_out(self.embed, found.prepared.vector, plan, loaded, candidates)
        judged = self.judge(evidence, leave_out, nonsense=plan.nonsense)
        confidence, answered = judged.confidence, judged.answered
        floor, heard = self.settings.relevance_floor, answered or not plan.unheard
        routed = relevant_results(groups, floor, plan.nonsense)
        route = self.routing.route(found.prepared, plan, routed, found.query_vector, heard)
        shown_floor = floor if query.floor else 0.0  # evaluation ranks below the floor too
        relevant = relevant_results(groups, shown_floor, plan.lists_nothing(answered))
        match = Marker(plan.match_stems(), negated=plan.negated)
        first = (query.page - 1) * query.k
        page = relevant[first : first + query.k]
        loaded.update(passages.get(g.best_pid for g in page))
        hits = [hit_of(g.article_id, g.score, loaded[g.best_pid], match) for g in page]
        answer = None
        if answered:
            chosen = choose_answer(candidates, loaded, plan, found.prepared.snapshot.lead_passage)
            quote = None
            if self.settings.answer_quote_by_meaning:
                stored = partial(found.prepared.snapshot.sentence_vectors, chosen.pid)
                quote = QuoteChoice(self.embedder.embed, found.query_vector, stored)
            answer = answer_of(chosen, plan.coverage, match, quote)
        return SearchResponse(
            query=query.text,
            answered=answered,
            confidence=confidence,
            answer=answer,
            department=route.department,
            department_confidence=route.confidence,
            did_you_mean=plan.did_you_mean,
            results=hits,
            total=len(relevant),
            page=query.page,
            lang=plan.lang,
            expanded_terms=plan.expanded_terms,
            latency_ms=(time.perf_counter() - started) * 1000.0,
            features=judged.features,
        )

    def rank(self, found: Retrieval) -> tuple[list[ArticleGroup], dict[int, str]]:
        """Fused articles (passages in fused order; `search.ranking`), passage → article."""
        keyword = [(h.pid, h.score) for h in found.keyword]
        lists = (keyword, found.fused_vector or found.vector, found.secondary)
        snapshot, plan = found.prepared.snapshot, found.plan
        groups, article_of = self.ranker.rank(snapshot, plan.lang, lists, found.query_vector)
        return self.ranker.rescored(found, groups, article_of), article_of

    def competing(
        self, found: Retrieval, groups: list[ArticleGroup]
    ) -> tuple[dict[int, Passage], dict[int, float], dict[int, float]]:
        """The competing passages (and the top result's), their and their sections'
        cosines; the second model's go to `found.secondary_cosines`."""
        pids = candidate_pids(groups)
        loaded = found.passages.get([g.best_pid for g in groups[:1]] + pids)
        cosines = found.prepared.vector.cosines(found.query_vector, pids, dict(found.vector))
        found.secondary_cosines = self.ranker.secondary_cosines(
            found.prepared,
            found.plan.lang,
            (found.fused_vector or found.vector, found.secondary),
            found.secondary_query,
            pids,
        )
        vectors = found.prepared.snapshot.heading_vectors
        return loaded, cosines, section_cosines(vectors, loaded, found.query_vector)

    def retrieve(self, query: Query) -> Retrieval:
        """Understand the query and take candidates from both retrievers (before fusion)."""
        self._validate(query)
        prepared, glossary = self.prepared(), self.glossary.get()
        words, site = self._glossary_words(glossary), self.settings.default_language
        plan = prepared.understand(query, glossary, words, site)
        filters = Filters.of(query)
        if not prepared.restricted:
            filters = filters.without_audience()
        self._check_department(prepared, filters)
        limit = self.settings.candidates
        passages = PassageCache(prepared.snapshot)
        readable = prepared.vector_filter(filters)
        vector = self.query_vector(plan)
        vector_hits = prepared.vector.search(vector, limit, readable)
        # Translations only where the vector side finds articles in another language.
        plan = translated_if_cross(plan, prepared.snapshot, vector_hits)
        keyword_hits = prepared.keyword.search(plan, filters, limit)
        found = Retrieval(prepared, plan, keyword_hits, vector_hits, passages, vector)
        found.fused_vector = self.ranker.feedback.search(
            prepared.vector, vector, vector_hits, limit, readable
        )
        if self.ensemble is not None:
            pids = [h.pid for h in keyword_hits] + [p for p, _ in vector_hits]
            found.secondary, found.secondary_query = self.ensemble.retrieve(
                prepared, plan, limit, TERM_WEIGHT, pids, readable
            )
        return found

    def suggest(
        self, prefix: str, limit: int = 8, groups: frozenset[str] | None = None
    ) -> list[str]:
        """Titles for a typed prefix: titles that start with it first, then word starts."""
        prepared = self.prepared()
        if groups is None:
            return prepared.titles.match(prefix, limit)
        filters = Filters(groups=frozenset(g.lower() for g in groups))
        return prepared.titles.match(
            prefix, limit, lambda article_id: filters.audience_allows(prepared.audience(article_id))
        )

    def article(self, article_id: str, groups: frozenset[str] | None = None) -> Article | None:
        """An indexed article, or None when it is unknown or not visible to `groups`."""
        article = self.prepared().snapshot.article(article_id)
        if article is None or not article.visible_to(
            None if groups is None else frozenset(g.lower() for g in groups)
        ):
            return None
        return article

    def titles(self) -> dict[str, str]:
        """Article id → title of every indexed article (the editor's link picker)."""
        return {aid: title for aid, (title, _) in self.prepared().snapshot.titles.items()}

    def original(self, article: Article) -> Path | None:
        """Where the current snapshot keeps the original file of a document article."""
        return self.kept_file(article.original) if article.original else None

    def kept_file(self, digest: str) -> Path | None:
        """Where the current snapshot keeps the file (a document's original, an
        article's picture) whose SHA-256 is `digest`; None when it keeps none."""
        from indexer.originals import original_path

        return original_path(self.prepared().snapshot.path, digest)

    def departments(self) -> list[Department]:
        """The departments of the index, by slug."""
        found = self.prepared().snapshot.departments
        return [found[slug] for slug in sorted(found)]

    def document_languages(self) -> dict[str, str]:
        """Article id → language of every indexed article (for evaluation reports)."""
        with self.prepared().snapshot.keyword.reader() as reader:
            return {
                str(f["article_id"]): str(f.get("lang") or "") for f in reader.all_stored_fields()
            }

    def close(self) -> None:
        if self._prepared is not None:
            self._prepared.close()

    # -- steps ---------------------------------------------------------------
    def _validate(self, query: Query) -> None:
        chars, most, k = len(query.text), self.settings.max_query_chars, self.settings.max_k
        if chars > most:
            raise ValidationError(
                f"query is {chars} characters long; the limit is {most} (setting max_query_chars)",
                key="too_long",
                values={"field": "q", "length": chars, "limit": most},
            )
        if query.k > k:
            raise ValidationError(
                f"k={query.k} asks for too many results; the limit is {k} (setting max_k)",
                key="at_most",
                values={"field": "k", "limit": k},
            )

    def _check_department(self, prepared: PreparedSnapshot, filters: Filters) -> None:
        known = prepared.snapshot.departments
        if filters.department and filters.department not in known:
            names = ", ".join(sorted(known))
            raise ValidationError(
                f"unknown department {filters.department!r}; known departments: {names}",
                key="unknown_department",
                values={"field": "department", "value": filters.department, "known": names},
            )
