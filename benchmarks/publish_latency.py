"""Publish → searchable: how long after a content owner clicks Publish in the
browser the new article is found by search, with nothing but `kb serve` running.

Copies the sample content (and an index of it, `--index`, or builds one),
starts `kb serve` (gunicorn, `--workers`, SQLite store in the work folder,
setting index_on_change = worker), signs a content owner in through headless
Chromium (Playwright) and, `--runs` times, writes a new article with a
unique made-up word in the editor, clicks Publish and polls `/api/search`
for that word until the article is the top result. The clock starts at the
click, so the form post, the file write, the index worker's incremental
pass and the workers' switch to the new snapshot are all inside it. After
the runs and a few more searches it reads each web process's resident memory
(`worker_rss_mb`: VmRSS from /proc, docs/benchmarks.md "Memory of a web
process"; `--runs 1 --workers 1` for that figure alone).

    python -m benchmarks.publish_latency --runs 20 [--index var/index] [--workers 2]

Prints one JSON object (every setting, each latency, p50/p95/max, the load
average before and after) and exits 1 when p95 is over `--target` seconds
(default 3).
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import shutil
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Any

from benchmarks.http_load import BOOT_TIMEOUT_S, HOST, Server, kb_command, percentile
from benchmarks.process_memory import worker_rss_mb
from webapp.throttle import UNLIMITED_ENV

ROOT = Path(__file__).resolve().parent.parent
# Searched after the runs, before the web processes' memory is read.
AFTER_RUNS = ("vacation days", "VPN at home", "Wie beantrage ich Urlaub", "printer", "expenses")


def _found(port: int, word: str, article_id: str) -> bool:
    query = urllib.parse.urlencode({"q": word, "k": 3})
    with urllib.request.urlopen(f"http://{HOST}:{port}/api/search?{query}", timeout=10) as reply:
        results = json.load(reply)["results"]
    return bool(results) and results[0]["id"] == article_id


def run(args: argparse.Namespace, work: Path) -> dict[str, Any]:
    import subprocess

    from playwright.sync_api import sync_playwright

    from kb.accounts.service import add_user
    from kb.store.factory import create_store

    content, index = work / "content", work / "index"
    shutil.copytree(ROOT / "content", content)
    env = {
        **os.environ,
        "KB_DATABASE_URL": f"sqlite:///{work / 'kb.db'}",
        "KB_SECRET_KEY": secrets.token_hex(16),
        **UNLIMITED_ENV,  # load from one address: no rate limits
        "KB_INDEX_ON_CHANGE": "worker",
    }
    if args.index:
        shutil.copytree(args.index, index)
    else:
        print("indexing the sample content (first build: minutes) …", file=sys.stderr)
        subprocess.run(
            kb_command("index", "--content", str(content), "--index", str(index)),
            env=env,
            check=True,
        )
    store = create_store(env["KB_DATABASE_URL"])
    add_user(store, "bench-owner", "content_owner", "it", password="bench-owner-secret")
    store.close()
    server = Server(content, index, args.workers, 1, env)
    latencies: list[float] = []
    load_before = os.getloadavg()
    try:
        port = server.wait_ready(BOOT_TIMEOUT_S)
        with sync_playwright() as pw:
            browser = pw.chromium.launch(
                executable_path=args.chromium,
                args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
            )
            page = browser.new_page()
            base = f"http://{HOST}:{port}"
            page.goto(base + "/auth/sign-in")
            page.get_by_label("Username").fill("bench-owner")
            page.get_by_label("Password").fill("bench-owner-secret")
            page.get_by_role("button", name="Sign in").click()
            page.wait_for_url(base + "/")
            for n in range(args.runs):
                word = f"quorblex{secrets.token_hex(3)}"
                slug = f"bench-{n}-{word}"
                page.goto(f"{base}/manage/new?department=it")
                page.get_by_label("Title").fill(f"Benchmark article {n} {word}")
                page.get_by_label("File name").fill(slug)
                page.get_by_label("Text (Markdown)").fill(
                    f"## About {word}\n\nThe {word} device is lent by the IT desk for a week."
                )
                started = time.monotonic()
                page.get_by_role("button", name="Publish").click()
                article_id = f"it/{slug}.md"
                while not _found(port, word, article_id):
                    if time.monotonic() - started > args.timeout:
                        raise SystemExit(f"{article_id} not searchable after {args.timeout} s")
                    time.sleep(0.05)
                latencies.append(time.monotonic() - started)
                print(f"run {n + 1}: {latencies[-1]:.2f} s", file=sys.stderr)
            browser.close()
        for text in AFTER_RUNS:
            _found(port, text, "")
        rss = worker_rss_mb(server.proc.pid)
    finally:
        server.stop()
    ordered = sorted(latencies)
    return {
        "runs": args.runs,
        "workers": args.workers,
        "index_on_change": "worker",
        "store": "sqlite",
        "content": "sample content (content/) plus one new article per run",
        "latencies_s": [round(x, 3) for x in latencies],
        "p50_s": round(percentile(ordered, 50), 3),
        "p95_s": round(percentile(ordered, 95), 3),
        "max_s": round(ordered[-1], 3),
        "target_p95_s": args.target,
        "worker_rss_mb": list(rss.values()),
        "loadavg_before": load_before,
        "loadavg_after": os.getloadavg(),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--index", type=Path, default=None, help="An index of content/ to copy.")
    parser.add_argument("--work", type=Path, default=None)
    parser.add_argument("--target", type=float, default=3.0, help="p95 target in seconds.")
    parser.add_argument("--timeout", type=float, default=60.0)
    parser.add_argument("--chromium", default="/usr/bin/chromium")
    args = parser.parse_args()
    work = args.work or Path(tempfile.mkdtemp(prefix="kb-publish-"))
    result = run(args, work)
    print(json.dumps(result, indent=2))
    sys.exit(0 if result["p95_s"] <= args.target else 1)


if __name__ == "__main__":
    main()
