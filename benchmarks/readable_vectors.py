"""A visitor's vector search over an index holding restricted passages: filtered
after FAISS (as before) against selected inside it (`search.readable`), and
with `--department`, a search filtered to one small department likewise.

    python -m benchmarks.readable_vectors [--size 20000] [--topics 400] [--restricted 0.1]
                                          [--crowd 0.5] [--queries 200] [--department 0.02]
                                          [--json FILE]

Synthetic unit vectors (384 dimensions, as multilingual-e5-small's) in
`--topics` topics, searched on one thread as `kb serve` does; `--restricted` of the passages are closed to visitors, and for
`--crowd` of the queries a restricted topic sits around the query (its
passages nearer than any public one, as an HR-only subject a visitor asks
about). For the exact (flat) and approximate (IVF, 4·√N lists, lists trained
on every passage as before, or on the public ones as now) index it reports,
per search of `candidates` = 100 neighbours: latency p50/p95 for a visitor
(post-filter, selector) and for a reader of everything (no filter), and the
visitor's recall: the share of the exact 100 nearest public passages found.

`--department SHARE`: that share of the topics (public and restricted alike)
belongs to one department, and every query is a visitor's filtered to it
(the queries' own topics mostly lie elsewhere, so the department's passages
are far from them). It reports the department filter after FAISS (over at
most 4,096 readable neighbours, widening ×4, as before), selected inside
FAISS (now; an IVF search probes more lists the narrower the filter), and
the visitor's unfiltered search for comparison; recall is the share of the
exact 100 nearest readable passages of the department found.
"""

from __future__ import annotations

import argparse
import json
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import faiss
import numpy as np

from indexer.metadata import Owner
from indexer.vector_index import FLAT, IVF, VectorIndex, create_vector_index
from search.filters import Filters
from search.readable import ReadablePassages, ReadableSelector
from search.vector import VectorRetriever

DIM, LIMIT = 384, 100
OVERFETCH, MAX_FETCH = 4, 4096  # the filter after FAISS, as it was


def _unit(rows: np.ndarray) -> np.ndarray:
    return (rows / np.linalg.norm(rows, axis=1, keepdims=True)).astype(np.float32)


def corpus(
    size: int, topics: int, restricted: float, crowd: float, queries: int, department: float = 0.0
) -> dict[str, Any]:
    """Vectors, which of them are public (and of the department), and queries
    (a share inside restricted topics)."""
    rng = np.random.default_rng(0)
    centres = _unit(rng.normal(size=(topics, DIM)))
    closed = rng.permutation(topics)[: int(topics * restricted)]
    topic = rng.integers(0, topics, size)
    vectors = _unit(centres[topic] + 0.08 * rng.normal(size=(size, DIM)))
    public = ~np.isin(topic, closed)
    asked = np.where(
        rng.random(queries) < crowd,
        rng.choice(closed, queries),
        rng.choice(np.setdiff1d(np.arange(topics), closed), queries),
    )
    wanted = _unit(centres[asked] + 0.08 * rng.normal(size=(queries, DIM)))
    owned = rng.permutation(topics)[: max(1, int(topics * department))] if department else []
    return {
        "vectors": vectors,
        "public": public,
        "queries": wanted,
        "department": np.isin(topic, owned) if department else None,
    }


def _owners(data: dict[str, Any]) -> dict[int, Owner]:
    everyone, hr = ("everyone",), ("hr",)
    legal = data["department"]
    return {
        i: Owner(
            "a", "legal" if legal is not None and legal[i] else "it", everyone if p else hr, ()
        )
        for i, p in enumerate(data["public"])
    }


def _after_faiss(
    index: VectorIndex, query: np.ndarray, readable: ReadableSelector | None, keep: np.ndarray
) -> list[int]:
    """The filter after FAISS as it was: `LIMIT` × 4 neighbours (among the
    `readable` ones), widening ×4 until `LIMIT` are kept or `MAX_FETCH` seen."""
    size = index.size if readable is None else min(readable.size, index.size)
    selector = None if readable is None else readable.selector
    fetch = LIMIT * OVERFETCH
    while True:
        scores, ids = index.search(query, min(fetch, size), selector)
        kept = [int(p) for s, p in zip(scores, ids, strict=True) if p >= 0 and s > 0 and keep[p]]
        if len(kept) >= LIMIT or fetch >= min(size, MAX_FETCH):
            return kept[:LIMIT]
        fetch = min(fetch * OVERFETCH, MAX_FETCH)


Way = tuple[Callable[[np.ndarray], list[int]], np.ndarray | None]


def _ways(index: VectorIndex, data: dict[str, Any]) -> dict[str, Way]:
    """Each way to search: how, and which passages its recall is measured over."""
    retriever, public, legal = VectorRetriever(index), data["public"], data["department"]
    passages = ReadablePassages(_owners(data))
    visitor = passages.for_groups(frozenset())

    def hits(readable: ReadableSelector | None) -> Callable[[np.ndarray], list[int]]:
        return lambda q: [p for p, _ in retriever.search(q, LIMIT, readable)]

    if legal is None:
        return {
            "visitor, after FAISS": (lambda q: _after_faiss(index, q, None, public), public),
            "visitor, selector": (hits(visitor), public),
            "reads everything": (hits(None), None),
        }
    filtered = passages.for_filters(Filters(department="legal", groups=frozenset()))
    return {
        "department, after FAISS": (
            lambda q: _after_faiss(index, q, visitor, legal),
            public & legal,
        ),
        "department, selector": (hits(filtered), public & legal),
        "visitor, no department": (hits(visitor), None),
    }


def measure(index: VectorIndex, data: dict[str, Any]) -> dict[str, Any]:
    vectors, queries = data["vectors"], data["queries"]
    ways = _ways(index, data)
    times: dict[str, list[float]] = {name: [] for name in ways}
    recall: dict[str, list[float]] = {name: [] for name in ways}
    exact: dict[int, set[int]] = {}
    for q in queries:  # query by query, so that every way sees the same load
        for name, (search, over) in ways.items():
            started = time.perf_counter()
            found = search(q)
            times[name].append((time.perf_counter() - started) * 1000.0)
            if over is not None:
                if id(over) not in exact:  # the search drops cosines <= 0: so does recall
                    ids = np.flatnonzero(over)
                    best = ids[np.argsort(-(vectors[ids] @ q))[:LIMIT]]
                    exact[id(over)] = {int(p) for p in best if vectors[p] @ q > 0}
                best = exact[id(over)]
                recall[name].append(len(best & set(found)) / len(best) if best else 1.0)
        exact.clear()
    out: dict[str, Any] = {}
    for name in ways:
        out[name] = {
            "p50_ms": round(float(np.percentile(times[name], 50)), 2),
            "p95_ms": round(float(np.percentile(times[name], 95)), 2),
            "visitor_recall": round(float(np.mean(recall[name])), 3) if recall[name] else None,
        }
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--size", type=int, default=20_000)
    parser.add_argument("--topics", type=int, default=400)
    parser.add_argument("--restricted", type=float, default=0.1)
    parser.add_argument("--crowd", type=float, default=0.5)
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--department", type=float, default=0.0)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    faiss.omp_set_num_threads(1)
    data = corpus(
        args.size, args.topics, args.restricted, args.crowd, args.queries, args.department
    )
    vectors, public = data["vectors"], data["public"]
    ids = np.arange(len(vectors))
    results: dict[str, Any] = {}
    for label, kind, training in (
        ("flat", FLAT, None),
        ("ivf, lists trained on every passage", IVF, vectors),
        ("ivf, lists trained on public passages", IVF, vectors[public]),
    ):
        index = create_vector_index(DIM, 0 if kind == IVF else len(vectors), training)
        index.add(ids, vectors)
        results[label] = measure(index, data)
        for way, row in results[label].items():
            print(f"{label:40} {way:22} {row}")
    if args.json:
        args.json.write_text(json.dumps(results, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
