"""Insights in real headless Chromium, over a copy of the sample content and index.

The full loop: people search in English and German for something the
knowledge base does not answer; the questions become one knowledge gap; an
analyst assigns it to Facilities; a content owner of Facilities sees it,
publishes an article; the indexer makes the next snapshot; the gap is
verified against it and shows closed, with the answered share before and
after. Also: the overview with its charts, German, a content owner's slice,
an employee's 403. A screenshot of every page goes to test-output/.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

import kb.insights.vectors
from kb.accounts.service import add_user
from kb.insights.factory import refresh, verify
from kb.settings import Settings
from tests.kb.insights.test_vectors import SAMPLED_PRIOR_TEXTS
from tests.webapp.test_browser import (
    OUTPUT,
    LiveServer,
    Tab,
    _open,
    _serve,
    browser,  # noqa: F401 - a fixture, used by name
    sample_copy,
)

pytestmark = [pytest.mark.browser, pytest.mark.slow]

ENGLISH = "when is the christmas party"
GERMAN = "wann ist die Weihnachtsfeier"
OTHER = "can I bring my dog to the office"
ARTICLE = """\
---
title: Christmas party – Weihnachtsfeier
tags: [events, christmas]
---
## When is the Christmas party?

The company Christmas party is on Friday, 11 December, from 18:00 in the
canteen of every office. Register by 27 November in the events calendar;
partners are welcome.

## Wann ist die Weihnachtsfeier?

Die Weihnachtsfeier ist am Freitag, 11. Dezember, ab 18 Uhr in der Kantine
jedes Standorts. Bitte melden Sie sich bis zum 27. November im
Veranstaltungskalender an; Partner sind willkommen.
"""


@pytest.fixture(scope="module")
def live(
    sample_index: Settings, embedder: Any, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[LiveServer]:
    settings = sample_copy(
        sample_index, tmp_path_factory.mktemp("insights-flow"), "browser-insights-tests"
    )
    server = next(gen := _serve(settings, embedder))
    for name, role, dept in [
        ("anna", "analyst", None),
        ("fiona", "content_owner", "facilities"),
        ("emil", "employee", None),
        *((f"person{n}", "employee", None) for n in range(8)),
    ]:
        add_user(server.store, name, role, dept, password=f"{name}-secret")
    yield server
    gen.close()


def sign_in(tab: Tab, live: LiveServer, username: str, lang: str = "en") -> None:
    from playwright.sync_api import expect

    page = tab.page
    page.goto(live.url + f"/auth/sign-in?hl={lang}")
    page.locator("input[name=username]").fill(username)
    page.locator("input[name=password]").fill(f"{username}-secret")
    page.locator("form:has(input[name=password]) button[type=submit]").click()
    expect(page.locator("form.sign-out")).to_be_visible()


def search_as_someone(chromium: Any, live: LiveServer, text: str, who: str) -> bool:
    """One person searches, signed in as `who` in a browser of their own: insights
    count people by the signed-in user (or the address, and every test browser
    shares one)."""
    from playwright.sync_api import expect

    tab = _open(chromium)
    sign_in(tab, live, who)
    page = tab.page
    page.goto(live.url + "/")
    box = page.get_by_role("combobox")
    box.fill(text)
    box.press("Enter")
    expect(page.locator(".results-count, .empty").first).to_be_visible()
    unanswered = page.locator(".unanswered").count() > 0
    tab.page.context.close()
    return unanswered


def shot(page: Any, name: str) -> None:
    OUTPUT.mkdir(exist_ok=True)
    page.screenshot(path=str(OUTPUT / f"insights-{name}.png"), full_page=True)


def test_the_full_loop_from_failed_searches_to_a_gap_proved_closed(
    browser: Any,  # noqa: F811
    live: LiveServer,
    embedder: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from playwright.sync_api import expect

    from indexer.build import IndexBuilder
    from webapp.services import services

    # The sample content's language prior from a spread of its headings
    # (tests.kb.insights.test_vectors): embedding all of them was most of the
    # refresh's time, and the spread groups the same questions.
    monkeypatch.setattr(kb.insights.vectors, "MAX_PRIOR_TEXTS", SAMPLED_PRIOR_TEXTS)

    # 1. Six people ask about the Christmas party, three in English, three in German;
    #    two others ask something else. Nothing answers them.
    for n, text in enumerate([ENGLISH] * 3 + [GERMAN] * 3 + [OTHER] * 2):
        who = f"person{n}"
        assert search_as_someone(browser, live, text, who), f"{text!r} should be unanswered"
    settings = services(live.app).settings
    _days, update = refresh(settings, live.store)
    assert update is not None and update.questions == 3

    # 2. The analyst finds one topic holding both languages, and assigns it.
    analyst = _open(browser)
    sign_in(analyst, live, "anna")
    page = analyst.page
    page.goto(live.url + "/insights/gaps")
    topic = page.locator("li.gap").filter(has_text="Weihnachtsfeier")
    expect(topic).to_have_count(1)
    topic.locator("summary").click()
    expect(topic.locator(".gap-queries li")).to_have_count(2)
    for text in (ENGLISH, GERMAN):
        expect(topic.locator(".gap-queries")).to_contain_text(text, ignore_case=True)
    expect(topic.locator(".gap-figures")).to_contain_text("6")
    topic.locator("select[name=department]").select_option("facilities")
    topic.get_by_role("button", name="Assign").click()
    expect(page.locator(".flash--success")).to_contain_text("Facilities")
    topic = page.locator("li.gap").filter(has_text="Weihnachtsfeier")
    expect(topic.locator(".gap-status")).to_contain_text("Assigned to Facilities")
    shot(page, "gaps-assigned")

    # 3. The content owner of Facilities sees it on their page and publishes an article.
    owner = _open(browser)
    sign_in(owner, live, "fiona")
    owner.page.goto(live.url + "/insights/gaps")
    expect(owner.page.locator("li.gap").filter(has_text="Weihnachtsfeier")).to_have_count(1)
    expect(owner.page.locator(".gap-assign")).to_have_count(0)
    shot(owner.page, "gaps-content-owner")
    (settings.content_path / "facilities" / "christmas-party.md").write_text(ARTICLE, "utf-8")
    IndexBuilder(settings, embedder=embedder).run()

    # 4. The next snapshot answers the questions: the gap is verified closed.
    engine = services(live.app).engine
    result = verify(settings, live.store, engine)
    assert len(result.closed) == 1, result
    page.goto(live.url + "/insights/gaps")
    closed = page.locator("li.gap").filter(has_text="Weihnachtsfeier")
    expect(closed).to_have_attribute("data-status", "closed")
    expect(closed.locator(".gap-closed")).to_contain_text("facilities/christmas-party.md")
    expect(closed.locator(".gap-closed")).to_contain_text("0 % before")
    shot(page, "gaps-closed")
    for tab in (analyst, owner):
        tab.page.context.close()
        assert tab.errors == []


def test_overview_german_slices_and_refusals(browser: Any, live: LiveServer) -> None:  # noqa: F811
    from playwright.sync_api import expect

    analyst = _open(browser)
    sign_in(analyst, live, "anna")
    page = analyst.page
    page.goto(live.url + "/insights/")
    expect(page.locator(".figure-card")).to_have_count(12)
    expect(page.locator('.figure-card[data-figure="signed_out_searches"]')).to_have_count(1)
    expect(page.locator('.figure-card[data-figure="average_rating"]')).to_have_count(1)
    expect(page.locator("svg.chart")).to_have_count(4)
    expect(page.locator("svg.chart title").first).to_have_text("Searches per day")
    page.locator(".chart-table summary").first.click()
    expect(page.locator(".chart-table table").first).to_be_visible()
    shot(page, "overview")
    page.goto(live.url + "/insights/requests")
    expect(page.locator("h1")).to_have_text("Requests")
    shot(page, "requests")
    page.goto(live.url + "/insights/content")
    expect(page.locator("h1")).to_have_text("Content health")
    expect(page.locator("tr[data-kind]").first).to_be_visible()
    shot(page, "content")
    page.goto(live.url + "/insights/?hl=de")
    expect(page.locator("h1")).to_have_text("Auswertung")
    expect(page.locator("svg.chart title").first).to_have_text("Suchen pro Tag")
    shot(page, "overview-de")
    page.goto(live.url + "/insights/gaps?hl=de")
    expect(page.locator("h1")).to_have_text("Wissenslücken")
    shot(page, "gaps-de")

    owner = _open(browser)
    sign_in(owner, live, "fiona")
    owner.page.goto(live.url + "/insights/")
    expect(owner.page.locator("select[name=department] option")).to_have_count(1)
    expect(owner.page.locator("select[name=department]")).to_have_value("facilities")
    shot(owner.page, "overview-content-owner")
    response = owner.page.goto(live.url + "/insights/?department=hr")
    assert response is not None and response.status == 403

    employee = _open(browser)
    sign_in(employee, live, "emil")
    response = employee.page.goto(live.url + "/insights/")
    assert response is not None and response.status == 403
    shot(employee.page, "employee-403")
    for tab in (analyst, owner, employee):
        tab.page.context.close()


def test_asking_after_opening_a_suggestion_is_not_counted_as_deflected(
    browser: Any,  # noqa: F811 - the fixture imported above
    live: LiveServer,
) -> None:
    """Opened from the menu, the ask form has no search of its own: the request
    it filed named none, so a person who opened a suggestion and asked anyway
    counted as deflected."""
    import time
    from datetime import UTC, datetime, timedelta

    from playwright.sync_api import expect

    from kb.insights.store import insights_store

    tab = _open(browser)
    sign_in(tab, live, "person7")
    page = tab.page
    page.goto(live.url + "/ask/")
    page.get_by_label("Your question").fill("How do I reset my password?")
    page.get_by_label("Details (optional)").fill("I forgot it over the holidays.")
    suggestion = page.locator(".ask-suggestions li a").first
    expect(suggestion).to_be_visible()
    asked = [e for e in live.store.search_events() if e.filters.get("source") == "ask"][-1]
    with page.context.expect_page() as opened:
        suggestion.click()
    opened.value.close()
    deadline = time.monotonic() + 30  # the click is written by another thread
    while not any(c.search_id == asked.id for c in live.store.click_events()):
        assert time.monotonic() < deadline, "the opened suggestion was not recorded"
        time.sleep(0.1)
    page.get_by_role("button", name="Send request").click()
    expect(page.locator(".flash")).to_contain_text("has been sent")
    filed = live.store.list_requests()[-1]
    assert filed.search_id == asked.id
    rollups = insights_store(live.store)
    rollups.refresh()
    today = datetime.now(UTC).date()
    days = rollups.day_figures(today, today + timedelta(days=1))
    assert sum(d.ask_sessions for d in days) >= 1 and sum(d.deflected for d in days) == 0
    page.context.close()
