"""Exact (flat) against approximate (IVF) vector search, to set `approximate_threshold`.

    python -m benchmarks.vector_index --index DIR [--sizes 10000,25000,50000,100000]
                                      [--nprobe 8,16,32] [--json FILE]

Takes the passage vectors of the published snapshot in `--index` (for
example the 100,000-passage index `benchmarks.latency` builds), and for each
size the first N of them, builds both kinds of index exactly as the indexer
does (`indexer.vector_index.create_vector_index`: IVF with 4·√N lists, trained
on a sample), and searches them with real questions (the labelled set's and
the latency benchmark's, embedded with the configured model) for the
`candidates` nearest passages, one thread, as a serving process does.
Reported per size: flat and IVF search time per query (p50/p95), IVF recall
of the flat top-k, IVF training time. This is a benchmark, not a test.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import faiss
import numpy as np

from benchmarks.latency import SHORT_QUERIES, snapshot_vectors
from indexer.embedding.factory import create_embedder
from indexer.vector_index import IVF, VectorIndex, create_vector_index
from kb.settings import Settings

ROOT = Path(__file__).resolve().parent.parent


def questions(settings: Settings) -> np.ndarray:
    texts = [
        json.loads(line)["text"]
        for line in (ROOT / "benchmarks" / "labelled" / "queries.jsonl")
        .read_text(encoding="utf-8")
        .splitlines()
        if line.strip()
    ]
    texts += SHORT_QUERIES
    embedder = create_embedder(settings.embedding_model, "cpu", settings.embed_batch_size)
    return np.stack([embedder.embed_query(t) for t in texts]).astype(np.float32)


def _timed(index: VectorIndex, queries: np.ndarray, k: int) -> tuple[list[float], np.ndarray]:
    times, found = [], []
    for query in queries:
        started = time.perf_counter()
        _, ids = index.search(query, k)
        times.append((time.perf_counter() - started) * 1000)
        found.append(ids)
    return times, np.stack(found)


def _ms(values: Sequence[float]) -> dict[str, float]:
    ordered = sorted(values)
    return {
        "p50": round(statistics.median(ordered), 2),
        "p95": round(ordered[max(0, round(0.95 * len(ordered)) - 1)], 2),
    }


def measure(
    vectors: np.ndarray, queries: np.ndarray, size: int, nprobes: Sequence[int], k: int
) -> dict[str, Any]:
    part = vectors[:size]
    ids = np.arange(size, dtype=np.int64)
    flat = create_vector_index(part.shape[1], threshold=size)
    flat.add(ids, part)
    flat_times, truth = _timed(flat, queries, k)
    started = time.perf_counter()
    ivf = create_vector_index(part.shape[1], threshold=0, training=part)
    trained_s = time.perf_counter() - started
    ivf.add(ids, part)
    assert ivf.kind == IVF
    result: dict[str, Any] = {
        "passages": size,
        "flat_ms": _ms(flat_times),
        "ivf_lists": int(faiss.extract_index_ivf(ivf.index).nlist),
        "ivf_train_s": round(trained_s, 2),
        "ivf": {},
    }
    for nprobe in nprobes:
        faiss.extract_index_ivf(ivf.index).nprobe = nprobe
        times, found = _timed(ivf, queries, k)
        recall = np.mean(
            [
                len(set(f[f >= 0]) & set(t[t >= 0])) / max(1, len(t[t >= 0]))
                for f, t in zip(found, truth, strict=True)
            ]
        )
        top10 = np.mean(
            [len(set(f[:10]) & set(t[:10])) / 10 for f, t in zip(found, truth, strict=True)]
        )
        result["ivf"][str(nprobe)] = {
            "ms": _ms(times),
            f"recall@{k}": round(float(recall), 4),
            "recall@10": round(float(top10), 4),
        }
    return result


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--index", type=Path, required=True, help="index folder with a flat snapshot"
    )
    parser.add_argument("--sizes", default="10000,25000,50000,100000")
    parser.add_argument("--nprobe", default="8,16,32")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args(argv)
    faiss.omp_set_num_threads(1)  # as a serving process (setting search_threads)
    settings = Settings.load({}, environ={})
    k = settings.candidates
    vectors = snapshot_vectors(args.index)
    queries = questions(settings)
    sizes = [int(s) for s in args.sizes.split(",") if int(s) <= len(vectors)]
    nprobes = [int(n) for n in args.nprobe.split(",")]
    results = []
    print(f"{len(queries)} questions, {k} nearest passages, 1 thread")
    for size in sizes:
        row = measure(vectors, queries, size, nprobes, k)
        results.append(row)
        ivf = "; ".join(
            f"nprobe {n}: p50 {r['ms']['p50']} p95 {r['ms']['p95']} ms, "
            f"recall@{k} {r[f'recall@{k}']}, recall@10 {r['recall@10']}"
            for n, r in row["ivf"].items()
        )
        print(
            f"{size:>7} passages | flat p50 {row['flat_ms']['p50']} p95 {row['flat_ms']['p95']} ms"
            f" | IVF {row['ivf_lists']} lists (trained in {row['ivf_train_s']} s): {ivf}",
            flush=True,
        )
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(results, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
