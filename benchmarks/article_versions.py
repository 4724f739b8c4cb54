"""Where article versions live: the store, or the content folder as a git repository.

Measures, on a copy of the sample content, what a browser save costs and what
reading history costs with each choice:

* store: `AuthoringService.save` as the app runs it (edit lock, disk check,
  validation, one INSERT of the whole text in SQLite, atomic file write),
  then the history (`versions`) and one old version;
* git: the same atomic file write, then `dulwich` (a pure-Python git, the
  well-kept library that needs no git binary) stages and commits the file;
  history is a walk of the log for that path and an old version a blob read.

    python -m benchmarks.article_versions --saves 200 [--work DIR]

Prints one JSON object: per save and per history read p50/p95 in ms for
both, repository and database sizes, and the load average. git is skipped
(with a note) when dulwich is not installed.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import tempfile
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

from kb.accounts.records import Grant, Role, User
from kb.authoring.service import AuthoringService
from kb.authoring.store import version_store
from kb.content.scanner import load_departments
from kb.store.factory import create_store

ROOT = Path(__file__).resolve().parent.parent
ARTICLE = "it/vpn-setup.md"


def _ms(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)
    p95 = ordered[max(0, round(0.95 * len(ordered)) - 1)]
    return {"p50_ms": round(statistics.median(ordered) * 1000, 2), "p95_ms": round(p95 * 1000, 2)}


def _size(path: Path) -> int:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file())


def bench_store(work: Path, saves: int) -> dict[str, Any]:
    content = work / "store-content"
    shutil.copytree(ROOT / "content", content)
    store = create_store(f"sqlite:///{work / 'kb.db'}")
    service = AuthoringService(content, version_store(store), lambda: load_departments(content))
    actor = User(username="bench", grants=[Grant(role=Role.CONTENT_OWNER, department="it")])
    save_times, history_times = [], []
    for n in range(saves):
        opened = service.open(actor, ARTICLE)
        fields = replace(opened.fields, body=opened.fields.body + f"\n\nEdit {n}.")
        started = time.perf_counter()
        service.save(actor, ARTICLE, fields, base_version=opened.version, message=f"edit {n}")
        save_times.append(time.perf_counter() - started)
    for _ in range(50):
        started = time.perf_counter()
        versions = service.history(actor, ARTICLE)
        service.version(actor, ARTICLE, 1)
        history_times.append(time.perf_counter() - started)
    store.close()
    return {
        "save": _ms(save_times),
        "history_and_old_version": _ms(history_times),
        "versions": len(versions),
        "database_bytes": (work / "kb.db").stat().st_size,
    }


def bench_git(work: Path, saves: int) -> dict[str, Any]:
    try:
        from dulwich import porcelain
        from dulwich.repo import Repo
    except ImportError:
        return {"skipped": "dulwich is not installed (pip install dulwich)"}
    from kb.authoring.files import write_atomically

    content = work / "git-content"
    shutil.copytree(ROOT / "content", content)
    started = time.perf_counter()
    repo = Repo.init(str(content))
    porcelain.add(repo, paths=[str(p) for p in content.rglob("*") if p.is_file()])
    porcelain.commit(repo, message=b"initial", author=b"bench <bench@example>")
    init_seconds = time.perf_counter() - started
    path = content / ARTICLE
    save_times, history_times = [], []
    for n in range(saves):
        text = path.read_text(encoding="utf-8") + f"\n\nEdit {n}.\n"
        started = time.perf_counter()
        write_atomically(path, text)
        porcelain.add(repo, paths=[str(path)])
        porcelain.commit(repo, message=f"edit {n}".encode(), author=b"bench <bench@example>")
        save_times.append(time.perf_counter() - started)
    for _ in range(50):
        started = time.perf_counter()
        entries = list(repo.get_walker(paths=[ARTICLE.encode()]))
        oldest = entries[-1].commit
        tree = repo[oldest.tree]
        for part in ARTICLE.encode().split(b"/"):
            _, sha = tree[part]
            tree = repo[sha]
        history_times.append(time.perf_counter() - started)
    return {
        "init_seconds": round(init_seconds, 3),
        "save": _ms(save_times),
        "history_and_old_version": _ms(history_times),
        "versions": len(entries),
        "repository_bytes": _size(content / ".git"),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--saves", type=int, default=200)
    parser.add_argument("--work", type=Path, default=None)
    args = parser.parse_args()
    work = args.work or Path(tempfile.mkdtemp(prefix="kb-versions-"))
    work.mkdir(parents=True, exist_ok=True)
    result = {
        "saves": args.saves,
        "article": ARTICLE,
        "loadavg": os.getloadavg(),
        "store_sqlite": bench_store(work, args.saves),
        "git_dulwich": bench_git(work, args.saves),
    }
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
