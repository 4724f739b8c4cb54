"""Indexing benchmark: cold and warm builds, one-article updates, watch latency.

Runs the product's own `kb index` (as a subprocess, start-up included) on:
  * the sample content (`content/`),
  * a real handbook from another organisation (`--handbook DIR`),
  * a synthetic knowledge base of `--synthetic N` articles built from both:
    each synthetic article is one section of a real article under a new
    title in a department folder, so every article is distinct text.

For each: cold full build (empty index and cache) time and passages/s, warm
full rebuild (`--full`, cache kept), a one-article `kb index` run after one
file changed, and — on the synthetic base — how long after saving an edit it
is searchable while `kb index --watch` runs.

    python benchmarks/indexing.py --handbook ../shared/corpora/18f-handbook/pages \
        --synthetic 10000 --work /tmp/kb-bench --out benchmarks/results/indexing.json
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
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    args.work.mkdir(parents=True, exist_ok=True)
    results: dict = {
        "machine": f"{os.cpu_count()} cores, {platform.machine()}",
        "date": time.strftime("%Y-%m-%d"),
    }
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
    print(json.dumps(results, indent=2))
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
