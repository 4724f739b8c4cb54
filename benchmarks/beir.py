"""Ranking quality on a BEIR data set (e.g. SciFact), through the product's own code.

    python -m benchmarks.beir --data DIR [--model NAME] [--work DIR] [--limit N]
                              [--candidates N] [--json FILE]

The corpus is written as one department of Markdown articles
(`benchmarks.beir_corpus`), indexed by `IndexBuilder` (the embedding cache in
`--work` makes reruns fast) and searched three ways in one run:

- keyword: the product's keyword retriever (Whoosh BM25F) alone,
- vector: the product's vector retriever (FAISS) alone,
- hybrid: `SearchEngine.search`, exactly what users get.

Keyword and vector passages are grouped per article by their best passage, as
the engine does, so all three rank articles. Metrics come from
`search.evaluation` (nDCG@10, Recall@100, …). A fusion sweep then re-fuses the
same keyword and vector candidates with other settings of the product's fusion
classes, at passage level (as the engine does) and at article level, to show
what moves the hybrid. This is a benchmark, not a test: keep it out of pytest.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import platform
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

from benchmarks.beir_corpus import load_corpus, write_content
from indexer.build import IndexBuilder
from kb.results import Query
from kb.settings import Settings
from search.engine import SearchEngine
from search.evaluation import QueryRun, load_qrels, load_queries, ranking_metrics
from search.filters import Filters
from search.fusion import Fusion, ReciprocalRankFusion, WeightedFusion
from search.grouping import best_per_article, group_by_article
from search.spelling import SpellingCorrector
from search.splits import HALVES, REPORT, TUNE, only
from search.understanding import understand

logger = logging.getLogger(__name__)

DEFAULT_MODEL = Settings().embedding_model  # the product's default model
Ranked = list[tuple[int, float]]


@dataclass
class Retrieved:
    """One query's candidates from each retriever, and the engine's own answer."""

    query_id: str
    keyword: Ranked  # (passage id, BM25F score), best first
    vector: Ranked  # (passage id, cosine), best first
    hybrid: list[str]  # article ids from SearchEngine.search
    hybrid_ms: float
    corrected: bool  # the spelling corrector changed a query word


def _progress(total: int) -> Callable[[int], None]:
    done = [0, time.perf_counter()]

    def tick(n: int) -> None:
        done[0] += n
        if done[0] >= total or time.perf_counter() - done[1] > 15:
            done[1] = time.perf_counter()
            print(f"  embedded {done[0]}/{total} passages", file=sys.stderr, flush=True)

    return tick


def build_index(
    data: Path, work: Path, model: str, candidates: int
) -> tuple[Settings, dict[str, str]]:
    """Write the corpus as content, index it, and return the settings and article → doc ids."""
    content = work / "content"
    mapping = write_content(load_corpus(data / "corpus.jsonl"), content)
    settings = Settings.load(
        {
            "content_dir": str(content),
            "index_dir": str(work / "index" / model.replace("/", "_")),
            "embedding_model": model,
            "candidates": candidates,
        },
        environ={},
    )
    started = time.perf_counter()
    report = IndexBuilder(settings, progress=_progress).run()
    print(
        f"index: {report.articles} articles, {report.passages} passages, "
        f"{report.embedded_passages} embedded now, {time.perf_counter() - started:.1f} s",
        file=sys.stderr,
    )
    if report.errors:
        raise SystemExit(f"indexing failed: {report.errors[:5]}")
    return settings, mapping


def retrieve(engine: SearchEngine, query_id: str, text: str, limit: int) -> Retrieved:
    """Keyword and vector candidates through the product's retrievers, plus the engine's ranking."""
    started = time.perf_counter()
    response = engine.search(Query(text, k=100, floor=False))
    hybrid_ms = (time.perf_counter() - started) * 1000.0
    prepared = engine.prepared()
    glossary = engine.glossary.get()
    plan = understand(
        text,
        lang=None,
        glossary=glossary,
        corrector=SpellingCorrector(prepared.vocabulary, glossary.vocabulary()),
        idf=prepared.vocabulary.idf,
    )
    keyword = [(h.pid, h.score) for h in prepared.keyword.search(plan, Filters(), limit)]
    vector = prepared.vector.search(engine.embedder.embed_query(plan.search_text), limit)
    return Retrieved(
        query_id,
        keyword,
        vector,
        [h.id for h in response.results],
        hybrid_ms,
        bool(plan.corrections),
    )


def articles(ranked: Sequence[tuple[int, float]], article_of: dict[int, str]) -> list[str]:
    """Article ids in the order of their best passage (the engine's grouping)."""
    return [g.article_id for g in group_by_article(ranked, article_of)]


def fuse_passages(fusion: Fusion, item: Retrieved, article_of: dict[int, str]) -> list[str]:
    return articles(fusion.fuse(item.keyword, item.vector), article_of)


def fuse_articles(fusion: Fusion, item: Retrieved, article_of: dict[int, str]) -> list[str]:
    """Fusion after grouping: each retriever ranks articles by their best passage first."""
    fused = fusion.fuse(
        best_per_article(item.keyword, article_of), best_per_article(item.vector, article_of)
    )
    return [aid for aid, _ in fused]


def score(
    items: Sequence[Retrieved],
    rank: Callable[[Retrieved], list[str]],
    doc_id: Callable[[str], str],
    qrels: dict[str, dict[str, int]],
) -> dict[str, float]:
    runs = [QueryRun(i.query_id, [doc_id(a) for a in rank(i)], False, 0.0, "") for i in items]
    return ranking_metrics(runs, qrels)


def sweep(
    items: Sequence[Retrieved],
    article_of: dict[int, str],
    doc_id: Callable[[str], str],
    qrels: dict[str, dict[str, int]],
) -> dict[str, dict[str, float]]:
    """nDCG@10 / Recall@100 of other fusion settings over the same candidates."""
    fusions: dict[str, Fusion] = {}
    for k in (10, 30, 60, 100):
        fusions[f"rrf k={k}"] = ReciprocalRankFusion(k=k)
    for w in (0.3, 0.5, 0.7):
        fusions[f"rrf k=60 keyword x{w / (1 - w):.2g}"] = ReciprocalRankFusion(
            k=60, keyword_weight=w / (1 - w)
        )
    for w in (0.3, 0.4, 0.5, 0.6, 0.7):
        fusions[f"weighted w={w}"] = WeightedFusion(vector_weight=w)
    out: dict[str, dict[str, float]] = {}
    levels = {"passage": fuse_passages, "article": fuse_articles}
    for name, fusion in fusions.items():
        for level, fuse in levels.items():
            rank = partial(fuse, fusion, article_of=article_of)
            metrics = score(items, rank, doc_id, qrels)
            out[f"{name}, {level} level"] = {m: metrics[m] for m in ("ndcg@10", "recall@100")}
    return out


def _percentile(values: Sequence[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * len(ordered)) - 1))]


def run(args: argparse.Namespace) -> dict[str, Any]:
    work: Path = args.work
    work.mkdir(parents=True, exist_ok=True)
    settings, mapping = build_index(args.data, work, args.model, args.candidates)
    queries = load_queries(args.data / "queries.jsonl")
    qrels = load_qrels(args.data / "qrels" / f"{args.split}.tsv")
    queries = [q for q in queries if q.id in qrels][: args.limit or None]

    engine = SearchEngine(settings)
    engine.search(Query("warm up", k=1))  # model load and snapshot preparation
    started = time.perf_counter()
    items = [retrieve(engine, q.id, q.text, settings.candidates) for q in queries]
    elapsed = time.perf_counter() - started
    pids = {p for i in items for p, _ in (*i.keyword, *i.vector)}
    article_of = {
        p: x.article_id for p, x in engine.prepared().snapshot.passages(sorted(pids)).items()
    }
    doc_id = mapping.__getitem__

    def by_engine(item: Retrieved) -> list[str]:
        return item.hybrid

    def engine_fusion(item: Retrieved) -> list[str]:
        return fuse_passages(engine.fusion, item, article_of)

    result: dict[str, Any] = {
        "data": args.data.name,
        "model": engine.embedder.name,
        "queries": len(items),
        "candidates": settings.candidates,
        "fusion": f"{settings.fusion} (rrf_k={settings.rrf_k})",
        "machine": f"{os.cpu_count()} CPU cores, {platform.machine()}, no GPU",
        "date": time.strftime("%Y-%m-%d"),
        "keyword": score(items, lambda i: articles(i.keyword, article_of), doc_id, qrels),
        "vector": score(items, lambda i: articles(i.vector, article_of), doc_id, qrels),
        "hybrid": score(items, by_engine, doc_id, qrels),
        "hybrid_modules": score(items, engine_fusion, doc_id, qrels),
        "queries_spell_corrected": sum(i.corrected for i in items),
        "search_ms": {
            "p50": round(statistics.median(i.hybrid_ms for i in items), 1),
            "p95": round(_percentile([i.hybrid_ms for i in items], 0.95), 1),
        },
        "seconds": round(elapsed, 1),
    }
    # Settings are chosen on the tune half and reported on the report half
    # (search.splits: a fixed hash of the query id).
    for half in HALVES:
        part = only(half, items, key="query_id")
        result[half] = {
            "queries": len(part),
            "keyword": score(part, lambda i: articles(i.keyword, article_of), doc_id, qrels),
            "vector": score(part, lambda i: articles(i.vector, article_of), doc_id, qrels),
            "hybrid": score(part, by_engine, doc_id, qrels),
        }
        if args.sweep:
            result[half]["sweep"] = sweep(part, article_of, doc_id, qrels)
    if args.sweep:
        result["sweep"] = sweep(items, article_of, doc_id, qrels)
    engine.close()
    return result


def print_report(result: dict[str, Any]) -> None:
    print(
        f"{result['data']}: {result['queries']} queries, model {result['model']}, "
        f"{result['candidates']} candidates per retriever, fusion {result['fusion']}"
    )
    print(f"{'system':<44} {'nDCG@10':>8} {'Recall@100':>11}")
    for name in ("keyword", "vector", "hybrid", "hybrid_modules"):
        m = result[name]
        print(f"{name:<44} {m['ndcg@10']:>8.4f} {m['recall@100']:>11.4f}")
    for half in HALVES:
        h = result[half]
        print(
            f"{half} half ({h['queries']} queries): hybrid nDCG@10 {h['hybrid']['ndcg@10']:.4f}, "
            f"keyword {h['keyword']['ndcg@10']:.4f}, vector {h['vector']['ndcg@10']:.4f}"
        )
    if "sweep" in result:
        print(f"  {'fusion sweep':<42} {'all':>8} {'tune':>8} {'report':>8}")
        for name, m in result["sweep"].items():
            t = result[TUNE]["sweep"][name]["ndcg@10"]
            r = result[REPORT]["sweep"][name]["ndcg@10"]
            print(f"  {name:<42} {m['ndcg@10']:>8.4f} {t:>8.4f} {r:>8.4f}")
    print(
        f"spell-corrected queries: {result['queries_spell_corrected']}; "
        f"SearchEngine.search p50 {result['search_ms']['p50']} ms, "
        f"p95 {result['search_ms']['p95']} ms"
    )


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, required=True, help="BEIR folder (corpus.jsonl, …)")
    parser.add_argument("--model", default=DEFAULT_MODEL, help="embedding_model setting")
    parser.add_argument(
        "--work",
        type=Path,
        default=Path("var/benchmarks/beir"),
        help="content, index and embedding cache (kept between runs)",
    )
    parser.add_argument("--limit", type=int, default=0, help="only the first N queries")
    parser.add_argument("--split", default="test", help="qrels file under qrels/")
    parser.add_argument("--candidates", type=int, default=100, help="candidates setting")
    parser.add_argument(
        "--no-sweep", dest="sweep", action="store_false", help="skip the fusion sweep"
    )
    parser.add_argument("--json", type=Path, help="also write the results here")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING)
    result = run(args)
    print_report(result)
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(result, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
