"""How long the page of a large, flat article takes, with the body cache and without.

Builds one Markdown article of about `--kb` kilobytes of plain paragraphs
(flat: nothing nested), rendered and sanitised as the indexer stores it,
starts the app on a SQLite store with an engine that knows only that
article, and times `GET /articles/<id>`: the first view, then `--views` more
as they come (the per-process body cache answers them), then `--views` more
with the cache emptied before each (every view sanitises the body again, as
before the cache).

    python -m benchmarks.article_view [--kb 1024] [--views 10] [--work DIR]

Prints one JSON object: the HTML's size, the first view, p50/p95 of the
cached and the uncached views (ms), and the load average.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

ARTICLE_ID = "it/large.md"


class _OneArticle:
    """An engine that knows one article."""

    def __init__(self, article: Any) -> None:
        self.one = article

    def wait_until_warm(self, timeout: float | None = None) -> bool:
        return True

    def article(self, article_id: str) -> Any:
        return self.one if article_id == self.one.id else None

    def departments(self) -> list[Any]:
        return []


def _large_article(kilobytes: int) -> Any:
    from kb.content.markdown_text import render_html
    from kb.content.sanitize import sanitize_article_html
    from kb.records import Article, Section

    paragraph = (
        "Printers on every floor take jobs from the queue **Follow-me**; "
        "see [the guide](printers.md) and the [VPN page](vpn.md#setup).\n\n"
    )
    body = paragraph * max(1, kilobytes * 1024 // len(paragraph))
    return Article(
        id=ARTICLE_ID,
        department="it",
        title="Large",
        body_markdown=body,
        sections=(Section(headings=(), text=body),),
        body_html=sanitize_article_html(render_html(body), ARTICLE_ID),
    )


def _views(client: Any, count: int, before: Any = None) -> list[float]:
    timings = []
    for _ in range(count):
        if before is not None:
            before()
        started = time.perf_counter()
        response = client.get(f"/articles/{ARTICLE_ID}")
        timings.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, response.status_code
    return timings


def _summary(timings: list[float]) -> dict[str, float]:
    ordered = sorted(timings)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return {"p50_ms": round(statistics.median(ordered), 1), "p95_ms": round(p95, 1)}


def run(kilobytes: int, views: int, work: Path) -> dict[str, Any]:
    from kb.settings import Settings
    from webapp import create_app

    article = _large_article(kilobytes)
    settings = Settings(
        content_dir=str(work / "content"),
        index_dir=str(work / "index"),
        database_url=f"sqlite:///{work / 'kb.db'}",
    )
    (work / "content").mkdir(exist_ok=True)
    app = create_app(
        {"KB_SETTINGS": settings, "KB_ENGINE_FACTORY": lambda _settings: _OneArticle(article)}
    )
    client = app.test_client()
    first = _views(client, 1)[0]
    cached = _views(client, views)
    uncached = _views(client, views, lambda: app.extensions.pop("kb_article_bodies", None))
    return {
        "html_kb": round(len(article.body_html) / 1024),
        "first_ms": round(first, 1),
        "cached": _summary(cached),
        "uncached": _summary(uncached),
        "load_average": [round(x, 2) for x in os.getloadavg()],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kb", type=int, default=1024, help="size of the article's Markdown")
    parser.add_argument("--views", type=int, default=10, help="views of each kind")
    parser.add_argument("--work", type=Path, help="work folder (default: a temporary one)")
    args = parser.parse_args()
    if args.work:
        args.work.mkdir(parents=True, exist_ok=True)
        print(json.dumps(run(args.kb, args.views, args.work)))
        return
    with tempfile.TemporaryDirectory() as work:
        print(json.dumps(run(args.kb, args.views, Path(work))))


if __name__ == "__main__":
    main()
