"""Indexing benchmark: cold and warm builds, one-article updates, watch latency.

Runs the product's own `kb index` (as a subprocess, start-up included) on:
  * the sample content (`content/`),
  * a real handbook from another organisation (`--handbook DIR`),
  * a synthetic knowledge base of `--synthetic N` articles built from both:
    each synthetic article is one section of a real article under a new
    title in a department folder, so every article is distinct text.

  * a mixed-format base of `--mixed N` documents (`--mixed 1000`): PDF, DOCX,
    HTML, text and Markdown files in equal shares, each two to four real
    sections written with the writing side of reportlab, python-docx (the
    test extras) through `tests.documents`.

For each: cold full build (empty index and cache) time and passages/s, warm
full rebuild (`--full`, cache kept), a one-article `kb index` run after one
file changed, and — on the synthetic base — how long after saving an edit it
is searchable while `kb index --watch` runs. The mixed base adds extraction
alone (documents/s and MB/s with 1 and 2 workers, peak memory of a worker and
of the caller) and checks that a warm `kb index` and a warm `--full` rebuild
extract nothing (exit 1 otherwise, or when extraction is slower than
`--min-docs-per-second` or a worker needs more than extract_memory_mb).

    python benchmarks/indexing.py --handbook ../shared/corpora/18f-handbook/pages \
        --synthetic 10000 --work /tmp/kb-bench --out benchmarks/results/indexing.json
    python benchmarks/indexing.py --no-sample --mixed 1000 \
        --mixed-source ../shared/corpora/18f-handbook/pages --work /tmp/kb-bench-mixed
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from indexer.reader import SnapshotReader  # noqa: E402
from kb.content.scanner import scan_content  # noqa: E402


def kb_index(content: Path, index: Path, *extra: str) -> tuple[float, dict]:
    started = time.perf_counter()
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "kb",
            "index",
            "--content",
            str(content),
            "--index",
            str(index),
            "--json",
            *extra,
        ],
        capture_output=True,
        text=True,
        env={**os.environ, "KB_SETTINGS": os.devnull},
    )
    elapsed = time.perf_counter() - started
    if proc.returncode not in (0, 1):
        raise SystemExit(f"kb index failed:\n{proc.stderr[-3000:]}")
    return elapsed, json.loads(proc.stdout)


def edit_one(content: Path, token: str) -> Path:
    article = next(p for p in sorted(content.rglob("*.md")) if not p.name.startswith("_"))
    with article.open("a", encoding="utf-8") as fh:
        fh.write(f"\n\nAdded for the benchmark: {token}.\n")
    return article


def measure(name: str, content: Path, work: Path) -> dict:
    index = work / f"index-{name}"
    shutil.rmtree(index, ignore_errors=True)
    print(f"[{name}] cold full build …", flush=True)
    cold_s, cold = kb_index(content, index)
    print(f"[{name}] warm full rebuild …", flush=True)
    warm_s, warm = kb_index(content, index, "--full")
    print(f"[{name}] one-article update …", flush=True)
    edit_one(content, "zz" + uuid.uuid4().hex[:8])
    one_s, one = kb_index(content, index)
    result = {
        "articles": cold["articles"],
        "passages": cold["passages"],
        "cold_seconds": round(cold_s, 1),
        "cold_passages_per_second": round(cold["embedded_passages"] / cold["seconds"], 1),
        "warm_full_seconds": round(warm_s, 1),
        "warm_embedded_passages": warm["embedded_passages"],
        "warm_vs_cold": round(warm_s / cold_s, 3),
        "one_article_seconds": round(one_s, 2),
        "one_article_embedded_passages": one["embedded_passages"],
        "errors": len(cold["errors"]),
        "warnings": len(cold["warnings"]),
    }
    print(f"[{name}] {json.dumps(result)}", flush=True)
    return result


def build_synthetic(sources: list[Path], target: Path, count: int) -> None:
    """`count` distinct articles, each one real section under a new title."""
    shutil.rmtree(target, ignore_errors=True)
    sections = []
    for root in sources:
        scan = scan_content(root)
        for article in scan.published:
            for section in article.sections:
                if len(section.text.split()) >= 20:
                    sections.append((article, section))
    if not sections:
        raise SystemExit("no sections to build the synthetic base from")
    departments = sorted({a.department for a, _ in sections})[:12]
    for i in range(count):
        article, section = sections[i % len(sections)]
        dept = departments[i % len(departments)]
        heading = " / ".join(section.headings) or article.title
        folder = target / dept / f"batch-{i // 1000:02d}"
        folder.mkdir(parents=True, exist_ok=True)
        body = section.text.replace("\n", "\n\n")
        (folder / f"article-{i:05d}.md").write_text(
            f"---\ntitle: {json.dumps(f'{article.title} – {heading} (no. {i})')}\nlang: {article.lang}\n"
            f"tags: [{dept}]\n---\n## {heading}\n\nReference {i}: {body}\n",
            encoding="utf-8",
        )


MIXED_FORMATS = ("pdf", "docx", "html", "txt", "md")


def build_mixed(sources: list[Path], target: Path, count: int) -> dict[str, int]:
    """`count` documents in equal shares of MIXED_FORMATS, each 2-4 real sections."""
    from tests.documents import WRITERS, Outline

    shutil.rmtree(target, ignore_errors=True)
    sections = []
    for root in sources:
        for article in scan_content(root).published:
            for section in article.sections:
                if len(section.text.split()) >= 20 and section.headings:
                    sections.append((article, section))
    departments = sorted({a.department for a, _ in sections})[:12]
    made: dict[str, int] = {}
    for i in range(count):
        fmt = MIXED_FORMATS[i % len(MIXED_FORMATS)]
        first, _ = sections[(i * 7) % len(sections)]
        picked = [sections[(i * 7 + k) % len(sections)][1] for k in range(2 + i % 3)]
        outline = Outline(
            title=f"{first.title} (document {i})",
            lang=first.lang,
            author="Benchmark",
            sections=[
                (1, s.headings[-1], [p for p in s.text.split("\n") if p.strip()]) for s in picked
            ],
        )
        dept = departments[i % len(departments)]
        folder = target / dept / f"batch-{i // 200:02d}"
        folder.mkdir(parents=True, exist_ok=True)
        if fmt == "md":
            body = "\n\n".join(f"## {h}\n\n" + "\n\n".join(b) for _, h, b in outline.sections)
            data = f"---\ntitle: {json.dumps(outline.title)}\n---\n{body}\n".encode()
        else:
            data = WRITERS[fmt](outline)
        (folder / f"doc-{i:05d}.{fmt}").write_bytes(data)
        made[fmt] = made.get(fmt, 0) + 1
    return made


def measure_extraction(content: Path, workers: int) -> dict:
    """Extraction alone, no cache: documents/s, MB/s and peak memory of the workers
    (VmHWM) and of this process (which holds every file's bytes for the run)."""
    import resource

    from kb.content.readers import is_document
    from kb.extract import DocumentReader, ExtractionError
    from kb.settings import Settings

    files = [p for p in sorted(content.rglob("*")) if p.is_file() and is_document(p.name)]
    data = [(str(p), p.read_bytes(), p.name) for p in files]
    limits = Settings.load(environ={}).document_options.limits
    started = time.perf_counter()
    failed = 0
    with DocumentReader(limits, None, workers) as reader:
        for _, result in reader.read_many(data):
            failed += isinstance(result, ExtractionError)
        seconds = time.perf_counter() - started
        # Read from the workers themselves: a child's ru_maxrss would count the
        # caller's pages it shared between fork and exec.
        worker_peaks = reader.sandbox.worker_peaks_mb()
    megabytes = sum(len(d) for _, d, _ in data) / 1e6
    return {
        "workers": workers,
        "documents": len(data),
        "failed": failed,
        "megabytes": round(megabytes, 1),
        "seconds": round(seconds, 2),
        "documents_per_second": round(len(data) / seconds, 1),
        "megabytes_per_second": round(megabytes / seconds, 2),
        "worker_peak_rss_mb": max(worker_peaks, default=0),
        "caller_peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
    }


def measure_mixed(sources: list[Path], work: Path, count: int) -> dict:
    content = work / "mixed"
    started = time.perf_counter()
    made = build_mixed(sources, content, count)
    result: dict = {"files": made, "write_seconds": round(time.perf_counter() - started, 1)}
    result["extraction"] = [measure_extraction(content, w) for w in (1, 2)]
    index = work / "index-mixed"
    shutil.rmtree(index, ignore_errors=True)
    print("[mixed] cold build …", flush=True)
    cold_s, cold = kb_index(content, index)
    print("[mixed] warm run and warm full rebuild …", flush=True)
    warm_s, warm = kb_index(content, index)
    full_s, full = kb_index(content, index, "--full")
    keys = (
        "articles",
        "passages",
        "documents_extracted",
        "documents_cached",
        "extraction_seconds",
        "embedded_passages",
        "seconds",
    )
    result["cold"] = {
        "wall_seconds": round(cold_s, 1),
        **{k: cold[k] for k in keys},
        "warnings": len(cold["warnings"]),
    }
    result["warm"] = {
        "wall_seconds": round(warm_s, 1),
        **{k: warm[k] for k in keys},
        "published": warm["published"],
    }
    result["warm_full"] = {"wall_seconds": round(full_s, 1), **{k: full[k] for k in keys}}
    print(f"[mixed] {json.dumps(result)}", flush=True)
    return result


def mixed_targets_missed(mixed: dict, min_rate: float, memory_mb: int) -> list[str]:
    missed = []
    if mixed["warm"]["documents_extracted"] or mixed["warm"]["published"]:
        missed.append("a warm kb index extracted documents or published a snapshot")
    if mixed["warm_full"]["documents_extracted"]:
        missed.append("a warm --full rebuild extracted documents (the cache was not used)")
    one = mixed["extraction"][0]
    if one["documents_per_second"] < min_rate:
        missed.append(f"extraction {one['documents_per_second']} documents/s < {min_rate}")
    if max(e["worker_peak_rss_mb"] for e in mixed["extraction"]) > memory_mb + 300:
        missed.append("an extraction worker used more than its memory budget")
    return missed


def watch_latency(content: Path, work: Path, edits: int) -> dict:
    index = work / "index-synthetic"
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "kb",
            "index",
            "--content",
            str(content),
            "--index",
            str(index),
            "--watch",
            "--json",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env={**os.environ, "KB_SETTINGS": os.devnull},
    )
    reader = SnapshotReader(index)
    from whoosh.query import Term

    latencies = []
    try:
        time.sleep(15)  # model load and the initial (no-op) run
        for _ in range(edits):
            token = "zz" + uuid.uuid4().hex[:10]
            saved = time.perf_counter()
            edit_one(content, token)
            while time.perf_counter() - saved < 60:
                snap = reader.get()
                with snap.keyword.searcher() as s:
                    if s.search(Term("words", token), limit=1):
                        break
                time.sleep(0.02)
            latencies.append(time.perf_counter() - saved)
            time.sleep(1)
    finally:
        proc.terminate()
        proc.wait(timeout=30)
    return {
        "edits": edits,
        "median_seconds": round(statistics.median(latencies), 2),
        "max_seconds": round(max(latencies), 2),
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--content", type=Path, default=ROOT / "content")
    parser.add_argument("--handbook", type=Path, help="a second, real content folder")
    parser.add_argument("--synthetic", type=int, default=0, help="articles in the synthetic base")
    parser.add_argument("--work", type=Path, default=Path("/tmp/kb-bench-indexing"))
    parser.add_argument("--watch-edits", type=int, default=5)
    parser.add_argument("--mixed", type=int, default=0, help="documents in the mixed base")
    parser.add_argument("--min-docs-per-second", type=float, default=20.0)
    parser.add_argument("--no-sample", action="store_true", help="skip the sample content run")
    parser.add_argument(
        "--mixed-source",
        type=Path,
        action="append",
        default=[],
        help="more content folders whose sections fill the mixed base (besides --content)",
    )
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    args.work.mkdir(parents=True, exist_ok=True)
    results: dict = {
        "machine": f"{os.cpu_count()} cores, {platform.machine()}",
        "date": time.strftime("%Y-%m-%d"),
    }
    missed: list[str] = []
    if args.mixed:
        sources = [args.content, *args.mixed_source]
        results["mixed"] = measure_mixed(sources, args.work, args.mixed)
        results["load_average"] = os.getloadavg()
        from kb.settings import Settings

        missed = mixed_targets_missed(
            results["mixed"], args.min_docs_per_second, Settings().extract_memory_mb
        )
    if not args.no_sample:
        sample = args.work / "sample"
        shutil.rmtree(sample, ignore_errors=True)
        shutil.copytree(args.content, sample)
        results["sample"] = measure("sample", sample, args.work)
    sources = [args.content]
    if args.handbook:
        handbook = args.work / "handbook"
        shutil.rmtree(handbook, ignore_errors=True)
        shutil.copytree(args.handbook, handbook)
        results["handbook"] = measure("handbook", handbook, args.work)
        sources.append(args.handbook)
    if args.synthetic:
        synthetic = args.work / "synthetic"
        build_synthetic(sources, synthetic, args.synthetic)
        results["synthetic"] = measure("synthetic", synthetic, args.work)
        results["synthetic"]["watch"] = watch_latency(synthetic, args.work, args.watch_edits)
    results["settings"] = {"KB_SETTINGS": os.devnull, "defaults": "all"}
    results["load_average_end"] = os.getloadavg()
    print(json.dumps(results, indent=2))
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps(results, indent=2))
    for line in missed:
        print(f"target missed: {line}", file=sys.stderr)
    if missed:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
