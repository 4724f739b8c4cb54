"""Keyword statistics over the passages a searcher may read (`search.corpus`)."""

from __future__ import annotations

import dataclasses
import shutil
from pathlib import Path

import pytest
from whoosh import index as whoosh_index

from indexer.snapshot import current_path
from kb.results import Query, SearchResponse
from kb.settings import Settings
from search.engine import SearchEngine
from search.filters import Filters
from search.keyword import KeywordHit, KeywordRetriever
from search.synonyms import Glossary
from search.understanding import understand
from tests.search.conftest import FIXTURES, build_fixture_index
from tests.support import HashingEmbedder

# A managers-only article rich in the words of the queries below.
MANAGERS = """\
---
title: Annual leave and vacation requests for managers
audience: [managers]
tags: [leave, vacation]
---
Approve annual leave requests and vacation requests: annual leave, vacation
days, leave requests, sick leave and the doctor's certificate, VPN access for
leave cover. Leave, leave, vacation, vacation, request, request, annual, days.
"""

QUERIES = ("how do I request annual leave", "vacation days", "sick leave certificate", "vpn")


def _with_managers_article(root: Path, embedder: HashingEmbedder) -> Settings:
    """The search fixture (with its HR-only runbook) plus the managers' article."""
    settings = build_fixture_index(root, embedder)
    (settings.content_path / "hr" / "leave-planning.md").write_text(MANAGERS, encoding="utf-8")
    from indexer.build import IndexBuilder

    IndexBuilder(settings, embedder=embedder).run()
    return settings


def _public_only(root: Path, embedder: HashingEmbedder) -> Settings:
    """The fixture content alone: no restricted article at all."""
    shutil.copytree(FIXTURES / "content", root / "content")
    settings = Settings.load(
        {"content_dir": str(root / "content"), "index_dir": str(root / "index")}, environ={}
    )
    from indexer.build import IndexBuilder

    IndexBuilder(settings, embedder=embedder).run()
    return settings


def _named(keyword: KeywordRetriever, hits: list[KeywordHit]) -> list[tuple[str, float]]:
    """(article id, score) of each hit: passage ids differ between two indexes."""
    articles = dict(keyword.scorer.key(d)[::-1] for d in range(keyword.scorer.size))
    return [(articles[hit.pid], hit.score) for hit in hits]


def _seen(response: SearchResponse) -> SearchResponse:
    return dataclasses.replace(response, latency_ms=0.0)


def test_a_restricted_article_rich_in_the_query_never_moves_what_others_see(
    tmp_path: Path, hashing_embedder: HashingEmbedder
) -> None:
    # BM25F's IDF and average field lengths counted every passage, so an
    # article closed to a searcher moved their scores, order and confidence
    # with the words it holds.
    first = build_fixture_index(tmp_path / "a", hashing_embedder)
    without = SearchEngine(first, embedder=hashing_embedder)
    settings = _with_managers_article(tmp_path / "b", hashing_embedder)
    with_it = SearchEngine(settings, embedder=hashing_embedder)
    try:
        for text in QUERIES:
            for groups in (frozenset(), frozenset({"hr"}), frozenset({"finance", "it"})):
                before = without.search(Query(text, groups=groups))
                after = with_it.search(Query(text, groups=groups))
                assert before.results, (text, groups)
                assert _seen(after) == _seen(before), (text, groups)
        # Its audience, and unrestricted callers, do score with it.
        for groups in (frozenset({"managers"}), None):
            found = with_it.search(Query("annual leave", groups=groups))
            assert "hr/leave-planning.md" in [hit.id for hit in found.results]
        scores = [
            [hit.score for hit in engine.search(Query("vacation days", groups=None)).results]
            for engine in (without, with_it)
        ]
        assert scores[0] != scores[1][: len(scores[0])]
    finally:
        without.close()
        with_it.close()


def test_a_searchers_keyword_scores_are_those_of_an_index_of_what_they_may_read(
    tmp_path: Path, hashing_embedder: HashingEmbedder
) -> None:
    public = _public_only(tmp_path / "public", hashing_embedder)
    mixed = _with_managers_article(tmp_path / "mixed", hashing_embedder)

    def retriever(settings: Settings) -> KeywordRetriever:
        path = current_path(settings.index_path) / "keyword"
        return KeywordRetriever(whoosh_index.open_dir(str(path)), ["en", "de"])

    alone, shared = retriever(public), retriever(mixed)
    try:
        for text in QUERIES:
            plan = understand(text, lang="en", glossary=Glossary(), corrector=None)
            expected = alone.search(plan, Filters(), 50)
            found = shared.search(plan, Filters(groups=frozenset({"it"})), 50)
            assert expected, text
            assert _named(shared, found) == _named(alone, expected)
        # Every searcher without a restricted audience shares one corpus;
        # one who may read everything scores over the whole index.
        assert shared.corpora.for_groups(frozenset()) is shared.corpora.for_groups(
            frozenset({"it", "everyone", "nobody"})
        )
        assert shared.corpora.for_groups(frozenset({"hr", "managers"})) is None
        assert shared.corpora.for_groups(None) is None
        assert alone.corpora.for_groups(frozenset()) is None
    finally:
        alone.close()
        shared.close()


@pytest.mark.parametrize("groups", [frozenset({"managers"}), frozenset({"hr"})])
def test_a_searcher_of_a_restricted_audience_scores_over_what_they_may_read(
    tmp_path: Path, hashing_embedder: HashingEmbedder, groups: frozenset[str]
) -> None:
    settings = _with_managers_article(tmp_path, hashing_embedder)
    path = current_path(settings.index_path) / "keyword"
    keyword = KeywordRetriever(whoosh_index.open_dir(str(path)), ["en", "de"])
    try:
        corpus = keyword.corpora.for_groups(groups)
        assert corpus is not None
        readable = [keyword.scorer.key(int(d))[0] for d in corpus.documents.nonzero()[0]]
        assert ("hr/leave-planning.md" in readable) == ("managers" in groups)
        assert ("hr/payroll-runbook.md" in readable) == ("hr" in groups)
        assert "it/vpn-setup.md" in readable
    finally:
        keyword.close()
