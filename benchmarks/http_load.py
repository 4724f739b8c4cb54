"""HTTP load on `kb serve`: throughput and latency of /api/search under mixed queries.

    python -m benchmarks.http_load [--duration 60] [--concurrency 4] [--workers 2]
                                   [--threads 1] [--content content] [--index DIR]
                                   [--reindex-during] [--max-requests N] [--json FILE]

Starts `kb serve` on a loopback port it picks itself (port 0, read back from
its log; a tmp SQLite store, so the event log is exercised too), waits until
every worker has loaded the model, then runs `--concurrency` client threads
(one keep-alive connection each, plain `http.client`) that search with a mix
of English and German questions, filters, second pages and unanswerable
queries, until `--duration` seconds or `--max-requests` requests have passed.
By default every request's text is unique (the mix's question plus a request
number, which the index does not know and the keyword side skips), so the
servers' query-vector cache never hits and every search embeds its query;
`--repeat` sends the mix as it is. The servers' query cache is off unless
`--query-cache N` asks for it. It reports throughput, p50/p95/p99 latency,
errors and every setting that shapes the result, and exits 1 when any request
failed or a target was missed.

`--reindex-during` works on copies of the content and the index: a third of
the way in it edits one article and runs `kb index`, so the run shows the
servers switching snapshots under load; zero errors are still expected.

Without `--index` the content is indexed first into a tmp folder, which takes
minutes; pass an index of the same content (e.g. the one `make index` builds)
to skip that. The given index is never written to. This is a benchmark, not a
test: keep it out of pytest. Targets: >= 60 searches/s, p95 <= 100 ms, 0 errors.
"""

from __future__ import annotations

import argparse
import http.client
import itertools
import json
import os
import platform
import random
import secrets
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from benchmarks.ports import HOST, served_port
from webapp.throttle import UNLIMITED_ENV

MAX_DURATION_S = 600
MAX_CONCURRENCY = 32
BOOT_TIMEOUT_S = 300
TOUCHED_ARTICLE = "hr/annual-leave.md"
TARGET_RPS = 60.0
TARGET_P95_MS = 100.0

QUERIES: tuple[dict[str, Any], ...] = (
    {"q": "how do I report sick"},
    {"q": "how many vacation days do I get"},
    {"q": "vpn not working"},
    {"q": "parking"},
    {"q": "expense claim deadline"},
    {"q": "corporate credit card lost"},
    {"q": "book a meeting room"},
    {"q": "password reset"},
    {"q": "per diem rates germany", "department": "finance"},
    {"q": "visitor registration"},
    {"q": "laptop replacement", "department": "it"},
    {"q": "parental leave"},
    {"q": "who approves my budget"},
    {"q": "Wie melde ich mich krank?"},
    {"q": "Urlaub beantragen"},
    {"q": "Parkplatz"},
    {"q": "Betriebsrat Sprechstunde"},
    {"q": "Arbeitszeugnis anfordern"},
    {"q": "Deutschlandticket Zuschuss"},
    {"q": "Fundsachen abgeben"},
    {"q": "leave", "page": 2},
    {"q": "travel", "k": 20},
    {"q": "printer", "department": "it"},
    {"q": "office move", "department": "facilities"},
    {"q": "whistleblowing", "department": "legal"},
    {"q": "supplier invoice", "k": 5},
    {"q": "desk booking app"},
    {"q": "first aid"},
    {"q": "quantum teleportation of office plants"},
    {"q": "vacaton days"},
)


@dataclass
class Tally:
    """What the client threads measured; merged under a lock."""

    latencies_ms: list[float] = field(default_factory=list)
    errors: dict[str, int] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def ok(self, ms: float) -> None:
        with self.lock:
            self.latencies_ms.append(ms)

    def error(self, kind: str) -> None:
        with self.lock:
            self.errors[kind] = self.errors.get(kind, 0) + 1

    @property
    def count(self) -> int:
        return len(self.latencies_ms) + sum(self.errors.values())


def percentile(sorted_values: list[float], p: float) -> float:
    if not sorted_values:
        return float("nan")
    index = min(len(sorted_values) - 1, max(0, round(p / 100 * len(sorted_values)) - 1))
    return sorted_values[index]


def kb_command(*args: str) -> list[str]:
    """`kb ARGS` with this interpreter (no assumption about where `kb` is installed)."""
    return [sys.executable, "-c", "from kb.cli.main import main; main()", *args]


class Server:
    """`kb serve` in a child process on a port it binds itself (port 0): `port`
    is read from its log (0 until then); counts workers that finished warming up."""

    def __init__(
        self, content: Path, index: Path, workers: int, threads: int, env: dict[str, str]
    ) -> None:
        self.port = 0
        self.workers = workers
        self.warm = 0
        self.log: list[str] = []
        self.proc = subprocess.Popen(
            kb_command(
                "-v",
                "serve",
                "--content",
                str(content),
                "--index",
                str(index),
                "--host",
                HOST,
                "--port",
                "0",
                "--workers",
                str(workers),
                "--threads",
                str(threads),
            ),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
        )
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.proc.stderr is not None
        for line in self.proc.stderr:
            self.log.append(line.rstrip())
            if not self.port:
                self.port = served_port(line) or 0
            if "warmed up in" in line:
                self.warm += 1

    def wait_ready(self, timeout: float) -> int:
        """Wait until every worker is warm; the port the server listens on."""
        deadline = time.monotonic() + timeout
        while self.warm < self.workers or not self.port:
            if self.proc.poll() is not None:
                raise SystemExit("kb serve exited:\n" + "\n".join(self.log[-30:]))
            if time.monotonic() > deadline:
                raise SystemExit(f"workers not warm after {timeout} s")
            time.sleep(0.2)
        return self.port

    def problems(self) -> list[str]:
        return [
            line
            for line in self.log
            if "Traceback" in line or " ERROR " in line or "WORKER TIMEOUT" in line
        ]

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=40)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


def query_stream(seed: int, unique: bool) -> Iterator[dict[str, Any]]:
    """The requests of one client: the mix in random order, each text made unique."""
    rng = random.Random(seed)
    for number in itertools.count(1):
        params = dict(rng.choice(QUERIES))
        if unique:
            params["q"] = f"{params['q']} {seed * 1_000_000 + number}"
        yield params


def client(
    port: int,
    deadline: float,
    budget: threading.Semaphore,
    tally: Tally,
    seed: int,
    unique: bool = True,
) -> None:
    stream = query_stream(seed, unique)
    conn = http.client.HTTPConnection(HOST, port, timeout=30)
    try:
        while time.monotonic() < deadline and budget.acquire(blocking=False):
            params = next(stream)
            path = "/api/search?" + urlencode(params)
            started = time.perf_counter()
            try:
                conn.request("GET", path, headers={"Accept": "application/json"})
                response = conn.getresponse()
                body = response.read()
            except (OSError, http.client.HTTPException) as exc:
                tally.error(type(exc).__name__)
                conn.close()
                conn = http.client.HTTPConnection(HOST, port, timeout=30)
                continue
            elapsed_ms = (time.perf_counter() - started) * 1000
            if response.status != 200:
                tally.error(f"HTTP {response.status}")
            elif b'"results"' not in body:
                tally.error("unexpected body")
            else:
                tally.ok(elapsed_ms)
    finally:
        conn.close()


def reindex(content: Path, index: Path, env: dict[str, str], report: dict[str, Any]) -> None:
    """Edit one article and publish a new snapshot while the load runs."""
    before = (index / "CURRENT").read_text(encoding="utf-8").strip()
    article = content / TOUCHED_ARTICLE
    with article.open("a", encoding="utf-8") as fh:
        fh.write(f"\n\nBenchmark edit {secrets.token_hex(4)}.\n")
    started = time.monotonic()
    done = subprocess.run(
        kb_command("index", "--content", str(content), "--index", str(index)),
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    after = (index / "CURRENT").read_text(encoding="utf-8").strip()
    report.update(
        seconds=round(time.monotonic() - started, 1),
        exit_code=done.returncode,
        published=after != before,
        snapshot=after,
        output=(done.stdout + done.stderr).strip().splitlines()[-1:],
    )


def run(args: argparse.Namespace) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="kb-http-load-") as tmp_name:
        tmp = Path(tmp_name)
        content, index = Path(args.content), Path(args.index) if args.index else None
        if args.reindex_during:
            # Edits and new snapshots go to copies, never to the caller's folders.
            shutil.copytree(content, tmp / "content")
            content = tmp / "content"
            if index is not None:
                shutil.copytree(index, tmp / "index", ignore=shutil.ignore_patterns(".lock"))
                index = tmp / "index"
        env = {
            **os.environ,
            "KB_DATABASE_URL": f"sqlite:///{tmp / 'kb.db'}",
            "KB_SECRET_KEY": secrets.token_hex(16),
            **UNLIMITED_ENV,  # load from one address: no rate limits
            "KB_QUERY_CACHE_SIZE": str(args.query_cache),
        }
        if index is None:
            index = tmp / "index"
            print(f"indexing {content} (first build: minutes) …", file=sys.stderr)
            subprocess.run(
                kb_command("index", "--content", str(content), "--index", str(index)),
                env=env,
                check=True,
            )

        server = Server(content, index, args.workers, args.threads, env)
        try:
            boot = time.monotonic()
            port = server.wait_ready(BOOT_TIMEOUT_S)
            print(
                f"{args.workers} workers warm in {time.monotonic() - boot:.1f} s; "
                f"loading for {args.duration} s with {args.concurrency} clients",
                file=sys.stderr,
            )
            tally = Tally()
            budget = threading.Semaphore(args.max_requests)
            started = time.monotonic()
            deadline = started + args.duration
            threads = [
                threading.Thread(
                    target=client, args=(port, deadline, budget, tally, i, not args.repeat)
                )
                for i in range(args.concurrency)
            ]
            reindex_report: dict[str, Any] = {}
            reindexer = None
            if args.reindex_during:

                def later() -> None:
                    time.sleep(args.duration / 3)
                    reindex(content, index, env, reindex_report)

                reindexer = threading.Thread(target=later, daemon=True)
                reindexer.start()
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            elapsed = time.monotonic() - started
            if reindexer is not None:
                reindexer.join(timeout=300)
        finally:
            server.stop()

    lat = sorted(tally.latencies_ms)
    result: dict[str, Any] = {
        "requests": tally.count,
        "ok": len(lat),
        "errors": sum(tally.errors.values()),
        "error_kinds": tally.errors,
        "seconds": round(elapsed, 1),
        "throughput_rps": round(len(lat) / elapsed, 1) if elapsed else 0.0,
        "p50_ms": round(percentile(lat, 50), 1),
        "p95_ms": round(percentile(lat, 95), 1),
        "p99_ms": round(percentile(lat, 99), 1),
        "max_ms": round(lat[-1], 1) if lat else None,
        "workers": args.workers,
        "threads": args.threads,
        "concurrency": args.concurrency,
        "unique_queries": not args.repeat,
        "query_cache_size": args.query_cache,
        "index": str(args.index or "(built from --content)"),
        "passages": index_passages(index),
        "settings": served_settings(env),
        "load_average": [round(v, 2) for v in os.getloadavg()],
        "server_problems": server.problems()[:20],
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "platform": platform.platform(),
        },
    }
    if args.reindex_during:
        snapshot = reindex_report.get("snapshot", "")
        reindex_report["workers_switched"] = sum(
            f"serving snapshot {snapshot}" in line for line in server.log
        )
        result["reindex"] = reindex_report
    return result


def index_passages(index: Path) -> int | None:
    """Passages of the index's current snapshot, from its manifest."""
    try:
        current = (index / "CURRENT").read_text(encoding="utf-8").strip()
        manifest = json.loads((index / "snapshots" / current / "manifest.json").read_text("utf-8"))
    except (OSError, ValueError):
        return None
    return manifest.get("passages")


def served_settings(env: dict[str, str]) -> dict[str, Any]:
    """The search settings the servers ran with (defaults, settings file, environment)."""
    from benchmarks.recorded import search_settings
    from kb.settings import Settings

    return search_settings(Settings.load(environ=env))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=float, default=60.0, help="seconds of load (max 600)")
    parser.add_argument("--concurrency", type=int, default=4, help="client threads (max 32)")
    parser.add_argument(
        "--max-requests", type=int, default=200_000, help="stop after this many requests"
    )
    parser.add_argument("--workers", type=int, default=2, help="kb serve --workers")
    parser.add_argument("--threads", type=int, default=1, help="kb serve --threads")
    parser.add_argument("--content", default="content", help="content root")
    parser.add_argument(
        "--index",
        default=None,
        help="an index of that content (copied, never written); "
        "default: index into a tmp folder first",
    )
    parser.add_argument(
        "--reindex-during",
        action="store_true",
        help="edit an article and run kb index a third of the way in",
    )
    parser.add_argument(
        "--query-cache",
        type=int,
        default=0,
        help="query vectors each server caches (default 0: the cache is off)",
    )
    parser.add_argument(
        "--repeat",
        action="store_true",
        help="send the mix's texts as they are (repeats; the query cache can then hit)",
    )
    parser.add_argument("--json", dest="json_file", help="also write the results here")
    args = parser.parse_args(argv)
    if not 0 < args.duration <= MAX_DURATION_S:
        parser.error(f"--duration must be in (0, {MAX_DURATION_S}]")
    if not 1 <= args.concurrency <= MAX_CONCURRENCY:
        parser.error(f"--concurrency must be 1..{MAX_CONCURRENCY}")
    if args.max_requests < 1:
        parser.error("--max-requests must be at least 1")

    result = run(args)
    met = (
        result["errors"] == 0
        and result["throughput_rps"] >= TARGET_RPS
        and result["p95_ms"] <= TARGET_P95_MS
    )
    result["targets"] = {"throughput_rps": TARGET_RPS, "p95_ms": TARGET_P95_MS, "errors": 0}
    result["targets_met"] = met
    print(json.dumps(result, indent=2))
    if args.json_file:
        Path(args.json_file).write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(
        f"{result['throughput_rps']} searches/s, p50 {result['p50_ms']} ms, p95 "
        f"{result['p95_ms']} ms, p99 {result['p99_ms']} ms, {result['errors']} errors: "
        f"targets {'met' if met else 'NOT met'} (>= {TARGET_RPS:g}/s, p95 <= "
        f"{TARGET_P95_MS:g} ms, 0 errors)",
        file=sys.stderr,
    )
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
