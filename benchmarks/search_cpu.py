"""CPU time per search, like for like between embedding models.

    python -m benchmarks.search_cpu --index var/sample --content content \\
        --queries benchmarks/labelled/queries.jsonl [--model NAME] [--secondary-model NAME]
        [--rounds 2] [--json FILE] [--set NAME=VALUE ...]

Wall-clock latency on a shared machine measures the other jobs as much as the
search; the CPU time of the searching thread does not. Every query of the set
is searched `--rounds` times by one engine with the serving settings (one
thread, `search_threads = 1`) and the query cache **off**, so each search
embeds its query; the first round is left out of the figures (it reads
postings and embeds glossary terms for the first time, as a warm server
would not). Reported: the searching thread's CPU time per search and per
query embedding (p50, p95, mean), and the searches per second two cores
could serve from that CPU time alone (2000 / mean ms; HTTP and the web app
come on top). Also reported: the search model's calls per search, in the
query role and in the passage role (the quote by meaning's sentence windows
where the index holds no vectors for them), and the texts those embedded.
This is a benchmark, not a test.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import resource
import statistics
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from kb.results import Query
from kb.settings import Settings, parse_assignment
from search.evaluation import load_queries


def _summary(values: Sequence[float]) -> dict[str, float]:
    ordered = sorted(values)
    p95 = ordered[min(len(ordered) - 1, math.ceil(0.95 * len(ordered)) - 1)]
    return {
        "p50": round(statistics.median(ordered), 2),
        "p95": round(p95, 2),
        "mean": round(statistics.fmean(ordered), 2),
    }


class ModelCalls:
    """Counts an embedder's calls and texts per role, wrapping its methods."""

    def __init__(self, embedder: Any) -> None:
        self.counts = {"query_calls": 0, "passage_calls": 0, "passage_texts": 0}
        embed, embed_query = embedder.embed, embedder.embed_query

        def passages(texts: Sequence[str], progress: Any = None) -> Any:
            self.counts["passage_calls"] += 1
            self.counts["passage_texts"] += len(texts)
            return embed(texts, progress)

        def query(text: str) -> Any:
            self.counts["query_calls"] += 1
            return embed_query(text)

        embedder.embed, embedder.embed_query = passages, query

    def taken(self) -> dict[str, int]:
        """The counts since the last call."""
        counts = dict(self.counts)
        self.counts.update(dict.fromkeys(counts, 0))
        return counts


def measure(settings: Settings, texts: Sequence[str], rounds: int) -> dict[str, Any]:
    from search.engine import SearchEngine

    engine = SearchEngine(settings)
    embedder = engine.embedder
    searches: list[float] = []
    embeddings: list[float] = []
    calls = ModelCalls(embedder)
    counted: dict[str, list[int]] = {}
    for round_ in range(rounds):
        for text in texts:
            started = time.thread_time()
            embedder.embed_query(text)
            embedded = time.thread_time()
            calls.taken()
            engine.search(Query(text))
            if round_ > 0:
                embeddings.append((embedded - started) * 1000.0)
                searches.append((time.thread_time() - embedded) * 1000.0)
                for key, count in calls.taken().items():
                    counted.setdefault(key, []).append(count)
    engine.close()
    search = _summary(searches)
    return {
        "model": settings.embedding_model,
        "secondary_model": settings.secondary_model,
        "index": str(settings.index_dir),
        "queries": len(texts),
        "rounds_measured": rounds - 1,
        "search_cpu_ms": search,
        "embedding_cpu_ms": _summary(embeddings),
        # the model's calls (and texts) per search, mean; the query cache is off
        "model_calls_per_search": {k: round(statistics.fmean(v), 2) for k, v in counted.items()},
        "searches_per_second_on_2_cores": round(2000.0 / search["mean"], 1),
        "search_threads": settings.search_threads,
        "query_cache_size": settings.query_cache_size,
        "translation_dictionary": settings.translation_dictionary,
        "loadavg": list(os.getloadavg()),
        # the whole process's peak memory (both models loaded when a second is set)
        "max_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--index", required=True, help="index folder built with --model")
    parser.add_argument("--content", required=True, help="its content folder (glossary)")
    parser.add_argument("--queries", type=Path, required=True, help="queries.jsonl")
    parser.add_argument("--model", help="embedding_model setting (default: the product's)")
    parser.add_argument(
        "--secondary-model",
        default="",
        help="secondary_model setting (the index must hold its vectors; default: none)",
    )
    parser.add_argument("--rounds", type=int, default=2, help="rounds; the first is warm-up")
    parser.add_argument("--json", type=Path, help="also write the result here")
    parser.add_argument(
        "--set", action="append", default=[], metavar="NAME=VALUE", help="any other setting"
    )
    args = parser.parse_args(argv)
    if args.rounds < 2:
        raise SystemExit("--rounds must be at least 2 (the first round is warm-up)")
    values: dict[str, Any] = {
        "index_dir": args.index,
        "content_dir": args.content,
        "query_cache_size": 0,
        "search_threads": 1,
    }
    if args.model:
        values["embedding_model"] = args.model
    if args.secondary_model:
        values["secondary_model"] = args.secondary_model
    values.update(parse_assignment(text) for text in args.set)
    settings = Settings.load(values, environ={})
    texts = [q.text for q in load_queries(args.queries)]
    result = measure(settings, texts, args.rounds)
    print(json.dumps(result, indent=2))
    if args.json:
        args.json.write_text(json.dumps(result, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
