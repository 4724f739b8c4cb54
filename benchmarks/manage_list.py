"""How long a content owner's article list (`/manage/`) takes on a large department.

Copies every Markdown page of a corpus (the 18F handbook's ~250 pages) into one
department folder of a fresh content folder, starts the app on a SQLite store
with no index (the list reads the content folder itself) or, `--indexed`, an
index holding every page as it is on disk, signs an admin in
and times `GET /manage/?department=handbook`: the first view, then `--views`
more, then one more after a page changed on disk (`touch` plus an edit).

    python -m benchmarks.manage_list --pages $SHARED/corpora/18f-handbook/pages \\
        [--views 10] [--indexed] [--work DIR]

Prints one JSON object: pages, first view, p50/p95 of the others, the view
after an edit (ms), and the load average.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

DEPARTMENT = "handbook"


class _Index:
    """An engine that knows the given articles (none: the list reads every file)."""

    def __init__(self, articles: dict[str, Any]) -> None:
        self.articles = articles

    def wait_until_warm(self, timeout: float | None = None) -> bool:
        return True

    def article(self, article_id: str) -> Any:
        return self.articles.get(article_id)

    def titles(self) -> dict[str, str]:
        return {}

    def departments(self) -> dict[str, Any]:
        return {}


def _copy_pages(pages: Path, department: Path) -> int:
    department.mkdir(parents=True)
    count = 0
    for page in sorted(pages.rglob("*.md")):
        rel = page.relative_to(pages)
        if any(part.startswith((".", "_")) for part in rel.parts):
            continue
        target = department / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(page, target)
        count += 1
    return count


def _timed(client: Any) -> float:
    started = time.perf_counter()
    response = client.get(f"/manage/?department={DEPARTMENT}")
    elapsed = time.perf_counter() - started
    if response.status_code != 200:
        raise SystemExit(f"/manage/ answered {response.status_code}")
    return elapsed


def _indexed(content: Path) -> dict[str, Any]:
    """What an index of every page would hold: each page read as the indexer reads it."""
    from dataclasses import replace

    from kb.content.files import content_entries
    from kb.content.scanner import read_entry

    found = {}
    for entry in content_entries(content / DEPARTMENT):
        entry = replace(entry, id=f"{DEPARTMENT}/{entry.id}")
        article, _ = read_entry(entry, 1_000_000, None)
        if article is not None:
            found[entry.id] = article
    return found


def run(pages: Path, work: Path, views: int, indexed: bool = False) -> dict[str, Any]:
    from kb.accounts.service import add_user
    from kb.settings import Settings
    from webapp import create_app
    from webapp.services import services

    content = work / "content"
    count = _copy_pages(pages, content / DEPARTMENT)
    settings = Settings.load(
        {
            "database_url": f"sqlite:///{work / 'kb.db'}",
            "index_dir": str(work / "index"),
            "content_dir": str(content),
            "secret_key": "bench",
        },
        environ={},
    )
    engine = _Index(_indexed(content) if indexed else {})
    app = create_app(
        {"KB_SETTINGS": settings, "TESTING": True, "KB_ENGINE_FACTORY": lambda _s: engine}
    )
    add_user(services(app).store, "ada", "admin", None)
    client = app.test_client()
    with client.session_transaction() as session:
        session.update(kb_user="ada", kb_gen=0, kb_since=int(time.time()), kb_csrf="x")
    first = _timed(client)
    again = [_timed(client) for _ in range(views)]
    changed = next((content / DEPARTMENT).rglob("*.md"))
    changed.write_text(changed.read_text(encoding="utf-8") + "\nEdited.\n", encoding="utf-8")
    after_edit = _timed(client)
    services(app).close()
    ordered = sorted(again)
    return {
        "pages": count,
        "indexed": len(engine.articles),
        "first_view_ms": round(first * 1000, 1),
        "views": views,
        "p50_ms": round(statistics.median(ordered) * 1000, 1),
        "p95_ms": round(ordered[max(0, round(0.95 * len(ordered)) - 1)] * 1000, 1),
        "after_one_edit_ms": round(after_edit * 1000, 1),
        "load_average": os.getloadavg()[0],
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=Path, required=True, help="folder of Markdown pages")
    parser.add_argument("--views", type=int, default=10)
    parser.add_argument(
        "--indexed", action="store_true", help="an index holds every page as it is on disk"
    )
    parser.add_argument("--work", type=Path, default=None, help="work folder (default: temp)")
    args = parser.parse_args(argv)
    if args.work is not None:
        args.work.mkdir(parents=True, exist_ok=True)
        print(json.dumps(run(args.pages, args.work, args.views, args.indexed)))
        return 0
    with tempfile.TemporaryDirectory() as work:
        print(json.dumps(run(args.pages, Path(work), args.views, args.indexed)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
