"""The keyword retriever on its own."""

from __future__ import annotations

from search.engine import SearchEngine
from search.filters import Filters
from search.synonyms import Glossary
from search.understanding import Concept, QueryPlan, understand


def test_keyword_hits_report_the_concepts_they_matched(fixture_engine: SearchEngine) -> None:
    prepared = fixture_engine.prepared()
    plan = understand("annual leave carried over", lang="en", glossary=Glossary(), corrector=None)
    hits = prepared.keyword.search(plan, Filters(), 10)
    assert hits and hits[0].pid in {
        p.pid for p in prepared.snapshot.article_passages("hr/annual-leave.md")
    }
    words = [c.word for c in plan.concepts]
    assert {words[i] for i in hits[0].matched} >= {"annual", "leave", "carried"}
    assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)


def test_long_queries_keep_their_most_specific_terms(fixture_engine: SearchEngine) -> None:
    retriever = fixture_engine.prepared().keyword
    concepts = tuple(Concept(f"leave{i}", weight=1.0) for i in range(30)) + (
        Concept("globalprotect", weight=9.0),
    )
    plan = QueryPlan("long", "en", (), concepts)
    clauses = retriever.build(plan)
    assert [c.concept for c in clauses] == [30]  # the leaveN words are not in the index
    assert ("body_en", "globalprotect") in clauses[0].groups[0]
    many = QueryPlan("long", "en", (), tuple(Concept("leave", weight=float(i)) for i in range(30)))
    assert sorted(c.concept for c in retriever.build(many)) == list(range(6, 30))


def test_multi_word_terms_need_all_their_words(fixture_engine: SearchEngine) -> None:
    retriever = fixture_engine.prepared().keyword
    [clause] = retriever.build(QueryPlan("x", "en", (), (Concept("annual leave"),)))
    assert len(clause.groups) == 2
    assert retriever.build(QueryPlan("x", "en", (), (Concept("annual zzqx"),))) == []


def test_terms_missing_from_the_index_are_left_out(fixture_engine: SearchEngine) -> None:
    plan = understand("zzqx", lang="en", glossary=Glossary(), corrector=None)
    assert fixture_engine.prepared().keyword.search(plan, Filters(), 10) == []
