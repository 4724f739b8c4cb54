"""The insights pages as an analyst reads them, in real headless Chromium.

Weeks of searches in two departments are logged straight into the store (the
pages read rollups; what is checked here is what the browser shows, not the
ranking), over the small fixture content indexed with the fast stand-in
model, so this module starts in seconds. A topic has a label as long as real
questions get. Waits are on conditions (Playwright's `expect`), never sleeps.
"""

from __future__ import annotations

import re
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
    OUTPUT,
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


# Where each chart's text lies against the edges of its picture, in CSS pixels.
CHART_TEXT_OUTSIDE = """id => {
  const svg = document.querySelector(`#${id} svg.chart`);
  const box = svg.getBoundingClientRect();
  return [...svg.querySelectorAll('text')]
    .filter(t => { const r = t.getBoundingClientRect();
                   return r.left < box.left - 1 || r.right > box.right + 1; })
    .map(t => t.textContent);
}"""


def test_the_gaps_page_charts_its_largest_topics_long_names_and_all(
    browser: Any,  # noqa: F811
    small: LiveServer,
) -> None:
    """The gaps page was a list only: which topics weigh most could not be seen
    at a glance. Its chart names each topic; a long question is cut to fit, its
    whole text in a tooltip and in the table."""
    from playwright.sync_api import expect

    tab = _analyst(browser, small)
    page = tab.page
    page.goto(small.url + "/insights/gaps")
    figure = page.locator("figure#gaps-by-people")
    expect(figure.locator("svg.chart title").first).to_have_text(
        "The 2 knowledge gaps most people met"
    )
    expect(figure.locator("rect.chart-bar")).to_have_count(2)
    assert page.evaluate(CHART_TEXT_OUTSIDE, "gaps-by-people") == []
    cut = figure.locator("text.chart-label").filter(has_text="…")
    expect(cut.locator("title")).to_have_text(LONG_QUESTION)
    figure.locator(".chart-table summary").click()
    expect(figure.locator("table th[scope=row]").first).to_have_text(LONG_QUESTION)
    expect(figure.locator("table td").first).to_have_text("5")
    # An analyst assigns a gap; writing it up is for the department's content owners.
    expect(page.locator(".gap-write")).to_have_count(0)
    page.context.close()
    assert tab.errors == []


def test_a_content_owner_goes_from_a_gap_to_an_article_for_its_department(
    browser: Any,  # noqa: F811
    small: LiveServer,
) -> None:
    """From a knowledge gap there was no way on to writing the article that
    closes it: the content owner had to open the editor elsewhere and retype
    the question."""
    from playwright.sync_api import expect

    tab = _open(browser)
    sign_in(tab, small, "hella")
    page = tab.page
    page.goto(small.url + "/insights/gaps")
    topic = page.locator("li.gap").filter(has=page.locator("h2", has_text=SHORT_QUESTION))
    # Each topic's link says which topic it writes up, to a screen reader too.
    name = re.compile(rf"^Write an article for Human Resources\W+{SHORT_QUESTION}$")
    topic.get_by_role("link", name=name).click()
    expect(page.locator("h1")).to_contain_text("Human Resources")
    expect(page.get_by_label("Title")).to_have_value("Parking permit")
    page.context.close()
    assert tab.errors == []


def test_the_overview_s_downloads_are_buttons_in_a_row(
    browser: Any,  # noqa: F811
    small: LiveServer,
) -> None:
    """The CSV downloads were a bulleted list of buttons, one under another."""
    tab = _analyst(browser, small)
    page = tab.page
    page.goto(small.url + "/insights/")
    style = page.evaluate(
        "(() => { const s = getComputedStyle(document.querySelector('.csv-downloads'));"
        " return [s.listStyleType, s.display]; })()"
    )
    assert style == ["none", "flex"]
    tops = page.eval_on_selector_all(
        ".csv-downloads a", "els => els.map(e => Math.round(e.getBoundingClientRect().top))"
    )
    assert len(tops) == 3 and len(set(tops)) == 1
    page.context.close()
    assert tab.errors == []


def test_an_analyst_clicks_a_department_s_bar_and_reads_its_figures_so_far_marked(
    browser: Any,  # noqa: F811
    small: LiveServer,
) -> None:
    """The bars of searches by department led nowhere; today's point, counted so
    far, read as a drop. A click on HR's bar opens HR's overview over the same
    period; today's point is marked, its note inside the picture."""
    from playwright.sync_api import expect

    tab = _analyst(browser, small)
    page = tab.page
    since = (datetime.now(UTC) - timedelta(days=DAYS - 1)).date()
    page.goto(small.url + f"/insights/?since={since}&hl=en")
    bars = page.locator("figure#searches-by-department a.chart-link")
    bars.filter(has_text="Human Resources").locator("rect").click()
    expect(page).to_have_url(re.compile(r"department=hr"))
    assert f"since={since}" in page.url
    expect(page.locator('select[name="department"]')).to_have_value("hr")
    note = page.locator("figure#searches-per-day text.chart-note")
    expect(note).to_have_text("so far")
    assert page.evaluate(CHART_TEXT_OUTSIDE, "searches-per-day") == []
    page.context.close()
    assert tab.errors == []


# Each topic's assign form, as far as its list or button reaches past its topic.
ASSIGN_PAST_TOPIC = """() => [...document.querySelectorAll('.gap-assign')].flatMap(form => {
  const edge = form.closest('li.gap').getBoundingClientRect().right;
  return [...form.querySelectorAll('select, button')]
    .filter(e => e.getBoundingClientRect().right > edge + 1).map(e => e.tagName);
})"""


@pytest.mark.parametrize("lang", ["en", "de"])
def test_a_gap_s_assign_button_stays_on_a_small_phone_s_screen(
    browser: Any,  # noqa: F811
    small: LiveServer,
    lang: str,
) -> None:
    """On a phone the list of departments and the Assign button stayed on one line:
    the button reached past the panel, and in German past the screen, so the page
    scrolled sideways."""
    from playwright.sync_api import expect

    tab = _analyst(browser, small, viewport={"width": 320, "height": 640})
    page = tab.page
    page.goto(small.url + f"/insights/gaps?hl={lang}")
    expect(page.locator(".gap-assign").first).to_be_visible()
    assert page.evaluate(ASSIGN_PAST_TOPIC) == []
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    page.context.close()
    assert tab.errors == []


@pytest.mark.parametrize("lang", ["en", "de"])
def test_on_a_phone_the_first_chart_comes_within_two_screens(
    browser: Any,  # noqa: F811
    small: LiveServer,
    lang: str,
) -> None:
    """On a 360-pixel phone the overview showed its twelve figure cards one under
    the other before the first chart, three screens down. The key figures come
    first now, then the charts, then the other figures; none is left out."""
    from playwright.sync_api import expect

    tab = _analyst(browser, small, viewport={"width": 360, "height": 740}, is_mobile=True)
    page = tab.page
    page.goto(f"{small.url}/insights/?hl={lang}")
    chart = page.locator(".chart-figure").first
    expect(chart).to_be_visible()
    top = page.evaluate(
        "document.querySelector('.chart-figure').getBoundingClientRect().top + window.scrollY"
    )
    OUTPUT.mkdir(exist_ok=True)
    page.screenshot(path=str(OUTPUT / f"insights-phone-{lang}.png"), full_page=True)
    assert top <= 2 * 740, top
    cards = page.locator(".figure-card")
    expect(cards).to_have_count(12)
    for n in range(12):
        expect(cards.nth(n)).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    page.set_viewport_size({"width": 1280, "height": 800})
    page.screenshot(path=str(OUTPUT / f"insights-desktop-{lang}.png"), full_page=True)
    page.context.close()
    assert tab.errors == []


LONGEST_NAME_FIRST = """() => document.querySelectorAll('.chart-table tbody tr:first-child > :first-child')
  .forEach(cell => { cell.textContent = 'Gebäudemanagement'; })"""


def _resolved_requests(live: LiveServer) -> None:
    """Three IT requests resolved today, once: the requests page then has
    resolution times to chart and tabulate."""
    from kb.requests.records import Request

    if any(r.department == "it" for r in live.store.list_requests()):
        return
    filed = datetime.now(UTC).replace(hour=0, minute=10, second=0, microsecond=0)
    fields = {"query": "laptop broken", "department": "it", "status": "resolved"}
    for who, minutes in (("r1", 5), ("r2", 20), ("r3", 40)):
        done = filed + timedelta(minutes=minutes)
        live.store.create_request(Request(requester=who, created=filed, resolved_at=done, **fields))
    insights_store(live.store).refresh()


@pytest.mark.parametrize(
    "path", ["/insights/?hl=de", "/insights/?by=week&hl=de", "/insights/requests?hl=de"]
)
def test_a_chart_s_figures_opened_on_a_small_phone_scroll_within_their_frame(
    browser: Any,  # noqa: F811
    small: LiveServer,
    path: str,
) -> None:
    """Opened on a 320-pixel phone, a chart's table of figures is as wide as its
    longest words: on the sample's requests page "Gebäudemanagement" beside
    "(Arbeitsstunden)" pushed the whole page sideways. It scrolls within its frame
    now, as the chart above it does. The fixture's departments have short names,
    so each table's first row is given the sample's longest one."""
    from playwright.sync_api import expect

    _resolved_requests(small)
    tab = _analyst(browser, small, viewport={"width": 320, "height": 640}, is_mobile=True)
    page = tab.page
    page.goto(small.url + path)
    disclosures = page.locator("details.chart-table")
    expect(disclosures.first).to_be_visible()
    for n in range(disclosures.count()):
        disclosures.nth(n).locator("summary").click()
        expect(disclosures.nth(n).locator("table")).to_be_visible()
    page.evaluate(LONGEST_NAME_FIRST)
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    page.context.close()
    assert tab.errors == []
