"""Fusion levers the engine does not use, measured on the retrievers' own candidates.

    python -m benchmarks.fusion_levers --queries FILE --qrels FILE --content DIR --index DIR
                                       [--ids path|stem|relative] [--model NAME] [--json FILE]

Each query is retrieved once through `SearchEngine.retrieve` (keyword and
vector candidates exactly as a search gets them, default settings); the
engine's own ranking (`SearchEngine.rank`) is the baseline, and every lever
re-ranks the same candidates (plus, for the deeper lists and vector
feedback, one more retrieval), so the levers differ in nothing else. The
report gives nDCG@10 on all judged queries, on the tune and report halves of
`search.splits`, and on English queries alone. The levers (docs/search.md,
"Fusion levers for the multilingual model"):

- `divided by the best`: each list's scores over its best one (0 as the
  floor, as for cosines and BM25 in theory), then 0.5 / 0.5;
- `zscore`: each retriever's article scores as z-scores, a candidate
  missing from a list at that list's lowest, then 0.5 / 0.5;
- `zscore-n`: the same weights scaled by the list's spread over what as many
  normal draws would give (removes the favour for longer lists);
- `vector 2x`, `keyword 2x`: twice the candidates from one retriever;
- `soft λ`: passage scores normalised, an article scores its best passage
  plus λ times its second;
- `peaked k`: each side's weight scaled per query by 1 − the min-max score
  of its k-th article (how far its first few stand out);
- `feedback β`: the first fused passage's vector added to the query vector
  (weight β, unit length) and the vector side searched again;
- `feedback β, typed cosines`: the same candidates, scored by the typed
  query's vector; `when both top n`: only when the first fused passage is
  in both retrievers' top n; `soft λ + feedback β`: both levers.

A benchmark, not a test: keep it out of pytest.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from kb.results import Query
from kb.settings import Settings
from search.engine import Retrieval, SearchEngine
from search.evaluation import ID_FORMS, QueryRun, load_qrels, load_queries, ranking_metrics
from search.filters import Filters
from search.fusion import min_max
from search.grouping import best_per_article
from search.splits import HALVES, only

Ranked = list[tuple[int, float]]
Lever = Callable[[SearchEngine, Retrieval], list[str]]


def _articles(engine: SearchEngine, ranked: Ranked) -> list[tuple[str, float]]:
    owners = engine.prepared().snapshot.owners
    return best_per_article(ranked, {p: owners[p][0] for p, _ in ranked if p in owners})


def _keyword(found: Retrieval) -> Ranked:
    return [(h.pid, h.score) for h in found.keyword]


def _combine(lists: Sequence[tuple[dict[str, float], float, float]]) -> list[str]:
    """Σ weight · score, a key missing from a list scoring that list's `missing`."""
    keys = list(dict.fromkeys(k for scores, _, _ in lists for k in scores))
    total = {k: sum(w * s.get(k, missing) for s, w, missing in lists) for k in keys}
    return sorted(keys, key=lambda k: -total[k])


def _z(ranking: Sequence[tuple[str, float]]) -> dict[str, float]:
    values = [s for _, s in ranking]
    if len(values) < 2 or statistics.pstdev(values) <= 1e-12:
        return {k: 0.0 for k, _ in ranking}
    mean, sd = statistics.fmean(values), statistics.pstdev(values)
    return {k: (s - mean) / sd for k, s in ranking}


def _expected_spread(n: int) -> float:
    # Blom's approximation of the expected largest of n standard normal draws.
    return 2 * statistics.NormalDist().inv_cdf((n - 0.375) / (n + 0.25)) if n > 1 else 1.0


def moved_query(query: np.ndarray, passage: np.ndarray, weight: float) -> np.ndarray:
    """query + weight · passage, back to unit length."""
    moved = query + weight * passage
    return (moved / max(float(np.linalg.norm(moved)), 1e-12)).astype(np.float32)


def weighted(keyword: list[tuple[str, float]], vector: list[tuple[str, float]]) -> list[str]:
    return _combine([(min_max(keyword), 0.5, 0.0), (min_max(vector), 0.5, 0.0)])


def by_best(engine: SearchEngine, found: Retrieval) -> list[str]:
    """Each list's scores divided by its best (0 as the floor of both scales)."""
    lists = []
    for ranked in (_keyword(found), found.vector):
        articles = _articles(engine, ranked)
        top = max((s for _, s in articles), default=1.0) or 1.0
        lists.append(({a: s / top for a, s in articles}, 0.5, 0.0))
    return _combine(lists)


def zscore(length_corrected: bool) -> Lever:
    def rank(engine: SearchEngine, found: Retrieval) -> list[str]:
        lists = []
        for ranked in (_keyword(found), found.vector):
            articles = _articles(engine, ranked)
            z = _z(articles)
            scale = 1.0 / _expected_spread(len(articles)) if length_corrected else 1.0
            lists.append((z, 0.5 * scale, min(z.values(), default=0.0)))
        return _combine(lists)

    return rank


def deeper(side: str) -> Lever:
    def rank(engine: SearchEngine, found: Retrieval) -> list[str]:
        prepared, limit = engine.prepared(), 2 * engine.settings.candidates
        keyword, vector = _keyword(found), found.vector
        if side == "vector":
            vector = prepared.vector.search(found.query_vector, limit)
        else:
            keyword = [
                (h.pid, h.score) for h in prepared.keyword.search(found.plan, Filters(), limit)
            ]
        return weighted(_articles(engine, keyword), _articles(engine, vector))

    return rank


def _soft_scores(engine: SearchEngine, ranked: Ranked, lam: float) -> dict[str, float]:
    """Passage scores min-max normalised; an article: its best + lam × its second."""
    owners = engine.prepared().snapshot.owners
    per: dict[str, list[float]] = {}
    for pid, score in min_max(ranked).items():
        if pid in owners:
            per.setdefault(owners[pid][0], []).append(score)
    return {a: s[0] + lam * sum(s[1:2]) for a, s in per.items()}


def soft(lam: float) -> Lever:
    def rank(engine: SearchEngine, found: Retrieval) -> list[str]:
        lists = [_soft_scores(engine, r, lam) for r in (_keyword(found), found.vector)]
        return _combine([(lists[0], 0.5, 0.0), (lists[1], 0.5, 0.0)])

    return rank


def peaked(k: int) -> Lever:
    """Each side's weight times 1 − its k-th article's min-max score (how far its
    first few stand out), per query."""

    def rank(engine: SearchEngine, found: Retrieval) -> list[str]:
        lists = []
        for ranked in (_keyword(found), found.vector):
            scores = min_max(_articles(engine, ranked))
            ordered = sorted(scores.values(), reverse=True)
            peak = 1.0 - (ordered[k - 1] if len(ordered) >= k else 0.0)
            lists.append((scores, 0.5 * max(peak, 1e-3), 0.0))
        return _combine(lists)

    return rank


def feedback(beta: float, typed_cosines: bool = False, agree: int = 0, lam: float = -1) -> Lever:
    """Vector feedback; `agree`: only when the first fused passage is in both
    retrievers' top `agree`; `lam` ≥ 0: articles scored as by `soft(lam)`."""

    def rank(engine: SearchEngine, found: Retrieval) -> list[str]:
        prepared, keyword, vector = engine.prepared(), _keyword(found), found.vector
        fused = engine.fusion.fuse(keyword, vector)
        if not fused:
            return []
        pid = fused[0][0]
        both = all(pid in {p for p, _ in r[:agree]} for r in (keyword, vector))
        if not agree or both:
            moved = moved_query(found.query_vector, prepared.vector.index.vectors([pid])[pid], beta)
            vector = prepared.vector.search(moved, engine.settings.candidates)
        if typed_cosines:
            stored = prepared.vector.index.vectors([p for p, _ in vector])
            rescored = {p: float(np.dot(v, found.query_vector)) for p, v in stored.items()}
            vector = sorted(rescored.items(), key=lambda item: -item[1])
        if lam >= 0:
            lists = [_soft_scores(engine, r, lam) for r in (keyword, vector)]
            return _combine([(lists[0], 0.5, 0.0), (lists[1], 0.5, 0.0)])
        return weighted(_articles(engine, keyword), _articles(engine, vector))

    return rank


def engine_rank(engine: SearchEngine, found: Retrieval) -> list[str]:
    return [g.article_id for g in engine.rank(found)[0]]


def alone(side: str) -> Lever:
    def rank(engine: SearchEngine, found: Retrieval) -> list[str]:
        ranked = _keyword(found) if side == "keyword" else found.vector
        return [a for a, _ in _articles(engine, ranked)]

    return rank


LEVERS: dict[str, Lever] = {
    "keyword only": alone("keyword"),
    "vector only": alone("vector"),
    "engine (weighted 0.5, min-max, article level)": engine_rank,
    "divided by the best": by_best,
    "zscore": zscore(False),
    "zscore-n": zscore(True),
    "vector 2x candidates": deeper("vector"),
    "keyword 2x candidates": deeper("keyword"),
    "soft 0.1": soft(0.1),
    "soft 0.2": soft(0.2),
    "peaked 5": peaked(5),
    "peaked 10": peaked(10),
    "feedback 0.3": feedback(0.3),
    "feedback 0.5": feedback(0.5),
    "feedback 0.5, typed cosines": feedback(0.5, typed_cosines=True),
    "feedback 0.5 when both top 10": feedback(0.5, agree=10),
    "feedback 0.5 when both top 3": feedback(0.5, agree=3),
    "soft 0.1 + feedback 0.5": feedback(0.5, lam=0.1),
    "soft 0.2 + feedback 0.3": feedback(0.3, lam=0.2),
}


def by_cut(
    engine: SearchEngine, runs: Sequence[QueryRun], qrels: dict[str, dict[str, int]], doc_id: Any
) -> dict[str, dict[str, float]]:
    """nDCG@10 of queries whose relevant articles are each one passage, against
    those with an article cut into several: does cutting cost the vector side?"""
    passages: dict[str, int] = {}
    for article_id, *_ in engine.prepared().snapshot.owners.values():
        key = doc_id(article_id)
        passages[key] = passages.get(key, 0) + 1
    groups: dict[str, list[QueryRun]] = {"one passage": [], "cut into several": []}
    for r in runs:
        relevant = [d for d, g in qrels.get(r.id, {}).items() if g > 0]
        whole = all(passages.get(d, 1) == 1 for d in relevant)
        groups["one passage" if whole else "cut into several"].append(r)
    return {
        name: {"queries": len(rs), "ndcg@10": ranking_metrics(rs, qrels)["ndcg@10"]}
        for name, rs in groups.items()
    }


def run(args: argparse.Namespace, levers: dict[str, Lever] | None = None) -> dict[str, Any]:
    """Every lever (of `levers`, default `LEVERS`; `args.only` narrows them by
    name) over the same candidates: nDCG@10 overall, per half, in English and
    per English half, English top 3 per half, and the lever's CPU per query."""
    settings = Settings.load(
        {
            "content_dir": str(args.content),
            "index_dir": str(args.index),
            "embedding_model": args.model,
        },
        environ={},
    )
    engine = SearchEngine(settings)
    queries = load_queries(args.queries)
    qrels = load_qrels(args.qrels)
    queries = [q for q in queries if any(g > 0 for g in qrels.get(q.id, {}).values())]
    doc_id = ID_FORMS[args.ids]
    found = [(q, engine.retrieve(Query(q.text, k=100, floor=False))) for q in queries]
    english = {q.id for q in queries if q.lang in (None, "en")}
    out: dict[str, Any] = {"queries": len(queries), "candidates": settings.candidates, "levers": {}}
    chosen = LEVERS if levers is None else levers
    for name, lever in chosen.items():
        if getattr(args, "only", None) and not any(part in name for part in args.only):
            continue
        runs, spent = [], 0.0
        for q, f in found:
            started = time.thread_time()
            ranked = lever(engine, f)
            spent += time.thread_time() - started
            runs.append(QueryRun(q.id, [doc_id(a) for a in ranked], False, 0.0, ""))
        row = {"all": ranking_metrics(runs, qrels)["ndcg@10"]}
        for half in HALVES:
            row[half] = ranking_metrics(only(half, runs, key="id"), qrels)["ndcg@10"]
        row["english"] = ranking_metrics([r for r in runs if r.id in english], qrels)["ndcg@10"]
        for half in HALVES:
            part = [r for r in only(half, runs, key="id") if r.id in english]
            row[f"english {half}"] = ranking_metrics(part, qrels)["ndcg@10"]
            row[f"english {half} top 3"] = ranking_metrics(part, qrels)["success@3"]
        row["cpu ms"] = round(1000.0 * spent / max(len(found), 1), 3)
        out["levers"][name] = row
        print(f"{name:<48} " + " ".join(f"{k} {v:.4f}" for k, v in row.items()), flush=True)
        if name == "vector only":
            out["vector only, by cut"] = by_cut(engine, runs, qrels, doc_id)
            print(f"  {out['vector only, by cut']}", flush=True)
    engine.close()
    return out


def main(argv: Sequence[str] | None = None, levers: dict[str, Lever] | None = None) -> None:
    """The command line of this grid, or of another grid's `levers`."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--queries", type=Path, required=True)
    parser.add_argument("--qrels", type=Path, required=True)
    parser.add_argument("--content", type=Path, required=True)
    parser.add_argument("--index", type=Path, required=True)
    parser.add_argument(
        "--model",
        default=Settings().embedding_model,
        help="embedding_model the index was built with",
    )
    parser.add_argument("--ids", choices=sorted(ID_FORMS), default="path")
    parser.add_argument("--only", nargs="*", help="only the levers whose name holds one of these")
    parser.add_argument("--json", type=Path, help="also write the results here")
    args = parser.parse_args(argv)
    result = run(args, levers)
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(result, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
