"""Where the time of the content-health page goes, first visit and later ones.

```
python -m benchmarks.insights_content [--articles 400] [--events 30000] [--days 120]
       [--rounds 5] [--broken-links 0] [--json FILE]
```

Builds a content folder (the repository's sample articles and `--articles`
synthetic ones across its departments: links, some broken or to restricted
articles, `related:` entries, review dates, some near-duplicate pairs, files
changed on many different days) and a SQLite store with a synthetic log
whose searches show, answer and get votes on those articles
(`benchmarks/insights_data.py`), rolled up; with `--broken-links N`, one
more article (`hr/many-links.md`) whose `related:` entries name N articles
that do not exist: N broken links, found without rendering its body, so
that the count does not hang on the render budget; the content indexed with the
hashing embedder (`tests.support.HashingEmbedder`), as `kb index` leaves
a snapshot for every worker. Then, in this process:

- each step of the page on its own, cold: reading the content root, every
  file and as a worker's first reading does (`content_scan`, from the
  snapshot's articles: `indexer/indexed_scan.py`), the period's article figures, the rules
  (`content_health`, near-duplicates apart), and the near-duplicates as
  another worker reads them from the file the first wrote;
- the page `GET /insights/content` through the app (Flask's test client,
  signed in as an analyst): its first visit in a fresh app, with nothing
  read or shared yet; another worker's first visit, the content read ahead
  as `kb serve` does and the near-duplicates shared by the first
  (`kb/insights/near_duplicates.py`); the visit after the minute, the
  snapshot unchanged; the visit after an article changed and was indexed
  again; and `--rounds` visits after those (p50/p95); the size of the page
  and of `GET /api/insights/content` in bytes.

Wall and CPU time of this process in ms. Exit status 0; every setting is in
the output.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
DEPARTMENTS = ["hr", "it", "facilities", "finance", "legal", "operations"]
_WORDS = [
    "leave",
    "request",
    "approve",
    "manager",
    "travel",
    "expense",
    "laptop",
    "password",
    "account",
    "printer",
    "office",
    "desk",
    "booking",
    "parking",
    "permit",
    "contract",
    "invoice",
    "payroll",
    "holiday",
    "sick",
    "note",
    "onboarding",
    "badge",
    "access",
    "network",
    "drive",
    "backup",
    "meeting",
    "room",
    "budget",
    "purchase",
    "order",
    "supplier",
    "safety",
    "training",
    "policy",
    "form",
]


def _article(rng: random.Random, aid: str, others: list[str], copy_of: str | None) -> str:
    """One synthetic Markdown article (front matter, headings, links)."""
    links = [f"[see also](../{rng.choice(others)})" for _ in range(2)]
    if rng.random() < 0.05:
        links.append(f"[gone](../{aid.split('/')[0]}/missing-{rng.randrange(99)}.md)")
    body = copy_of or "\n\n".join(
        f"## Part {p}\n\n" + " ".join(rng.choice(_WORDS) for _ in range(rng.randrange(60, 160)))
        for p in range(rng.randrange(2, 6))
    )
    review = date.today() + timedelta(days=rng.randrange(-60, 200))
    audience = "managers" if rng.random() < 0.1 else "everyone"
    related = rng.sample(others, 2)
    return (
        f"---\ntitle: Synthetic article {aid}\nstatus: published\naudience: {audience}\n"
        f"lang: en\nreview_by: {review.isoformat()}\nrelated: [{', '.join(related)}]\n---\n"
        f"{body}\n\n{' '.join(links)}\n"
    )


def build_content(
    root: Path,
    extra: int,
    days: int,
    seed: int = 7,
    source: Path = HERE.parent / "content",
    broken_links: int = 0,
) -> list[str]:
    """The content of `source` (the sample content) and `extra` synthetic
    articles under `root`, their files changed on days spread over `days`,
    and with `broken_links`, an article with that many links to missing
    articles; the ids of all articles."""
    rng = random.Random(seed)
    shutil.copytree(source, root)
    ids = [f"{d}/synthetic-{i}.md" for i in range(extra) for d in [DEPARTMENTS[i % 6]]]
    bodies: dict[str, str] = {}
    for i, aid in enumerate(ids):
        copy_of = bodies[ids[i - 6]] if i >= 6 and rng.random() < 0.03 else None
        text = _article(rng, aid, ids, copy_of)
        bodies[aid] = text.split("---\n", 2)[2].rsplit("\n\n", 1)[0]
        (root / aid).parent.mkdir(exist_ok=True)
        (root / aid).write_text(text, encoding="utf-8")
    if broken_links:
        missing = ", ".join(f"hr/missing-{i}.md" for i in range(broken_links))
        (root / "hr" / "many-links.md").write_text(
            f"---\ntitle: Many links\nrelated: [{missing}]\n---\nLinks.\n", encoding="utf-8"
        )
    now = time.time()
    for path in root.rglob("*.md"):
        when = now - rng.randrange(days * 2) * 86400
        os.utime(path, (when, when))
    return sorted(str(p.relative_to(root)) for p in root.rglob("*.md"))


def _timed(step: Callable[[], Any]) -> tuple[Any, dict[str, float]]:
    t0, c0 = time.perf_counter(), time.process_time()
    result = step()
    return result, {
        "wall_ms": round((time.perf_counter() - t0) * 1000, 1),
        "cpu_ms": round((time.process_time() - c0) * 1000, 1),
    }


def _app(url: str, content: Path, tmp: Path) -> Any:
    from kb.settings import Settings
    from tests.support import FakeEngine
    from webapp import create_app

    settings = Settings.load(
        {
            "database_url": url,
            "content_dir": str(content),
            "index_dir": str(tmp / "index"),
            "secret_key": "bench",
        },
        environ={},
    )
    engine = FakeEngine()
    return create_app(
        {"KB_SETTINGS": settings, "TESTING": True, "KB_ENGINE_FACTORY": lambda _s: engine}
    )


def _index(tmp: Path) -> None:
    """Index the content (the hashing embedder alone): the snapshot a worker's
    first reading starts from (`indexer.indexed_scan`)."""
    from indexer.build import IndexBuilder
    from kb.settings import Settings
    from tests.support import HashingEmbedder

    settings = Settings.load(
        {
            "content_dir": str(tmp / "content"),
            "index_dir": str(tmp / "index"),
            "secondary_model": "",
        },
        environ={},
    )
    IndexBuilder(settings, embedder=HashingEmbedder()).run()


def _steps(app: Any, span: int) -> dict[str, Any]:
    """Each step of the page alone, cold (the scan cache emptied first)."""
    from kb.insights.content import UNSEEN_DAYS, content_health, current_figures, published_days
    from kb.insights.near_duplicates import _pairs_once, near_duplicates
    from kb.insights.period import Period
    from webapp import services
    from webapp.insights import content_reading

    today = datetime.now(UTC).date()
    period = Period(today - timedelta(days=span - 1), today + timedelta(days=1))
    _pairs_once.cache_clear()
    with app.app_context():
        content_reading.forget_readings()
        from kb.content.scanner import scan_content

        _, every_file_t = _timed(lambda: scan_content(services.services().settings.content_path))
        scan, scan_t = _timed(content_reading.content_scan)
        svc = services.services()
        from kb.insights.factory import insights_service

        store = insights_service(svc.settings, svc.store).store
        published_on = published_days(scan.modified)
        figures, figures_t = _timed(
            lambda: current_figures(store, period.since, period.until, published_on)
        )
        recent, recent_t = _timed(
            lambda: store.article_figures(
                today - timedelta(days=UNSEEN_DAYS), today + timedelta(days=1)
            )
        )
        published = [a for a in scan.articles.values() if a.is_searchable]
        pairs, dup_t = _timed(lambda: near_duplicates(published))
        shown = {a for a, f in recent.items() if f.shown}
        findings, health_t = _timed(
            lambda: content_health(
                scan.articles,
                figures,
                shown,
                today,
                review_due_days=14,
                published_on=published_on,
                reader=(frozenset(), frozenset()),
            )
        )
        shared_t = _shared_pairs(svc.settings.index_path, published)
    return {
        "articles": len(scan.articles),
        "changed_days": len(set(published_on.values())),
        "near_duplicate_pairs": len(pairs),
        "findings": len(findings),
        "content_scan (every file read)": every_file_t,
        "content_scan (from the snapshot)": scan_t,
        "current_figures": figures_t,
        "recent_figures": recent_t,
        "near_duplicates": dup_t,
        "near_duplicates (shared by another worker)": shared_t,
        "content_health (near-duplicates included)": health_t,
    }


def _shared_pairs(index: Path, published: list[Any]) -> dict[str, float]:
    """The near-duplicates as a worker reads them from the file another wrote."""
    from kb.insights.factory import SHARED_DIR
    from kb.insights.near_duplicates import _pairs_once, near_duplicates

    near_duplicates(published, shared=index / SHARED_DIR)  # as the first worker: found, shared
    _pairs_once.cache_clear()  # another worker
    return _timed(lambda: near_duplicates(published, shared=index / SHARED_DIR))[1]


def _page(url: str, content: Path, tmp: Path, span: int, rounds: int) -> dict[str, Any]:
    """The page's first visit in a fresh worker with nothing read and nothing
    shared; another worker's first visit, with the content read ahead
    (`read_content_ahead`, as `kb serve` does) and the near-duplicates the
    first one shared; the visit after the minute (the snapshot unchanged); the
    visit after an article changed and was indexed again (a new snapshot); and
    `rounds` visits after those."""
    from webapp.insights import content_reading
    from webapp.insights.schedule import read_content_ahead
    from webapp.services import services

    today = datetime.now(UTC).date()
    path = f"/insights/content?since={today - timedelta(days=span - 1)}&until={today}"
    report: dict[str, Any] = {}
    for ahead in (False, True):
        _new_worker(tmp, keep_shared=ahead)
        app = _app(url, content, tmp)
        if ahead:
            _, report["read_ahead"] = _timed(lambda: read_content_ahead(app).join())  # noqa: B023
        client = _client(app)
        response, report["first_visit_read_ahead" if ahead else "first_visit"] = _timed(
            lambda: client.get(path)  # noqa: B023
        )
        assert response.status_code == 200, response.status_code
        if ahead:
            break
        services(app).close()
    seconds, content_reading.SCAN_SECONDS = content_reading.SCAN_SECONDS, -1.0  # the minute is over
    _, report["visit_after_the_minute"] = _timed(lambda: client.get(path))
    content_reading.SCAN_SECONDS = seconds
    changed = content / "hr" / "annual-leave.md"
    changed.write_text(changed.read_text("utf-8") + "\nOne more line.\n", "utf-8")
    _index(tmp)
    _, report["visit_after_a_new_snapshot"] = _timed(lambda: client.get(path))
    walls, cpus = [], []
    for _ in range(rounds):
        response, t = _timed(lambda: client.get(path))
        walls.append(t["wall_ms"])
        cpus.append(t["cpu_ms"])
    walls.sort()
    cpus.sort()
    report["page_bytes"] = len(response.get_data())
    api = client.get(path.replace("/insights/", "/api/insights/", 1))
    report["api_bytes"] = len(api.get_data())
    services(app).close()
    return {
        **report,
        "later_p50_ms": walls[len(walls) // 2],
        "later_p95_ms": walls[min(len(walls) - 1, round(0.95 * (len(walls) - 1)))],
        "later_cpu_p50_ms": cpus[len(cpus) // 2],
    }


def _new_worker(tmp: Path, keep_shared: bool) -> None:
    """Forget what this process read and found, as a new web worker starts;
    unless `keep_shared`, also what a worker before shared in the index folder."""
    from kb.insights.factory import SHARED_DIR
    from kb.insights.near_duplicates import _pairs_once
    from webapp.insights import content_reading

    content_reading.forget_readings()
    _pairs_once.cache_clear()
    if not keep_shared:
        shutil.rmtree(tmp / "index" / SHARED_DIR, ignore_errors=True)


def _client(app: Any) -> Any:
    from tests.support import sign_in_as

    client = app.test_client()
    sign_in_as(client, "bench-analyst")
    return client


def run(args: argparse.Namespace) -> dict[str, Any]:
    from benchmarks.insights_data import populate
    from kb.accounts.service import add_user
    from kb.insights.store import insights_store
    from kb.store.factory import create_store
    from webapp.services import services

    with tempfile.TemporaryDirectory(prefix="kb-bench-content-") as name:
        tmp = Path(name)
        ids = build_content(
            tmp / "content", args.articles, args.days, broken_links=args.broken_links
        )
        _, indexing = _timed(lambda: _index(tmp))
        url = f"sqlite:///{tmp / 'kb.db'}"
        store = create_store(url)
        counts = populate(
            store.engine,  # type: ignore[attr-defined]
            events=args.events,
            request_count=args.events // 20,
            days=args.days,
            texts=2_000,
            topics=50,
            articles=ids,
        )
        _, rollup = _timed(lambda: insights_store(store).refresh())
        add_user(store, "bench-analyst", "analyst")
        store.close()
        report: dict[str, Any] = {
            **counts,
            "days": args.days,
            "span_days": args.span,
            "rounds": args.rounds,
            "broken_links": args.broken_links,
            "first_rollup": rollup,
            "index_build": indexing,
            "cpu_count": os.cpu_count(),
            "loadavg_before": _loadavg(),
        }
        report["page"] = _page(url, tmp / "content", tmp, args.span, args.rounds)
        app = _app(url, tmp / "content", tmp)
        report["steps"] = _steps(app, args.span)
        services(app).close()
    report["loadavg_after"] = _loadavg()
    return report


def _loadavg() -> list[str] | None:
    path = Path("/proc/loadavg")
    return path.read_text().split()[:3] if path.exists() else None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=400, help="synthetic articles added")
    parser.add_argument("--events", type=int, default=30_000, help="searches in the log")
    parser.add_argument("--days", type=int, default=120, help="days the log spans")
    parser.add_argument("--span", type=int, default=30, help="days of the page's period")
    parser.add_argument("--rounds", type=int, default=5, help="visits timed after the first")
    parser.add_argument(
        "--broken-links", type=int, default=0, help="links to missing articles in one article"
    )
    parser.add_argument("--json", help="also write the report here")
    args = parser.parse_args(argv)
    text = json.dumps(run(args), indent=2, ensure_ascii=False)
    print(text)
    if args.json:
        Path(args.json).write_text(text + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
