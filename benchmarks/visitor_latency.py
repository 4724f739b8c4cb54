"""Search latency of a visitor against a reader of everything, on a content folder.

    python -m benchmarks.visitor_latency [--content content] [--rounds 5] [--work DIR]

Indexes the folder (the sample content by default) with a word-hashing
stand-in for the model (384 dimensions; no model download, and the same cost
for every searcher, so the difference is the filtering), then runs each
article title as a query through `SearchEngine.search`, alternating query by
query between a visitor (no groups), an employee of every restricted
audience (reads everything) and an unrestricted caller, on one thread.
Reports p50/p95 of the later rounds per searcher.
"""

from __future__ import annotations

import argparse
import hashlib
import re
import statistics
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

import faiss
import numpy as np

from indexer.build import IndexBuilder
from kb.results import Query
from kb.settings import Settings
from search.engine import SearchEngine


class WordHashEmbedder:
    """Bag of hashed lower-case words as a unit vector."""

    name = "benchmark-word-hash"
    dim = 384

    def embed(self, texts: Sequence[str], progress: object = None) -> np.ndarray:
        return np.stack([self.embed_query(t) for t in texts]) if texts else np.zeros((0, self.dim))

    def embed_query(self, text: str) -> np.ndarray:
        vector = np.zeros(self.dim, dtype=np.float32)
        for word in re.findall(r"\w+", text.lower()):
            vector[int(hashlib.sha1(word.encode()).hexdigest(), 16) % self.dim] += 1.0
        norm = float(np.linalg.norm(vector))
        return vector / norm if norm else vector


def measure(engine: SearchEngine, rounds: int) -> dict[str, list[float]]:
    audiences = {
        group
        for owner in engine.prepared().snapshot.owners.values()
        for group in owner.audience
        if group != "everyone"
    }
    searchers = {
        "visitor": frozenset[str](),
        "reads everything": frozenset(audiences),
        "unrestricted": None,
    }
    titles = sorted(set(engine.titles().values()))
    times: dict[str, list[float]] = {name: [] for name in searchers}
    for round_ in range(rounds):
        for text in titles:
            for name, groups in searchers.items():
                started = time.perf_counter()
                engine.search(Query(text, groups=groups))
                if round_:  # the first round meets every term for the first time
                    times[name].append((time.perf_counter() - started) * 1000.0)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--content", type=Path, default=Path("content"))
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--work", type=Path)
    args = parser.parse_args()
    faiss.omp_set_num_threads(1)
    work = args.work or Path(tempfile.mkdtemp(prefix="visitor-latency-"))
    settings = Settings.load(
        {"content_dir": str(args.content), "index_dir": str(work / "index"), "search_threads": 1},
        environ={},
    )
    embedder = WordHashEmbedder()
    IndexBuilder(settings, embedder=embedder).run()
    engine = SearchEngine(settings, embedder=embedder)
    try:
        for name, values in measure(engine, args.rounds).items():
            p95 = statistics.quantiles(values, n=20)[-1]
            print(f"{name:18} p50 {statistics.median(values):.2f} ms  p95 {p95:.2f} ms")
    finally:
        engine.close()


if __name__ == "__main__":
    main()
