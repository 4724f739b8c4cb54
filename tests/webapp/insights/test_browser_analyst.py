"""The insights pages as an analyst reads them, in real headless Chromium.

Weeks of searches in two departments are logged straight into the store (the
pages read rollups; what is checked here is what the browser shows, not the
ranking), over the small fixture content indexed with the fast stand-in
model, so this module starts in seconds. A topic has a label as long as real
questions get. Waits are on conditions (Playwright's `expect`), never sleeps.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from kb.events import SearchEvent, normalise_query
from kb.insights.records import GapQuestion, GapTopic
from kb.insights.store import insights_store
from tests.conftest import FIXTURES
from tests.webapp.requests.test_browser import sign_in
from tests.webapp.test_browser import (
    LiveServer,
    Tab,
    _open,
    browser,  # noqa: F401 - a fixture, used by name
    serve_small,
)

pytestmark = [pytest.mark.browser, pytest.mark.slow]

PEOPLE = {
    "anna": ("analyst", None),
    "hella": ("content_owner", "hr"),
}
LONG_QUESTION = (
    "can I take the unused vacation days of last year into the first quarter "
    "of this year when my manager agrees"
)
SHORT_QUESTION = "parking permit"
DAYS = 21


def _log_traffic(live: LiveServer) -> dict[str, int]:
    """Three weeks of searches: answered ones in HR and IT, and two failed
    questions (one as long as real ones get) that five people asked; their topics."""
    today = datetime.now(UTC).replace(hour=0, minute=30, second=0, microsecond=0)
    for day in range(DAYS):
        ts = today - timedelta(days=day)
        for n in range(1 + day % 4):
            for department in ("hr", "it"):
                live.store.log_search(
                    SearchEvent(
                        query="vpn" if department == "it" else "annual leave",
                        answered=True,
                        user=f"u{n}",
                        person=f"p{n}",
                        signed_in=True,
                        department=department,
                        ts=ts,
                        result_ids=[f"{department}/a.md"],
                    )
                )
        for text in (LONG_QUESTION, SHORT_QUESTION):
            live.store.log_search(
                SearchEvent(
                    query=text,
                    answered=False,
                    user=f"g{day % 5}",
                    person=f"g{day % 5}",
                    signed_in=True,
                    department="hr",
                    ts=ts,
                )
            )
    rollups = insights_store(live.store)
    rollups.refresh()
    topics = {}
    for text in (LONG_QUESTION, SHORT_QUESTION):
        topic = rollups.save_topic(GapTopic(label=text, department="hr", centroid=np.ones(2)))
        rollups.save_gap_questions(
            [
                GapQuestion(
                    text=normalise_query(text),
                    lang="en",
                    model="m",
                    vector=np.ones(2),
                    topic_id=topic.id,
                )
            ]
        )
        assert topic.id is not None
        topics[text] = topic.id
    return topics


@pytest.fixture(scope="module")
def small(hashing_embedder: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    base: Path = tmp_path_factory.mktemp("analyst")
    shutil.copytree(FIXTURES / "content", base / "content")
    for live in serve_small(base, "browser-analyst", hashing_embedder, PEOPLE):
        _log_traffic(live)
        yield live


def _analyst(chromium: Any, live: LiveServer, **options: Any) -> Tab:
    tab = _open(chromium, **options)
    sign_in(tab, live, "anna")
    return tab


# The rendered size of the smallest text of each chart, in CSS pixels.
SMALLEST_CHART_TEXT = """() => [...document.querySelectorAll('svg.chart')].map(svg => {
  const heights = [...svg.querySelectorAll('text')].map(t => t.getBoundingClientRect().height);
  return [svg.closest('figure').id, Math.min(...heights)];
})"""


def test_charts_stay_legible_on_a_phone(browser: Any, small: LiveServer) -> None:  # noqa: F811
    """At 390 px the charts shrank to the screen's width, and their axis dates,
    department names and values with them, to about 6 px: unreadable."""
    tab = _analyst(browser, small, viewport={"width": 390, "height": 844})
    page = tab.page
    for path in ("/insights/", "/insights/?by=week"):
        page.goto(small.url + path)
        sizes = page.evaluate(SMALLEST_CHART_TEXT)
        assert sizes and all(size >= 11 for _, size in sizes), (path, sizes)
        # The chart scrolls within its frame; the page itself does not.
        assert page.evaluate("document.documentElement.scrollWidth") <= 390, path
    page.context.close()
    assert tab.errors == []
