"""The labelled query sets: held-out questions never repeat tuning questions."""

from __future__ import annotations

from pathlib import Path

import pytest

from search.evaluation import load_queries

LABELLED = Path(__file__).resolve().parents[2] / "benchmarks" / "labelled"


def _key(text: str) -> str:
    return " ".join(text.casefold().split())


def test_the_holdout_shares_no_question_or_id_with_the_main_set() -> None:
    main = load_queries(LABELLED / "queries.jsonl")
    holdout = load_queries(LABELLED / "holdout" / "queries.jsonl")
    assert {_key(q.text) for q in main}.isdisjoint(_key(q.text) for q in holdout)
    assert {q.id for q in main}.isdisjoint(q.id for q in holdout)


def test_answer_labels_name_answerable_questions_and_their_judged_articles() -> None:
    from search.answer_quality import load_answer_labels
    from search.evaluation import load_qrels

    handbook = LABELLED.parent / "handbook18f"
    # The 18F questions live in the shared data folder; their labels are checked
    # against the ids they use there only when it is present.
    for folder in (LABELLED, LABELLED / "holdout"):
        queries = {q.id: q for q in load_queries(folder / "queries.jsonl")}
        qrels = load_qrels(folder / "qrels.tsv")
        labels = load_answer_labels(folder / "answers.jsonl")
        assert labels, folder
        for qid, label in labels.items():
            assert queries[qid].kind == "answerable", qid
            judged = {doc for doc, grade in qrels.get(qid, {}).items() if grade > 0}
            assert {page for page, _ in label.sections} <= judged, qid
    assert (handbook / "answers.jsonl").is_file()


HANDBOOK = LABELLED.parent / "handbook18f"


def test_the_own_german_set_is_judged_and_apart_from_the_development_set() -> None:
    from search.evaluation import load_qrels
    from tests.conftest import shared_dir

    own = load_queries(HANDBOOK / "german-queries.jsonl")
    qrels = load_qrels(HANDBOOK / "german-qrels.tsv")
    assert len({q.id for q in own}) == len(own)
    assert {q.lang for q in own} == {"de", "en"}
    for query in own:
        assert max(qrels[query.id].values()) == 2, query.id
    shared = shared_dir()
    if shared is None:
        pytest.skip("the shared data folder (18F development set and pages) is not there")
    dev = load_queries(shared / "benchmarks" / "handbook18f-dev" / "queries.jsonl")
    assert {_key(q.text) for q in dev}.isdisjoint(_key(q.text) for q in own)
    assert {q.id for q in dev}.isdisjoint(q.id for q in own)
    pages = shared / "corpora" / "18f-handbook" / "pages"
    judged = {page for judgements in qrels.values() for page in judgements}
    assert {page for page in judged if not (pages / page).is_file()} == set()


def test_the_own_english_holdout_is_judged_and_apart_from_every_other_set() -> None:
    from search.answer_quality import load_answer_labels
    from search.evaluation import load_qrels
    from tests.conftest import shared_dir

    holdout = load_queries(HANDBOOK / "holdout-queries.jsonl")
    qrels = load_qrels(HANDBOOK / "holdout-qrels.tsv")
    labels = load_answer_labels(HANDBOOK / "holdout-answers.jsonl")
    assert len({q.id for q in holdout}) == len(holdout)
    assert {q.kind for q in holdout} == {"answerable", "unanswerable"}
    for query in holdout:
        if query.kind == "answerable":
            assert max(qrels[query.id].values()) == 2, query.id
            judged = {page for page, grade in qrels[query.id].items() if grade > 0}
            assert {page for page, _ in labels[query.id].sections} <= judged, query.id
        else:
            assert query.id not in qrels and query.id not in labels, query.id
    others = [
        *load_queries(HANDBOOK / "german-queries.jsonl"),
        *load_queries(LABELLED / "queries.jsonl"),
        *load_queries(LABELLED / "holdout" / "queries.jsonl"),
    ]
    shared = shared_dir()
    if shared is not None:
        others += load_queries(shared / "benchmarks" / "handbook18f-dev" / "queries.jsonl")
    assert {_key(q.text) for q in others}.isdisjoint(_key(q.text) for q in holdout)
    assert {q.id for q in others}.isdisjoint(q.id for q in holdout)
    if shared is None:
        pytest.skip("the shared data folder (18F development set and pages) is not there")
    pages = shared / "corpora" / "18f-handbook" / "pages"
    judged = {page for judgements in qrels.values() for page in judgements}
    assert {page for page in judged if not (pages / page).is_file()} == set()
