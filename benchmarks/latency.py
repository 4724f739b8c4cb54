"""Query latency and memory of `SearchEngine.search` on a large synthetic index.

    python -m benchmarks.latency --size 100000 [--work DIR] [--source DIR ...] [--model NAME]
                                 [--secondary-model NAME (default the product's; "" for none)]
                                 [--set NAME=VALUE ...]
                                 [--rounds N] [--profile] [--json FILE]

The index holds `--size` passages recombined from the sample content and any
`--source` folders (see `benchmarks.synthetic` for the method); it is built
once in a child process and reused while its size matches. Then, in this
process, each query of two sets runs through

- the engine: `SearchEngine.search(Query(text, k=10))`, everything users get;
- a bare pipeline: one query embedding, one FAISS search and one keyword
  search of `candidates` passages each, like for like with the engine: the
  keyword search is the engine's own retriever of the same snapshot (the
  same BM25F scorer, warmed the same way, sharing its cache of scored
  terms) over the same concepts (the engine's term selection, at most 24
  by IDF), without glossary, spelling, filters, fusion, answer, routing or
  snippets,

alternating query by query so that both see the same machine load. The first
round over a query set meets terms and query vectors that no earlier query
needed; it is reported apart (`first_round`), and p50/p95 and the
engine/bare ratio come from the later rounds. Also reported: the first
search (snapshot preparation) and the resident memory of this process
afterwards. With `--profile` the engine's searches also run under cProfile
and the top functions are printed.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import logging
import os
import platform
import pstats
import resource
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from benchmarks.recorded import search_settings
from benchmarks.synthetic import (
    HashedEmbedder,
    LookupEmbedder,
    SyntheticBuilder,
    SyntheticCorpus,
    check_passages,
    real_passages,
)
from indexer import snapshot
from indexer.commands import progress_bars
from indexer.embedding.base import Embedder
from indexer.embedding.factory import create_embedder, model_name
from indexer.vector_index import FLAT, IVF, flat_contents, grown_past, load_vector_index
from kb.cli.options import progress_bar, steps
from kb.fusion_settings import DEFAULT_SECONDARY_MODEL
from kb.results import Query
from kb.settings import Settings, parse_assignment
from search.engine import SearchEngine
from search.filters import Filters
from search.query_cache import vector_text
from search.synonyms import Glossary
from search.understanding import understand

logger = logging.getLogger(__name__)

ROOT = Path(__file__).resolve().parent.parent

SHORT_QUERIES = [
    "reset my password",
    "vpn not connecting",
    "how many vacation days do I get",
    "Urlaub beantragen",
    "sick note",
    "Krankmeldung abgeben",
    "expense report deadline",
    "parking permit",
    "printer setup",
    "parental leave",
    "Reisekosten abrechnen",
    "mfa new phone",
    "meeting room booking",
    "travel per diem rates",
    "onboarding checklist",
    "working from home rules",
    "lost access card",
    "purchase order approval",
    "guest wifi",
    "payslip not received",
    "how to report phishing",
    "desk booking app",
    "Passwort vergessen",
    "bike leasing",
    "company pension",
    "laptop replacement",
    "sabbatical",
    "overtime rules",
    "fire safety officer",
    "code review guidelines",
    "hiring process",
    "security clearance",
]

LONG_QUERIES = [
    "I am travelling to a customer site abroad next month for two weeks and need to know "
    "which costs the company covers, how per diem rates work for partial days, whether I "
    "need approval in advance, and how to submit receipts after I am back.",
    "My laptop was stolen from my car yesterday evening. It had the VPN client and my "
    "Okta Verify app on it. What do I have to do now, whom do I tell, and how do I get a "
    "replacement device quickly so that I can keep working?",
    "Ich bin seit heute krank und kann nicht arbeiten. Ab wann brauche ich eine "
    "Arbeitsunfähigkeitsbescheinigung, wem muss ich Bescheid sagen und was passiert, wenn "
    "ich während meines Urlaubs krank werde?",
    "We are starting a new project with a partner agency and want to know how the team "
    "plans work, which tools we should use for tracking and documentation, and how "
    "decisions about scope and budget are made and recorded.",
]

DIM = 384  # all-MiniLM-L6-v2 and multilingual-e5-small alike


def _percentile(values: Sequence[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * len(ordered)) - 1))]


def _summary(values: Sequence[float]) -> dict[str, float]:
    return {
        "p50": round(statistics.median(values), 1),
        "p95": round(_percentile(values, 0.95), 1),
        "mean": round(statistics.fmean(values), 1),
        "n": len(values),
    }


def _rss_mb() -> tuple[float, float]:
    """Current and peak resident memory of this process, in MB."""
    current = 0.0
    with open("/proc/self/status", encoding="ascii") as fh:
        for line in fh:
            if line.startswith("VmRSS:"):
                current = int(line.split()[1]) / 1024
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return round(current, 1), round(peak, 1)


def _torch_threads() -> int:
    import torch

    return int(torch.get_num_threads())


def _settings(work: Path, size: int, model: str | None = None, second: str = "") -> Settings:
    """The benchmark's settings; with a second model (`--secondary-model`) the
    index lives in a folder of its own (`index-SIZE-second`)."""
    folder = work / (f"index-{size}-second" if second else f"index-{size}")
    values = {"content_dir": str(ROOT / "content"), "index_dir": str(folder)}
    if model:
        values["embedding_model"] = model
    values["secondary_model"] = second
    return Settings.load(values, environ={})


def build(args: argparse.Namespace) -> None:
    """Child process: real passages, synthetic articles, snapshot.

    It shows its progress on stderr as `kb index` does (its steps, a bar while
    passages are embedded and for each later stage of the snapshot), whether or
    not stderr is a terminal: 100,000 passages take most of an hour, often
    written to a log."""
    settings = _settings(args.work, args.size, args.model, args.secondary_model)
    model = model_name(settings.embedding_model)
    cache = args.work / "real-embeddings.db"
    sources = [ROOT / "content", *args.source]
    step = steps(True)
    progress, stages = progress_bars(True)
    started = time.perf_counter()

    def load_embedder() -> Embedder:
        return create_embedder(settings.embedding_model, settings.device, settings.embed_batch_size)

    def real_progress(total: int) -> Callable[[int], None]:
        return progress_bar("embedding real passages", total, "passage")

    step("reading and cutting the published source articles")
    real = real_passages(sources, settings, load_embedder, cache, model, DIM, real_progress)
    print(
        f"real passages: {len(real.chunks)} ({time.perf_counter() - started:.0f} s)",
        file=sys.stderr,
        flush=True,
    )
    step(f"recombining them into {args.size} synthetic passages")
    corpus = SyntheticCorpus(real, args.size, seed=args.seed)
    count = check_passages(corpus.articles, settings)
    print(
        f"synthetic: {len(corpus.articles)} articles, {count} passages", file=sys.stderr, flush=True
    )
    lookup = LookupEmbedder(corpus.vectors, model, real.vectors.shape[1])
    started = time.perf_counter()
    second = None
    if settings.secondary_model:
        # Hash-drawn vectors of the second model's length: the benchmark times
        # the second query embedding and nearest-neighbour search, not what
        # they find (embedding 100,000 synthetic passages would take hours).
        dim = create_embedder(settings.secondary_model, settings.device).dim
        second = HashedEmbedder(model_name(settings.secondary_model), dim)
    step("building the snapshot")
    builder = SyntheticBuilder(
        settings, corpus.articles, lookup, stages, secondary=second, progress=progress
    )
    report = builder.run(full=True)
    print(
        f"snapshot {report.snapshot}: {report.passages} passages in "
        f"{time.perf_counter() - started:.0f} s",
        file=sys.stderr,
        flush=True,
    )


def ensure_index(args: argparse.Namespace) -> Path:
    index_dir = _settings(args.work, args.size, args.model, args.secondary_model).index_path
    try:
        manifest = snapshot.read_manifest(snapshot.current_path(index_dir))
        if int(manifest["passages"]) >= args.size:
            return index_dir
    except Exception:  # noqa: BLE001 - any unreadable index is rebuilt
        pass
    command = [
        sys.executable,
        "-m",
        "benchmarks.latency",
        "--build-only",
        "--size",
        str(args.size),
        "--work",
        str(args.work),
        "--seed",
        str(args.seed),
        *[f"--source={s}" for s in args.source],
        *([f"--model={args.model}"] if args.model else []),
        f"--secondary-model={args.secondary_model}",
    ]
    subprocess.run(command, check=True, cwd=ROOT)
    return index_dir


def snapshot_vectors(index_dir: Path) -> np.ndarray:
    """Every passage vector of the current (exact) snapshot, in storage order."""
    path = snapshot.current_path(index_dir)
    manifest = snapshot.read_manifest(path)
    if manifest["vector_kind"] != FLAT:
        raise SystemExit(f"{path} has an approximate vector index; build the source index flat")
    return flat_contents(load_vector_index(path / "vectors.faiss", FLAT))[1]


def match_vector_kind(index_dir: Path, settings: Settings) -> None:
    """Give the benchmark index the vector index a full build would make now.

    The index is built once and kept; when `approximate_threshold` says its
    size wants the other kind, only its vector file is rebuilt (from the
    same vectors, with `grown_past`, as the next `kb index` run would),
    instead of re-indexing 100,000 passages."""
    path = snapshot.current_path(index_dir)
    manifest = snapshot.read_manifest(path)
    count = int(manifest["passages"])
    wanted = IVF if count > settings.approximate_threshold else FLAT
    if manifest["vector_kind"] == wanted:
        return
    if wanted == FLAT:
        raise SystemExit(f"{index_dir} has IVF vectors; delete it to rebuild it flat")
    print(f"rebuilding the vector index of {path.name} as {wanted}", file=sys.stderr, flush=True)
    grown = grown_past(
        load_vector_index(path / "vectors.faiss", FLAT), settings.approximate_threshold
    )
    assert grown is not None
    grown.save(path / "vectors.faiss.tmp")
    os.replace(path / "vectors.faiss.tmp", path / "vectors.faiss")
    snapshot.write_manifest(path, {**manifest, "vector_kind": wanted})


class BarePipeline:
    """Query embedding + one FAISS search + one keyword search, nothing else.

    Like for like with the engine: the keyword search is the engine's own
    retriever (same scorer, same warmed cache of scored terms) over the same
    concepts the engine would search, chosen by `understand` without a
    glossary or spelling correction; the model reads the words of the query
    the engine's models read (`query_vector_words`)."""

    def __init__(self, engine: SearchEngine, limit: int) -> None:
        self.prepared = engine.prepared()
        self.embedder = engine.embedder
        self.limit = limit
        self.words = engine.settings.query_vector_words

    def search(self, text: str) -> tuple[int, int]:
        vector = self.embedder.embed_query(vector_text(text, self.words))
        _, ids = self.prepared.snapshot.vectors.search(vector, self.limit)
        plan = understand(
            text, lang=None, glossary=Glossary(), corrector=None, idf=self.prepared.vocabulary.idf
        )
        hits = self.prepared.keyword.search(plan, Filters(), self.limit)
        return len(ids), len(hits)

    def close(self) -> None:
        """Nothing of its own to close: the engine owns the retriever."""


@dataclass
class Timings:
    """Wall-clock and CPU milliseconds of each call."""

    wall: list[float] = field(default_factory=list)
    cpu: list[float] = field(default_factory=list)

    def time(self, call: Callable[[str], object], text: str) -> None:
        wall, cpu = time.perf_counter(), time.process_time()
        call(text)
        self.cpu.append((time.process_time() - cpu) * 1000)
        self.wall.append((time.perf_counter() - wall) * 1000)


def measure(
    engine_search: Callable[[str], object], bare: BarePipeline, queries: Sequence[str], rounds: int
) -> list[tuple[Timings, Timings]]:
    """Engine and bare timings of each round, alternating query by query."""
    out: list[tuple[Timings, Timings]] = []
    for _ in range(rounds):
        engine, pipeline = Timings(), Timings()
        for text in queries:
            engine.time(engine_search, text)
            pipeline.time(bare.search, text)
        out.append((engine, pipeline))
    return out


def _merged(parts: Sequence[Timings]) -> Timings:
    return Timings([v for t in parts for v in t.wall], [v for t in parts for v in t.cpu])


def long_queries(engine: SearchEngine, count: int) -> list[str]:
    """Hand-written paragraphs plus opening paragraphs of real passages (≤ 480 characters)."""
    snap = engine.prepared().snapshot
    out = list(LONG_QUERIES)
    for article_id in sorted(snap.titles)[:: max(1, len(snap.titles) // count)]:
        passages = snap.article_passages(article_id)
        words = passages[0].text.split() if passages else []
        text = ""
        for word in words:
            if len(text) + len(word) + 1 > 480:
                break
            text = f"{text} {word}".strip()
        if len(text.split()) >= 40:
            out.append(text)
        if len(out) >= count:
            break
    return out


def run(args: argparse.Namespace) -> dict[str, Any]:
    index_dir = ensure_index(args)
    chosen = _settings(args.work, args.size, args.model, args.secondary_model)
    chosen = chosen.replace(**dict(parse_assignment(a) for a in args.set))
    match_vector_kind(index_dir, chosen)
    # Rounds repeat each query; the engine's query-vector cache would turn the
    # repeats into hits, so it is off unless --query-cache asks for it.
    settings = chosen.replace(query_cache_size=args.query_cache)
    engine = SearchEngine(settings)
    started = time.perf_counter()
    engine.search(Query("warm up", k=10))
    first_ms = (time.perf_counter() - started) * 1000
    # As `kb serve` does before taking requests: wait for the frequent terms
    # to be scored (setting warm_postings).
    engine.wait_until_warm()
    warm_ms = (time.perf_counter() - started) * 1000
    bare = BarePipeline(engine, settings.candidates)
    sets = {"short": SHORT_QUERIES, "long": long_queries(engine, args.long)}

    def engine_search(text: str) -> object:
        return engine.search(Query(text, k=10))

    for text in sets["short"][:5]:  # warm caches on both sides before timing
        engine_search(text)
        bare.search(text)
    result: dict[str, Any] = {
        "passages": engine.prepared().snapshot.manifest["passages"],
        "articles": engine.prepared().snapshot.manifest["articles"],
        "vector_index": engine.prepared().snapshot.manifest["vector_kind"],
        "model": engine.embedder.name,
        "machine": f"{os.cpu_count()} CPU cores, {platform.machine()}, no GPU",
        "load_average_before": round(os.getloadavg()[0], 2),
        "torch_threads": _torch_threads(),
        "query_cache_size": args.query_cache,
        "date": time.strftime("%Y-%m-%d"),
        "first_search_ms": round(first_ms, 1),
        "warm_ms": round(warm_ms, 1),
        "warm_postings": settings.warm_postings,
        "settings": search_settings(settings),
    }
    for name, queries in sets.items():
        by_round = measure(engine_search, bare, queries, args.rounds)
        later = by_round[1:] or by_round
        engine_t = _merged([e for e, _ in later])
        bare_t = _merged([b for _, b in later])
        first_engine, first_bare = by_round[0]
        result[name] = {
            "words": [min(len(q.split()) for q in queries), max(len(q.split()) for q in queries)],
            "rounds_summarised": f"2-{args.rounds}" if args.rounds > 1 else "1",
            "engine_ms": _summary(engine_t.wall),
            "bare_ms": _summary(bare_t.wall),
            "engine_cpu_ms": _summary(engine_t.cpu),
            "bare_cpu_ms": _summary(bare_t.cpu),
            "first_round": {
                "engine_ms": _summary(first_engine.wall),
                "bare_ms": _summary(first_bare.wall),
            },
        }
        for clock, suffix in (("wall", "ms"), ("cpu", "cpu_ms")):
            engine_p95 = result[name][f"engine_{suffix}"]["p95"]
            bare_p95 = result[name][f"bare_{suffix}"]["p95"]
            result[name][f"p95_ratio_{clock}"] = round(engine_p95 / max(bare_p95, 1e-6), 2)
    result["load_average_after"] = round(os.getloadavg()[0], 2)
    result["rss_mb"], result["peak_rss_mb"] = _rss_mb()
    result["targets"] = check_targets(result)
    if args.profile:
        print_report(result)  # the timings first: profiling 100,000 passages takes minutes
        result["profile"] = profile(engine_search, [*sets["short"], *sets["long"]])
        print(result["profile"])
    bare.close()
    engine.close()
    return result


def profile(search: Callable[[str], object], queries: Sequence[str]) -> str:
    profiler = cProfile.Profile()
    profiler.enable()
    for text in queries:
        search(text)
    profiler.disable()
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(30)
    return out.getvalue()


def print_report(result: dict[str, Any]) -> None:
    print(
        f"{result['passages']} passages in {result['articles']} articles "
        f"({result['vector_index']} vectors), model {result['model']}, {result['machine']}, "
        f"load average {result['load_average_before']} → {result['load_average_after']}, "
        f"query cache {result['query_cache_size']}"
    )
    print(
        f"first search (prepares the snapshot): {result['first_search_ms']} ms; frequent "
        f"terms scored ({result['warm_postings']} postings) after {result['warm_ms']} ms"
    )
    for name in ("short", "long"):
        r = result[name]
        print(f"{name} queries, {r['words'][0]}–{r['words'][1]} words, n={r['engine_ms']['n']}:")
        for clock, suffix in (("wall", "ms"), ("cpu", "cpu_ms")):
            e, b = r[f"engine_{suffix}"], r[f"bare_{suffix}"]
            print(
                f"  {clock:<4} engine p50 {e['p50']} p95 {e['p95']} ms | bare p50 {b['p50']} "
                f"p95 {b['p95']} ms | p95 ratio {r[f'p95_ratio_{clock}']}"
            )
        f = r["first_round"]
        print(
            f"  first round apart: engine p50 {f['engine_ms']['p50']} p95 {f['engine_ms']['p95']} "
            f"ms | bare p50 {f['bare_ms']['p50']} p95 {f['bare_ms']['p95']} ms"
        )
    print(f"RSS after the run: {result['rss_mb']} MB (peak {result['peak_rss_mb']} MB)")
    for target in result["targets"]:
        print(
            f"target {target['name']}: {target['value']} ≤ {target['limit']}: "
            f"{'met' if target['met'] else 'MISSED'}"
        )


# The targets for 100,000 passages: search p95 (wall clock) and memory.
TARGETS = (
    ("short p95 ms", ("short", "engine_ms", "p95"), 50.0),
    ("long p95 ms", ("long", "engine_ms", "p95"), 150.0),
    ("rss MB", ("rss_mb",), 1536.0),
)


def check_targets(result: dict[str, Any]) -> list[dict[str, Any]]:
    """Each target with its measured value and whether it was met."""
    out = []
    for name, path, limit in TARGETS:
        value: Any = result
        for key in path:
            value = value[key]
        out.append({"name": name, "value": value, "limit": limit, "met": value <= limit})
    return out


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", type=int, default=100_000, help="passages in the index")
    parser.add_argument(
        "--work",
        type=Path,
        default=Path("var/benchmarks/latency"),
        help="index and embedding cache (kept between runs)",
    )
    parser.add_argument(
        "--source",
        type=Path,
        action="append",
        default=[],
        help="another content folder to recombine (repeatable)",
    )
    parser.add_argument("--rounds", type=int, default=3, help="times each query runs")
    parser.add_argument(
        "--model", default=None, help="embedding_model setting (default: the product's default)"
    )
    parser.add_argument(
        "--secondary-model",
        default=DEFAULT_SECONDARY_MODEL,
        help=f"secondary_model setting (default: the product's, {DEFAULT_SECONDARY_MODEL}; "
        "empty: none); with one, the index is built apart (index-SIZE-second)",
    )
    parser.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="another search setting for the timed engine (repeatable), e.g. secondary_precision=float32",
    )
    parser.add_argument("--long", type=int, default=40, help="number of long queries")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--profile", action="store_true", help="cProfile the engine's searches")
    parser.add_argument(
        "--torch-threads", type=int, default=0, help="torch threads (default: torch's own choice)"
    )
    parser.add_argument(
        "--query-cache",
        type=int,
        default=0,
        help="query vectors the engine caches (default 0: every search embeds its query)",
    )
    parser.add_argument("--json", type=Path, help="also write the results here")
    parser.add_argument("--build-only", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING)
    args.work.mkdir(parents=True, exist_ok=True)
    if args.build_only:
        logging.getLogger("benchmarks").setLevel(logging.INFO)  # what the build is doing
        build(args)
        return
    if args.torch_threads:
        import torch

        torch.set_num_threads(args.torch_threads)
    result = run(args)
    if not args.profile:
        print_report(result)
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(result, indent=2), encoding="utf-8")
    if not all(t["met"] for t in result["targets"]):
        sys.exit(1)


if __name__ == "__main__":
    main()
