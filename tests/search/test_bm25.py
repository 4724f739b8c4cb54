"""The numpy BM25F scorer must score exactly like Whoosh's own searcher."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest
from whoosh import index as whoosh_index

from indexer.build import IndexBuilder
from indexer.snapshot import current_path
from search.bm25 import BM25Scorer, Clause
from search.keyword import KeywordRetriever, as_whoosh
from tests.search.conftest import build_fixture_index
from tests.support import HashingEmbedder

CLAUSES = [
    Clause(0, 1.0, ((("body_en", "leav"), ("title_en", "leav"), ("tags", "leave")),)),
    Clause(
        1,
        0.6,
        (
            (("body_en", "annual"), ("title_en", "annual")),
            (("body_en", "leav"), ("headings_en", "leav")),
        ),
    ),
    Clause(2, 0.9, ((("body_de", "krank"), ("body_en", "sick")),), tag=("tags", "sick")),
    Clause(3, 1.0, ((("body_en", "vpn"), ("tags", "vpn")),)),
]


def reference_scores(ix: whoosh_index.Index, clauses: list[Clause]) -> dict[int, float]:
    """BM25F computed posting by posting through Whoosh's public reader API,
    written straight from the formula in `search.bm25`'s docstring."""
    K1, B = 1.2, 0.75
    with ix.reader() as reader:
        live = set(reader.all_doc_ids())
        n_docs = len(live)  # deleted documents count nowhere

        def tf(field: str, term: str) -> dict[int, float]:
            if (field, term) not in reader:
                return {}
            average = sum(reader.doc_field_length(d, field) or 0 for d in live) / n_docs
            out = {}
            matcher = reader.postings(field, term)
            while matcher.is_active():
                doc = matcher.id()
                assert doc in live
                length = reader.doc_field_length(doc, field, 0)
                out[doc] = matcher.weight() / ((1 - B) + B * length / average)
                matcher.next()
            return out

        def group(pairs: tuple[tuple[str, str], ...]) -> dict[int, float]:
            summed: dict[int, float] = {}
            for field, term in pairs:
                for doc, value in tf(field, term).items():
                    summed[doc] = summed.get(doc, 0.0) + value
            idf = math.log(1 + (n_docs - len(summed) + 0.5) / (len(summed) + 0.5))
            return {d: idf * v * (K1 + 1) / (v + K1) for d, v in summed.items()}

        total: dict[int, float] = {}
        for clause in clauses:
            per_group = [group(g) for g in clause.groups]
            clause_scores: dict[int, float] = {}
            if per_group:
                common = set.intersection(*(set(g) for g in per_group))
                clause_scores = {d: sum(g[d] for g in per_group) for d in common}
            if clause.tag is not None:
                for doc, value in group((clause.tag,)).items():
                    clause_scores[doc] = clause_scores.get(doc, 0.0) + value
            for doc, value in clause_scores.items():
                total[doc] = total.get(doc, 0.0) + clause.boost * value
        return {d: v for d, v in total.items() if d in live and v > 0}


def check_agreement(ix: whoosh_index.Index) -> None:
    scorer = BM25Scorer(ix)
    try:
        ours = {d.docnum: d.score for d in scorer.search(CLAUSES, limit=1000)}
        expected = reference_scores(ix, CLAUSES)
        with ix.searcher() as searcher:  # the same documents as Whoosh's own query
            matched = {h.docnum for h in searcher.search(as_whoosh(CLAUSES), limit=None)}
        assert ours.keys() == expected.keys() == matched and ours
        for docnum, score in expected.items():
            assert ours[docnum] == pytest.approx(score, rel=1e-5)
    finally:
        scorer.close()


def test_scores_follow_the_bm25f_formula(tmp_path: Path, hashing_embedder: HashingEmbedder) -> None:
    settings = build_fixture_index(tmp_path, hashing_embedder, secondary_model="")
    check_agreement(whoosh_index.open_dir(str(current_path(settings.index_path) / "keyword")))


def test_scores_follow_the_formula_across_segments_and_deletions(
    tmp_path: Path, hashing_embedder: HashingEmbedder
) -> None:
    settings = build_fixture_index(tmp_path, hashing_embedder, secondary_model="")
    sick = settings.content_path / "hr" / "sick-leave.md"
    sick.write_text(sick.read_text(encoding="utf-8") + "\nSick leave is paid.\n", encoding="utf-8")
    IndexBuilder(settings, embedder=hashing_embedder).run()
    ix = whoosh_index.open_dir(str(current_path(settings.index_path) / "keyword"))
    with ix.reader() as reader:
        assert reader.doc_count_all() > reader.doc_count() or len(reader.leaf_readers()) > 1
    check_agreement(ix)


def test_a_word_in_title_and_body_saturates_once(
    tmp_path: Path, hashing_embedder: HashingEmbedder
) -> None:
    """Whoosh's per-field sum counted such a word twice; BM25F adds the
    frequencies first, so the group's score stays below idf · (K1 + 1)."""
    settings = build_fixture_index(tmp_path, hashing_embedder, secondary_model="")
    ix = whoosh_index.open_dir(str(current_path(settings.index_path) / "keyword"))
    scorer = BM25Scorer(ix)
    try:
        ids, scores = scorer.group_scores((("title_en", "vpn"), ("body_en", "vpn")))
        body_ids, _ = scorer.group_scores((("body_en", "vpn"),))
        assert len(ids) and set(body_ids) <= set(ids)
        n = scorer.documents
        idf = math.log(1 + (n - len(ids) + 0.5) / (len(ids) + 0.5))
        assert float(scores.max()) < idf * (scorer.K1 + 1)
    finally:
        scorer.close()


def test_concepts_ranking_limit_and_filter(
    tmp_path: Path, hashing_embedder: HashingEmbedder
) -> None:
    settings = build_fixture_index(tmp_path, hashing_embedder, secondary_model="")
    ix = whoosh_index.open_dir(str(current_path(settings.index_path) / "keyword"))
    scorer = BM25Scorer(ix)
    try:
        found = scorer.search(CLAUSES, limit=2)
        assert len(found) == 2 and found[0].score >= found[1].score
        every = scorer.search(CLAUSES, limit=100)
        assert [d.docnum for d in every[:2]] == [d.docnum for d in found]
        assert all(d.concepts for d in every)
        only_it = scorer.mask(("department", "it"))
        filtered = scorer.search(CLAUSES, limit=100, allowed=only_it)
        assert filtered and all(only_it[d.docnum] for d in filtered)
        assert scorer.search(CLAUSES, limit=100, allowed=np.zeros(scorer.size, bool)) == []
        assert {scorer.pid(d.docnum) for d in every} <= set(range(100))
    finally:
        scorer.close()


def test_cache_stays_within_its_budget(tmp_path: Path, hashing_embedder: HashingEmbedder) -> None:
    settings = build_fixture_index(tmp_path, hashing_embedder, secondary_model="")
    ix = whoosh_index.open_dir(str(current_path(settings.index_path) / "keyword"))
    scorer = BM25Scorer(ix, cache_postings=3)
    try:
        first = scorer.search(CLAUSES, limit=100)
        assert scorer.search(CLAUSES, limit=100) == first
        assert scorer._cached <= 3 or len(scorer._groups) == 1
    finally:
        scorer.close()


def test_warming_scores_the_most_frequent_words_first_and_changes_no_score(
    tmp_path: Path, hashing_embedder: HashingEmbedder
) -> None:
    settings = build_fixture_index(tmp_path, hashing_embedder, secondary_model="")
    ix = whoosh_index.open_dir(str(current_path(settings.index_path) / "keyword"))
    cold = KeywordRetriever(ix, ["en", "de"])
    warmed = KeywordRetriever(ix, ["en", "de"])
    try:
        fields = ["title_en", "body_en", "body_de", "tags"]
        pairs = warmed.scorer.frequent_pairs(fields, budget=10**9)
        with ix.reader() as reader:
            frequencies = [reader.doc_frequency(*p) for p in pairs]
            assert len(pairs) == sum(1 for f in fields for _ in reader.lexicon(f))
        assert frequencies == sorted(frequencies, reverse=True)
        small = warmed.scorer.frequent_pairs(fields, budget=frequencies[0] + frequencies[1])
        assert small == pairs[:2]

        assert warmed.warm(0) == 0 and not warmed.scorer._groups
        scored = warmed.warm(10**9)
        assert scored > 10 and len(warmed.scorer._groups) > 10
        # the groups warming made are the ones a query for the same words uses,
        # over every passage and over the visitors' (the fixture restricts some)
        visitors = warmed.corpora.for_groups(frozenset())
        assert visitors is not None
        leave = warmed._word_pairs("leave")
        assert warmed.scorer._groups.keys() >= {(None, leave), (visitors.key, leave)}
        assert warmed.scorer.search(CLAUSES, limit=100) == cold.scorer.search(CLAUSES, limit=100)
    finally:
        cold.close()
        warmed.close()


def test_engine_warms_in_the_background_and_can_turn_it_off(
    tmp_path: Path, hashing_embedder: HashingEmbedder
) -> None:
    from kb.results import Query
    from search.engine import SearchEngine

    settings = build_fixture_index(tmp_path, hashing_embedder, secondary_model="")
    on = SearchEngine(settings, embedder=hashing_embedder)
    off = SearchEngine(settings.replace(warm_postings=0), embedder=hashing_embedder)
    try:
        assert on.wait_until_warm(timeout=30) and off.wait_until_warm(timeout=1)
        assert on.prepared().keyword.scorer._groups
        assert not off.prepared().keyword.scorer._groups
        for text in ("annual leave", "Krankmeldung", "vpn client"):
            assert on.search(Query(text)).as_dict() | {"latency_ms": 0} == off.search(
                Query(text)
            ).as_dict() | {"latency_ms": 0}
    finally:
        on.close()
        off.close()
