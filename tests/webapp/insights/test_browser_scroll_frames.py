"""Wide insights tables on a phone, in real headless Chromium: their frame
scrolls, says so, and is reached and named for the keyboard and screen readers.
Reuses the analyst pages' server and traffic (`test_browser_analyst`)."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import FIXTURES
from tests.webapp.insights.test_browser_analyst import PEOPLE, _analyst, _resolved_requests
from tests.webapp.test_browser import (
    LiveServer,
    browser,  # noqa: F401 - a fixture, used by name
    serve_small,
)

pytestmark = [pytest.mark.browser, pytest.mark.slow]

# An article whose links content health reports: the findings table then has rows.
LINKS = """---
title: Parental leave and part-time work after the birth of a child
summary: Links that lead nowhere.
status: published
lang: en
review_by: 2020-01-01
---
See [the form](parental-leave-application-form-2026.md) and [leave](annual-leave).
"""


@pytest.fixture(scope="module")
def small(hashing_embedder: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    base: Path = tmp_path_factory.mktemp("frames")
    shutil.copytree(FIXTURES / "content", base / "content")
    (base / "content" / "hr" / "parental-leave-and-part-time-work.md").write_text(LINKS)
    for live in serve_small(base, "browser-frames", hashing_embedder, PEOPLE):
        _resolved_requests(live)
        yield live


# The frame around a table: what it is called, whether it scrolls, whether it
# shows its right-hand shadow (a background layer, drawn only past the end).
FRAME = """frame => ({
  role: frame.getAttribute('role'),
  name: frame.getAttribute('aria-label'),
  tabindex: frame.tabIndex,
  overflow: getComputedStyle(frame).overflowX,
  hidden: frame.scrollWidth - frame.clientWidth,
  shadows: getComputedStyle(frame).backgroundImage.split('radial-gradient').length - 1,
})"""


@pytest.mark.parametrize(
    ("path", "name"),
    [
        ("/insights/content?hl=en", "Findings by article"),
        ("/insights/requests?hl=en", "Requests by department"),
        ("/insights/requests?hl=de", None),
    ],
)
def test_a_wide_table_on_a_phone_scrolls_in_a_named_focusable_frame(
    browser: Any,  # noqa: F811
    small: LiveServer,
    path: str,
    name: str | None,
) -> None:
    """At 360 px the tables showed two columns; the rest were out of sight with
    nothing saying so, and a keyboard could not scroll to them."""
    from playwright.sync_api import expect

    tab = _analyst(browser, small, viewport={"width": 360, "height": 740}, is_mobile=True)
    page = tab.page
    page.goto(small.url + path)
    frame = page.locator(".table-scroll")
    expect(frame).to_have_count(1)
    table = frame.locator("table.insights-table")
    expect(table).to_be_visible()
    seen = frame.evaluate(FRAME)
    caption = table.locator("caption").inner_text()
    assert seen["role"] == "region" and seen["name"] == caption
    if name:
        assert caption.startswith(name)
    assert seen["tabindex"] == 0 and seen["overflow"] == "auto"
    assert seen["hidden"] > 0, seen  # columns out of sight, within the frame
    assert seen["shadows"] == 2, seen
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    frame.focus()
    assert page.evaluate("document.activeElement.classList.contains('table-scroll')")
    page.keyboard.press("ArrowRight")
    page.wait_for_function("() => document.querySelector('.table-scroll').scrollLeft > 0")
    page.context.close()
    assert tab.errors == []


@pytest.mark.parametrize(
    ("path", "chart"),
    [
        ("/insights/requests?hl=de", "resolution-against-target"),
        ("/insights/?hl=en", "searches-by-department"),
    ],
)
def test_a_chart_on_a_phone_shows_that_its_values_are_out_of_sight(
    browser: Any,  # noqa: F811
    small: LiveServer,
    path: str,
    chart: str,
) -> None:
    """At 360 px a chart keeps its legible width and scrolls in its frame: the
    bars' values and the target chart's key ("90. Perzentil", "Ziel") were out
    of sight with nothing saying so, and the keyboard could reach the frame
    only through a bar that is a link. The frame shows its edge as the wide
    tables' do, is named by the chart's caption and scrolls by arrow key."""
    tab = _analyst(browser, small, viewport={"width": 360, "height": 740}, is_mobile=True)
    page = tab.page
    page.goto(small.url + path)
    frame = page.locator(f"#{chart} .chart-scroll")
    seen = frame.evaluate(FRAME)
    assert seen["hidden"] > 0, seen  # the chart is wider than its frame
    assert seen["shadows"] == 2, seen
    assert seen["role"] == "group" and seen["tabindex"] == 0, seen
    caption = page.locator(f"#{chart} figcaption")
    assert frame.get_attribute("aria-labelledby") == caption.get_attribute("id")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    frame.focus()
    page.keyboard.press("ArrowRight")
    page.wait_for_function(f"() => document.querySelector('#{chart} .chart-scroll').scrollLeft > 0")
    page.context.close()
    assert tab.errors == []
