"""A visitor's vector search over an index holding restricted passages: filtered
after FAISS (as before) against selected inside it (`search.readable`).

    python -m benchmarks.readable_vectors [--size 20000] [--topics 400] [--restricted 0.1]
                                          [--crowd 0.5] [--queries 200] [--json FILE]

Synthetic unit vectors (384 dimensions, as multilingual-e5-small's) in
`--topics` topics, searched on one thread as `kb serve` does; `--restricted` of the passages are closed to visitors, and for
`--crowd` of the queries a restricted topic sits around the query (its
passages nearer than any public one, as an HR-only subject a visitor asks
about). For the exact (flat) and approximate (IVF, 4·√N lists, lists trained
on every passage as before, or on the public ones as now) index it reports,
per search of `candidates` = 100 neighbours: latency p50/p95 for a visitor
(post-filter, selector) and for a reader of everything (no filter), and the
visitor's recall: the share of the exact 100 nearest public passages found.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path
from typing import Any

import faiss
import numpy as np

from indexer.metadata import Owner
from indexer.vector_index import FLAT, IVF, VectorIndex, create_vector_index
from search.readable import ReadablePassages, ReadableSelector
from search.vector import VectorRetriever

DIM, LIMIT = 384, 100


def _unit(rows: np.ndarray) -> np.ndarray:
    return (rows / np.linalg.norm(rows, axis=1, keepdims=True)).astype(np.float32)


def corpus(size: int, topics: int, restricted: float, crowd: float, queries: int) -> dict[str, Any]:
    """Vectors, which of them are public, and queries (a share inside restricted topics)."""
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
    return {"vectors": vectors, "public": public, "queries": wanted}


def _visitor(public: np.ndarray) -> ReadableSelector:
    everyone, hr = ("everyone",), ("hr",)
    owners = {i: Owner("a", "it", everyone if p else hr, ()) for i, p in enumerate(public)}
    found = ReadablePassages(owners).for_groups(frozenset())
    assert found is not None
    return found


def measure(index: VectorIndex, data: dict[str, Any]) -> dict[str, Any]:
    vectors, public, queries = data["vectors"], data["public"], data["queries"]
    retriever, readable = VectorRetriever(index), _visitor(public)

    def gate(pids: Any) -> list[int]:
        return [p for p in pids if public[p]]

    ways = {
        "visitor, after FAISS": lambda q: retriever.search(q, LIMIT, gate),
        "visitor, selector": lambda q: retriever.search(q, LIMIT, None, readable),
        "reads everything": lambda q: retriever.search(q, LIMIT),
    }
    open_ids = np.flatnonzero(public)
    times: dict[str, list[float]] = {name: [] for name in ways}
    recall: dict[str, list[float]] = {name: [] for name in ways}
    for q in queries:  # query by query, so that every way sees the same load
        exact = set(open_ids[np.argsort(-(vectors[open_ids] @ q))[:LIMIT]].tolist())
        for name, search in ways.items():
            started = time.perf_counter()
            found = search(q)
            times[name].append((time.perf_counter() - started) * 1000.0)
            recall[name].append(len(exact & {p for p, _ in found}) / LIMIT)
    out: dict[str, Any] = {}
    for name in ways:
        out[name] = {
            "p50_ms": round(float(np.percentile(times[name], 50)), 2),
            "p95_ms": round(float(np.percentile(times[name], 95)), 2),
            "visitor_recall": None
            if name == "reads everything"
            else round(float(np.mean(recall[name])), 3),
        }
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--size", type=int, default=20_000)
    parser.add_argument("--topics", type=int, default=400)
    parser.add_argument("--restricted", type=float, default=0.1)
    parser.add_argument("--crowd", type=float, default=0.5)
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    faiss.omp_set_num_threads(1)
    data = corpus(args.size, args.topics, args.restricted, args.crowd, args.queries)
    vectors, public = data["vectors"], data["public"]
    ids = np.arange(len(vectors))
    results: dict[str, Any] = {}
    for label, kind, training in (
        ("flat", FLAT, None),
        ("ivf, lists trained on every passage", IVF, vectors),
        ("ivf, lists trained on public passages", IVF, vectors[public]),
    ):
        index = create_vector_index(DIM, len(vectors), 0 if kind == IVF else len(vectors), training)
        index.add(ids, vectors)
        results[label] = measure(index, data)
        for way, row in results[label].items():
            print(f"{label:40} {way:22} {row}")
    if args.json:
        args.json.write_text(json.dumps(results, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
