"""The labelled query sets: held-out questions never repeat tuning questions."""

from __future__ import annotations

from pathlib import Path

from search.evaluation import load_queries

LABELLED = Path(__file__).resolve().parents[2] / "benchmarks" / "labelled"


def _key(text: str) -> str:
    return " ".join(text.casefold().split())


def test_the_holdout_shares_no_question_or_id_with_the_main_set() -> None:
    main = load_queries(LABELLED / "queries.jsonl")
    holdout = load_queries(LABELLED / "holdout" / "queries.jsonl")
    assert {_key(q.text) for q in main}.isdisjoint(_key(q.text) for q in holdout)
    assert {q.id for q in main}.isdisjoint(q.id for q in holdout)
