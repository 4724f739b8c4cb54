"""The keyword retriever on its own."""

from __future__ import annotations

from kb.settings import Settings
from search.engine import SearchEngine
from search.filters import Filters
from search.synonyms import Glossary
from search.understanding import Concept, QueryPlan, understand


def test_keyword_hits_report_the_concepts_they_matched(fixture_engine: SearchEngine) -> None:
    prepared = fixture_engine.prepared()
    plan = understand("annual leave carried over", lang="en", glossary=Glossary(), corrector=None)
    hits = prepared.keyword.search(plan, Filters(), 10)
    assert hits and hits[0].pid in {p.pid for p in
                                    prepared.snapshot.article_passages("hr/annual-leave.md")}
    words = [c.word for c in plan.concepts]
    assert {words[i] for i in hits[0].matched} >= {"annual", "leave", "carried"}


def test_long_queries_keep_their_most_specific_terms(fixture_index: Settings,
                                                     fixture_engine: SearchEngine) -> None:
    retriever = fixture_engine.prepared().keyword
    concepts = tuple(Concept(f"filler{i}", weight=1.0) for i in range(30)) + (
        Concept("globalprotect", weight=9.0),)
    plan = QueryPlan("long", "en", (), concepts)
    with retriever.pool.searcher() as searcher:
        query, owners = retriever.build(searcher.reader(), plan)
    assert query is not None
    assert ("body_en", "globalprotect") in owners
    assert retriever.max_terms == 24
    assert len({i for found in owners.values() for i in found}) <= 24


def test_terms_missing_from_the_index_are_left_out(fixture_engine: SearchEngine) -> None:
    plan = understand("zzqx", lang="en", glossary=Glossary(), corrector=None)
    assert fixture_engine.prepared().keyword.search(plan, Filters(), 10) == []
