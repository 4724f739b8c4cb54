"""Measuring search on a labelled query set (BEIR layout).

Inputs: `queries.jsonl` (`{"_id", "text"}`, optionally `lang`, `kind`
("answerable" | "unanswerable") and `department`, at the top level or under
`metadata`) and `qrels.tsv` (`query-id  corpus-id  score`, with a header; the
four-column TREC layout is read too). Ids are opaque strings, so any corpus
works; `doc_id` maps the engine's article ids to the corpus ids when they
differ.

Ranking metrics (nDCG@10, MRR@10, Recall@100, Success@1, Success@3) are
averaged over the queries that have relevant documents, overall, per query
language and per "query language → document language" pair (a pair such as
de→en holds the queries none of whose relevant documents is in the query's
language). When queries carry `kind` and `department`, the answered decision
and the routing are scored too, with a sweep of the answer threshold for
calibration.
"""

from __future__ import annotations

import csv
import json
import math
import statistics
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kb.errors import ConfigError
from kb.results import Query, SearchResponse
from search.answer_quality import AnswerLabel, ShownAnswer, answer_metrics

ANSWERABLE = "answerable"
UNANSWERABLE = "unanswerable"
Qrels = dict[str, dict[str, int]]


@dataclass(frozen=True)
class LabelledQuery:
    """One query of the labelled set."""

    id: str
    text: str
    lang: str | None = None
    kind: str | None = None
    department: str | None = None


@dataclass
class QueryRun:
    """What the engine did with one labelled query."""

    id: str
    results: list[str]
    answered: bool
    confidence: float
    department: str
    latency_ms: float = 0.0
    lang: str | None = None
    answer: ShownAnswer | None = None
    features: dict[str, float] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {
            "_id": self.id,
            "results": self.results,
            "answered": self.answered,
            "confidence": round(self.confidence, 4),
            "department": self.department,
            "answer": self.answer.as_dict() if self.answer else None,
        }


def load_queries(path: Path) -> list[LabelledQuery]:
    """Queries from a JSON-lines file; a bad line is a ConfigError naming it."""
    out: list[LabelledQuery] = []
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise ConfigError(f"cannot read queries file {path}: {exc.strerror}") from None
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
            meta = row.get("metadata") or {}
            out.append(
                LabelledQuery(
                    id=str(row["_id"]),
                    text=str(row["text"]),
                    lang=row.get("lang") or meta.get("lang"),
                    kind=row.get("kind") or meta.get("kind"),
                    department=row.get("department") or meta.get("department"),
                )
            )
        except (json.JSONDecodeError, KeyError, AttributeError) as exc:
            raise ConfigError(
                f"{path}:{number}: not a query line with _id and text ({exc})"
            ) from None
    return out


def load_qrels(path: Path) -> Qrels:
    """Relevance judgements: query id → {document id: grade}."""
    qrels: Qrels = {}
    try:
        handle = path.open(encoding="utf-8", newline="")
    except OSError as exc:
        raise ConfigError(f"cannot read qrels file {path}: {exc.strerror}") from None
    with handle:
        for number, row in enumerate(csv.reader(handle, delimiter="\t"), start=1):
            if not row or (
                number == 1 and row[0].strip().lower() in {"query-id", "query_id", "qid"}
            ):
                continue
            if len(row) == 4:  # TREC: qid, iteration, docid, grade
                row = [row[0], row[2], row[3]]
            try:
                qid, doc, grade = row[0].strip(), row[1].strip(), int(row[2])
            except (IndexError, ValueError):
                raise ConfigError(
                    f"{path}:{number}: expected 'query-id<TAB>corpus-id<TAB>score', got {row!r}"
                ) from None
            qrels.setdefault(qid, {})[doc] = grade
    return qrels


# -- metrics of one ranking -----------------------------------------------------
def dcg(grades: Iterable[float]) -> float:
    return float(sum((2.0**g - 1.0) / math.log2(i + 2.0) for i, g in enumerate(grades)))


def ndcg_at(ranked: Sequence[str], relevant: Mapping[str, int], k: int = 10) -> float:
    ideal = dcg(sorted((g for g in relevant.values() if g > 0), reverse=True)[:k])
    if ideal <= 0:
        return 0.0
    return dcg(max(relevant.get(d, 0), 0) for d in ranked[:k]) / ideal


def reciprocal_rank_at(ranked: Sequence[str], relevant: Mapping[str, int], k: int = 10) -> float:
    for rank, doc in enumerate(ranked[:k], start=1):
        if relevant.get(doc, 0) > 0:
            return 1.0 / rank
    return 0.0


def recall_at(ranked: Sequence[str], relevant: Mapping[str, int], k: int = 100) -> float:
    wanted = {d for d, g in relevant.items() if g > 0}
    return len(wanted.intersection(ranked[:k])) / len(wanted) if wanted else 0.0


def success_at(ranked: Sequence[str], relevant: Mapping[str, int], k: int) -> float:
    return 1.0 if any(relevant.get(d, 0) > 0 for d in ranked[:k]) else 0.0


RANKING_METRICS: dict[str, Callable[[Sequence[str], Mapping[str, int]], float]] = {
    "ndcg@10": lambda r, q: ndcg_at(r, q, 10),
    "mrr@10": lambda r, q: reciprocal_rank_at(r, q, 10),
    "recall@100": lambda r, q: recall_at(r, q, 100),
    "success@1": lambda r, q: success_at(r, q, 1),
    "success@3": lambda r, q: success_at(r, q, 3),
}


def ranking_metrics(runs: Sequence[QueryRun], qrels: Qrels) -> dict[str, float]:
    """Mean of each ranking metric over the runs, and their count."""
    judged = [r for r in runs if any(g > 0 for g in qrels.get(r.id, {}).values())]
    out: dict[str, float] = {"queries": len(judged)}
    for name, metric in RANKING_METRICS.items():
        values = [metric(r.results, qrels[r.id]) for r in judged]
        out[name] = round(statistics.fmean(values), 4) if values else 0.0
    return out


# -- the answered decision and routing ------------------------------------------
def decision_metrics(
    runs: Sequence[QueryRun], kinds: Mapping[str, str | None], threshold: float | None = None
) -> dict[str, float]:
    """Unanswered recall/precision and the answerable share marked unanswered.

    With `threshold`, decisions are re-made from the confidences (calibration)."""

    def unanswered(run: QueryRun) -> bool:
        return not run.answered if threshold is None else run.confidence < threshold

    labelled = [r for r in runs if kinds.get(r.id) in (ANSWERABLE, UNANSWERABLE)]
    negatives = [r for r in labelled if kinds[r.id] == UNANSWERABLE]
    positives = [r for r in labelled if kinds[r.id] == ANSWERABLE]
    marked = [r for r in labelled if unanswered(r)]
    hits = sum(1 for r in negatives if unanswered(r))
    return {
        "unanswerable": len(negatives),
        "answerable": len(positives),
        "auc": round(auc([r.confidence for r in positives], [r.confidence for r in negatives]), 4),
        "unanswered_recall": round(hits / len(negatives), 4) if negatives else 0.0,
        "unanswered_precision": round(hits / len(marked), 4) if marked else 0.0,
        "answerable_unanswered": round(
            sum(1 for r in positives if unanswered(r)) / len(positives), 4
        )
        if positives
        else 0.0,
    }


def auc(positives: Sequence[float], negatives: Sequence[float]) -> float:
    """Probability that an answerable query outscores an unanswerable one (ties count half)."""
    if not positives or not negatives:
        return 0.0
    wins = sum((p > n) + 0.5 * (p == n) for p in positives for n in negatives)
    return wins / (len(positives) * len(negatives))


def routing_accuracy(
    runs: Sequence[QueryRun], departments: Mapping[str, str | None]
) -> dict[str, float]:
    labelled = [r for r in runs if departments.get(r.id)]
    right = sum(1 for r in labelled if r.department == departments[r.id])
    return {
        "queries": len(labelled),
        "accuracy": round(right / len(labelled), 4) if labelled else 0.0,
    }


def latency(runs: Sequence[QueryRun]) -> dict[str, float]:
    values = sorted(r.latency_ms for r in runs)
    if not values:
        return {}
    p95 = values[min(len(values) - 1, math.ceil(0.95 * len(values)) - 1)]
    return {
        "p50": round(statistics.median(values), 2),
        "p95": round(p95, 2),
        "mean": round(statistics.fmean(values), 2),
    }


# -- the whole report -------------------------------------------------------------
@dataclass
class EvaluationReport:
    """Every number `kb eval` prints."""

    ranking: dict[str, float]
    by_language: dict[str, dict[str, float]]
    cross_language: dict[str, dict[str, float]]
    decisions: dict[str, float] = field(default_factory=dict)
    by_language_decisions: dict[str, dict[str, float]] = field(default_factory=dict)
    routing: dict[str, float] = field(default_factory=dict)
    latency_ms: dict[str, float] = field(default_factory=dict)
    calibration: list[dict[str, float]] = field(default_factory=list)
    suggested_threshold: float | None = None
    answers: dict[str, float] = field(default_factory=dict)
    answers_by_language: dict[str, dict[str, float]] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {
            "ranking": self.ranking,
            "by_language": self.by_language,
            "cross_language": self.cross_language,
            "answered": self.decisions,
            "answered_by_language": self.by_language_decisions,
            "routing": self.routing,
            "latency_ms": self.latency_ms,
            "calibration": self.calibration,
            "suggested_threshold": self.suggested_threshold,
            "answer_passages": self.answers,
            "answer_passages_by_language": self.answers_by_language,
        }


def suggest_threshold(
    calibration: Sequence[Mapping[str, float]], max_declined: float
) -> float | None:
    """The threshold that marks the most unanswerable queries unanswered while
    declining at most `max_declined` of the answerable ones."""
    fitting = [row for row in calibration if row["answerable_unanswered"] <= max_declined]
    if not fitting:
        return None
    return max(fitting, key=lambda row: (row["unanswered_recall"], -row["threshold"]))["threshold"]


def evaluate(
    queries: Sequence[LabelledQuery],
    qrels: Qrels,
    runs: Sequence[QueryRun],
    doc_lang: Callable[[str], str | None] | None = None,
    max_declined: float = 0.10,
    answer_labels: Mapping[str, AnswerLabel] | None = None,
    doc_id: Callable[[str], str] = str,
) -> EvaluationReport:
    """Score runs against the labels; `doc_lang` gives a document's language when known.

    `max_declined` is the share of answerable queries the suggested answer
    threshold may mark unanswered. With `answer_labels`, the shown answers are
    checked against the labelled sections (`doc_id` maps article ids to the
    labels' ids)."""
    by_id = {q.id: q for q in queries}
    langs = sorted({q.lang for q in queries if q.lang})
    by_language = {
        lang: ranking_metrics([r for r in runs if by_id[r.id].lang == lang], qrels)
        for lang in langs
    }
    cross: dict[str, list[QueryRun]] = {}
    if doc_lang is not None:
        for run in runs:
            query = by_id[run.id]
            relevant = [d for d, g in qrels.get(run.id, {}).items() if g > 0]
            doc_langs = {found for d in relevant if (found := doc_lang(d))}
            if query.lang and doc_langs and query.lang not in doc_langs:
                for target in sorted(doc_langs):
                    cross.setdefault(f"{query.lang}→{target}", []).append(run)
    report = EvaluationReport(
        ranking=ranking_metrics(runs, qrels),
        by_language=by_language,
        cross_language={pair: ranking_metrics(rs, qrels) for pair, rs in sorted(cross.items())},
        latency_ms=latency(runs),
    )
    kinds = {q.id: q.kind for q in queries}
    if any(kinds.values()):
        report.decisions = decision_metrics(runs, kinds)
        report.by_language_decisions = {
            lang: decision_metrics([r for r in runs if by_id[r.id].lang == lang], kinds)
            for lang in langs
        }
        report.calibration = [
            {"threshold": t / 100, **decision_metrics(runs, kinds, threshold=t / 100)}
            for t in range(5, 100)
        ]
        report.suggested_threshold = suggest_threshold(report.calibration, max_declined)
    if answer_labels:
        report.answers = answer_metrics({r.id: r.answer for r in runs}, answer_labels, doc_id)
        report.answers_by_language = {
            lang: answer_metrics(
                {r.id: r.answer for r in runs if by_id[r.id].lang == lang}, answer_labels, doc_id
            )
            for lang in langs
        }
    departments = {q.id: q.department for q in queries}
    if any(departments.values()):
        report.routing = routing_accuracy(runs, departments)
    return report


def run_queries(
    search: Callable[[Query], SearchResponse],
    queries: Sequence[LabelledQuery],
    k: int = 100,
    doc_id: Callable[[str], str] = str,
) -> list[QueryRun]:
    """Search each labelled query once (its `lang` is detected, not taken from the label).

    The ranking is measured whole: results below the relevance floor, which
    people are not shown, still count for nDCG and recall."""
    runs: list[QueryRun] = []
    for labelled in queries:
        response = search(Query(labelled.text, k=k, floor=False))
        runs.append(
            QueryRun(
                id=labelled.id,
                results=[doc_id(h.id) for h in response.results],
                answered=response.answered,
                confidence=response.confidence,
                department=response.department,
                latency_ms=response.latency_ms,
                lang=response.lang,
                answer=ShownAnswer(
                    response.answer.id,
                    response.answer.headings,
                    response.answer.passage,
                    response.answer.highlight,
                )
                if response.answer
                else None,
                features=dict(response.features),
            )
        )
    return runs


def relative_id(article_id: str) -> str:
    """`hr/travel-and-leave/leave.md` → `travel-and-leave/leave.md`: for corpora laid
    out by topic whose pages were filed under department folders."""
    return article_id.split("/", 1)[-1]


ID_FORMS: dict[str, Callable[[str], str]] = {
    "path": str,
    "stem": lambda article_id: stem_id(article_id),
    "relative": relative_id,
}


def stem_id(article_id: str) -> str:
    """`scifact/4983.md` → `4983`: for corpora whose ids are file names."""
    name = article_id.rsplit("/", 1)[-1]
    return name[:-3] if name.endswith(".md") else name
