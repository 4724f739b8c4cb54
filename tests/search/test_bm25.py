"""The numpy BM25F scorer must score exactly like Whoosh's own searcher."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from whoosh import index as whoosh_index

from indexer.build import IndexBuilder
from indexer.snapshot import current_path
from search.bm25 import BM25Scorer, Clause
from search.keyword import as_whoosh
from tests.search.conftest import HashingEmbedder, build_fixture_index

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


def whoosh_scores(ix: whoosh_index.Index, clauses: list[Clause]) -> dict[int, float]:
    with ix.searcher() as searcher:
        return {hit.docnum: hit.score for hit in searcher.search(as_whoosh(clauses), limit=None)}


def check_agreement(ix: whoosh_index.Index) -> None:
    scorer = BM25Scorer(ix)
    try:
        ours = {d.docnum: d.score for d in scorer.search(CLAUSES, limit=1000)}
        theirs = whoosh_scores(ix, CLAUSES)
        assert ours.keys() == theirs.keys() and ours
        for docnum, score in theirs.items():
            assert ours[docnum] == pytest.approx(score, rel=1e-5)
    finally:
        scorer.close()


def test_scores_match_whoosh(tmp_path: Path, hashing_embedder: HashingEmbedder) -> None:
    settings = build_fixture_index(tmp_path, hashing_embedder)
    check_agreement(whoosh_index.open_dir(str(current_path(settings.index_path) / "keyword")))


def test_scores_match_whoosh_across_segments_and_deletions(
    tmp_path: Path, hashing_embedder: HashingEmbedder
) -> None:
    settings = build_fixture_index(tmp_path, hashing_embedder)
    sick = settings.content_path / "hr" / "sick-leave.md"
    sick.write_text(sick.read_text(encoding="utf-8") + "\nSick leave is paid.\n", encoding="utf-8")
    IndexBuilder(settings, embedder=hashing_embedder).run()
    ix = whoosh_index.open_dir(str(current_path(settings.index_path) / "keyword"))
    with ix.reader() as reader:
        assert reader.doc_count_all() > reader.doc_count() or len(reader.leaf_readers()) > 1
    check_agreement(ix)


def test_concepts_ranking_limit_and_filter(
    tmp_path: Path, hashing_embedder: HashingEmbedder
) -> None:
    settings = build_fixture_index(tmp_path, hashing_embedder)
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
    settings = build_fixture_index(tmp_path, hashing_embedder)
    ix = whoosh_index.open_dir(str(current_path(settings.index_path) / "keyword"))
    scorer = BM25Scorer(ix, cache_postings=3)
    try:
        first = scorer.search(CLAUSES, limit=100)
        assert scorer.search(CLAUSES, limit=100) == first
        assert scorer._cached <= 3 or len(scorer._scored) == 1
    finally:
        scorer.close()
