"""Evaluation: loaders, ranking metrics, the answered decision and routing."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from kb.errors import ConfigError
from kb.results import Hit, Query, SearchResponse
from search.evaluation import (
    LabelledQuery,
    QueryRun,
    decision_metrics,
    evaluate,
    load_qrels,
    load_queries,
    ndcg_at,
    recall_at,
    reciprocal_rank_at,
    routing_accuracy,
    run_queries,
    stem_id,
    success_at,
    suggest_threshold,
)

RELEVANT = {"a": 2, "b": 1, "z": 0}


def test_ndcg() -> None:
    assert ndcg_at(["a", "b"], RELEVANT) == pytest.approx(1.0)
    ideal = 3 + 1 / math.log2(3)
    assert ndcg_at(["b", "a"], RELEVANT) == pytest.approx((1 + 3 / math.log2(3)) / ideal)
    assert ndcg_at(["x"], {}) == 0.0


def test_rank_metrics() -> None:
    ranked = ["x", "z", "b", "a"]
    assert reciprocal_rank_at(ranked, RELEVANT) == pytest.approx(1 / 3)
    assert reciprocal_rank_at(ranked, RELEVANT, k=2) == 0.0
    assert recall_at(ranked, RELEVANT, k=3) == 0.5
    assert success_at(ranked, RELEVANT, 1) == 0.0 and success_at(ranked, RELEVANT, 3) == 1.0


def test_loads_beir_and_trec_files(tmp_path: Path) -> None:
    queries = tmp_path / "queries.jsonl"
    queries.write_text(
        '{"_id": "1", "text": "vpn", "lang": "en", "kind": "answerable"}\n\n'
        '{"_id": 2, "text": "x", "metadata": {"department": "hr"}}\n',
        encoding="utf-8",
    )
    assert load_queries(queries) == [
        LabelledQuery("1", "vpn", "en", "answerable"),
        LabelledQuery("2", "x", department="hr"),
    ]
    beir = tmp_path / "qrels.tsv"
    beir.write_text("query-id\tcorpus-id\tscore\n1\tit/vpn.md\t2\n1\t4983\t1\n", encoding="utf-8")
    assert load_qrels(beir) == {"1": {"it/vpn.md": 2, "4983": 1}}
    trec = tmp_path / "qrels.trec"
    trec.write_text("1\t0\tdoc7\t1\n", encoding="utf-8")
    assert load_qrels(trec) == {"1": {"doc7": 1}}


def test_bad_lines_name_file_and_line(tmp_path: Path) -> None:
    queries = tmp_path / "queries.jsonl"
    queries.write_text('{"_id": "1", "text": "ok"}\n{"text": "no id"}\n', encoding="utf-8")
    with pytest.raises(ConfigError, match=r"queries.jsonl:2:"):
        load_queries(queries)
    qrels = tmp_path / "qrels.tsv"
    qrels.write_text("query-id\tcorpus-id\tscore\n1\tdoc\thigh\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"qrels.tsv:2:"):
        load_qrels(qrels)
    with pytest.raises(ConfigError, match="cannot read"):
        load_qrels(tmp_path / "missing.tsv")


def run(
    qid: str,
    answered: bool,
    confidence: float,
    department: str = "hr",
    results: tuple[str, ...] = (),
) -> QueryRun:
    return QueryRun(qid, list(results), answered, confidence, department)


def test_decisions_count_unanswered_recall_and_precision() -> None:
    kinds = {"a1": "answerable", "a2": "answerable", "u1": "unanswerable", "u2": "unanswerable"}
    runs = [
        run("a1", True, 0.9),
        run("a2", False, 0.4),
        run("u1", False, 0.2),
        run("u2", True, 0.7),
    ]
    assert decision_metrics(runs, kinds) == {
        "unanswerable": 2,
        "answerable": 2,
        "auc": 0.75,  # 0.9 beats both negatives, 0.4 beats 0.2 only
        "unanswered_recall": 0.5,
        "unanswered_precision": 0.5,
        "answerable_unanswered": 0.5,
    }
    recalibrated = decision_metrics(runs, kinds, threshold=0.8)
    assert recalibrated["unanswered_recall"] == 1.0
    assert recalibrated["answerable_unanswered"] == 0.5


def test_routing_accuracy_counts_labelled_queries() -> None:
    runs = [run("1", True, 1, "hr"), run("2", True, 1, "triage"), run("3", True, 1, "it")]
    assert routing_accuracy(runs, {"1": "hr", "2": "it", "3": None}) == {
        "queries": 2,
        "accuracy": 0.5,
    }


def test_evaluate_breaks_down_by_language_and_cross_language() -> None:
    queries = [
        LabelledQuery("q1", "a", "en", "answerable", "hr"),
        LabelledQuery("q2", "b", "de", "answerable", "hr"),
        LabelledQuery("q3", "c", "de", "unanswerable", "it"),
    ]
    qrels = {"q1": {"hr/a.md": 1}, "q2": {"hr/a.md": 1}}
    runs = [
        run("q1", True, 0.9, results=("hr/a.md",)),
        run("q2", True, 0.8, results=("it/x.md", "hr/a.md")),
        run("q3", False, 0.1, "it"),
    ]
    report = evaluate(queries, qrels, runs, doc_lang={"hr/a.md": "en"}.get).as_dict()
    assert report["ranking"]["queries"] == 2 and report["ranking"]["success@1"] == 0.5
    assert report["by_language"]["de"]["success@3"] == 1.0
    assert report["cross_language"] == {"de→en": report["by_language"]["de"]}
    assert report["answered"]["unanswered_recall"] == 1.0
    assert report["routing"] == {"queries": 3, "accuracy": 1.0}
    assert len(report["calibration"]) == 95
    assert report["suggested_threshold"] == 0.11  # the lowest that declines q3


def test_suggested_threshold_respects_the_declined_budget() -> None:
    rows = [
        {"threshold": 0.5, "unanswered_recall": 0.5, "answerable_unanswered": 0.0},
        {"threshold": 0.6, "unanswered_recall": 0.9, "answerable_unanswered": 0.05},
        {"threshold": 0.7, "unanswered_recall": 0.9, "answerable_unanswered": 0.08},
        {"threshold": 0.8, "unanswered_recall": 1.0, "answerable_unanswered": 0.2},
    ]
    assert suggest_threshold(rows, 0.10) == 0.6
    assert suggest_threshold(rows, 0.0) == 0.5
    assert suggest_threshold(rows[3:], 0.1) is None


def test_run_queries_maps_ids() -> None:
    def search(query: Query) -> SearchResponse:
        hit = Hit("scifact/4983.md", "scifact", "T", 1.0, "")
        return SearchResponse(query.text, True, 0.9, None, "scifact", 1.0, None, [hit])

    [only] = run_queries(search, [LabelledQuery("1", "text")], doc_id=stem_id)
    assert only.results == ["4983"] and only.as_dict()["confidence"] == 0.9
