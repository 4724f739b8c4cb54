"""The request, insights and accounts pages in headless Chromium, read as assistive technology
reads them: a page language, headings in order, a label for every field, error and
hint references that resolve, table headers with a scope, charts with a text
alternative holding their numbers, and a visible focus on every stop of the
keyboard's tab order, which follows the page (no positive tabindex).

The app runs on the test's fake search engine, so no model is loaded.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask

from kb.accounts.service import add_user
from kb.store.protocols import Store
from tests.webapp.test_browser import (
    Tab,
    _open,
    browser,  # noqa: F401 - a fixture, used by name
    serve_on_loopback,
)
from webapp.services import services

pytestmark = [pytest.mark.browser, pytest.mark.slow]

# What the page says of itself, gathered in the browser: each item a problem.
AUDIT = """
() => {
  const problems = [];
  const lang = document.documentElement.getAttribute('lang') || '';
  if (!/^[a-z]{2}(-[A-Z]{2})?$/.test(lang)) problems.push(`html lang is "${lang}"`);
  const shown = el => !el.closest('[hidden]');
  const headings = [...document.querySelectorAll('h1,h2,h3,h4,h5,h6')].filter(shown);
  if (headings.filter(h => h.tagName === 'H1').length !== 1) problems.push('not one h1');
  let level = 0;
  for (const h of headings) {
    const n = Number(h.tagName[1]);
    if (n > level + 1) problems.push(`heading ${h.tagName} "${h.textContent.trim()}" after h${level}`);
    level = n;
  }
  const fields = document.querySelectorAll(
    'input:not([type=hidden]):not([type=submit]):not([type=button]), select, textarea');
  for (const f of fields) {
    const named = f.labels.length || f.getAttribute('aria-label') || f.getAttribute('aria-labelledby');
    if (!named) problems.push(`field ${f.name || f.id} has no label`);
  }
  for (const attr of ['aria-describedby', 'aria-labelledby', 'aria-controls']) {
    for (const el of document.querySelectorAll(`[${attr}]`)) {
      for (const id of el.getAttribute(attr).split(/\\s+/).filter(Boolean)) {
        if (!document.getElementById(id)) problems.push(`${attr} names no element "${id}"`);
      }
    }
  }
  for (const th of document.querySelectorAll('main th')) {
    if (!['col', 'row', 'colgroup', 'rowgroup'].includes(th.getAttribute('scope')))
      problems.push(`th "${th.textContent.trim()}" without scope`);
  }
  for (const svg of document.querySelectorAll('svg.chart')) {
    const ids = (svg.getAttribute('aria-labelledby') || '').split(/\\s+/).filter(Boolean);
    const text = ids.map(id => (document.getElementById(id) || {}).textContent || '').join(' ');
    const figure = svg.closest('figure');
    const name = figure ? figure.id : '?';
    const empty = svg.querySelector('.chart-empty');  // says so in words: no figures
    if (svg.getAttribute('role') !== 'img' || !(empty ? text.trim() : /\\d/.test(text)))
      problems.push(`chart ${name} has no text alternative with its numbers`);
    if (!empty && !(figure && figure.querySelector('table th[scope=row]')))
      problems.push(`chart ${name} has no table of its figures`);
  }
  for (const el of document.querySelectorAll('[tabindex]')) {
    if (Number(el.getAttribute('tabindex')) > 0) problems.push(`tabindex > 0 on ${el.tagName}`);
  }
  return problems;
}
"""

# The element the keyboard focused, and whether its focus can be seen.
FOCUSED = """
() => {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  const style = getComputedStyle(el);
  const ring = style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2;
  const shadow = style.boxShadow && style.boxShadow !== 'none';
  const label = (el.getAttribute('aria-label') || el.textContent || el.name || el.id || '').trim();
  return {tag: el.tagName, label: label.slice(0, 40), visible: Boolean(ring || shadow)};
}
"""


@pytest.fixture
def live(app: Flask, store: Store, people: dict[str, Any]) -> Iterator[str]:
    for name in ("emma", "ivan", "ada"):
        add_user(store, f"{name}2", *people[name], password=f"{name}-secret-pw")
    yield from serve_on_loopback(app)
    services(app).close()


def _sign_in(chromium: Any, url: str, who: str) -> Tab:
    from playwright.sync_api import expect

    tab = _open(chromium)
    page = tab.page
    page.goto(url + "/auth/sign-in?hl=en")
    page.locator("input[name=username]").fill(f"{who}2")
    page.locator("input[name=password]").fill(f"{who}-secret-pw")
    page.locator("form:has(input[name=password]) button[type=submit]").click()
    expect(page.locator("form.sign-out")).to_be_visible()
    return tab


def _audit(page: Any, path: str, url: str) -> list[str]:
    page.goto(url + path)
    problems = [f"{path}: {p}" for p in page.evaluate(AUDIT)]
    # A page that puts the focus in a field (the ask form's description) starts there.
    autofocused = page.evaluate("document.activeElement !== document.body")
    unseen: list[str] = []
    for stop in range(30):
        page.keyboard.press("Tab")
        focused = page.evaluate(FOCUSED)
        if focused is None:
            break
        if (
            stop == 0
            and not autofocused
            and "skip" not in (page.evaluate("document.activeElement.className") or "")
        ):
            problems.append(
                f"{path}: the first tab stop is {focused['label']!r}, not the skip link"
            )
        if not focused["visible"]:
            unseen.append(f"{focused['tag']} {focused['label']!r}")
    problems += [f"{path}: no visible focus on {u}" for u in unseen]
    return problems


def test_request_and_insights_pages_read_well_and_show_their_focus(
    browser: Any,  # noqa: F811
    live: str,
) -> None:
    from playwright.sync_api import expect

    emma = _sign_in(browser, live, "emma")
    for query in ("vpn", "printer toner", "zzz nothing"):  # figures for the charts
        emma.page.goto(f"{live}/?q={query}")
    problems = _audit(emma.page, "/ask/?q=Monitor+flickers&department=it", live)
    page = emma.page
    page.locator("#ask-query").fill("Monitor flickers")
    page.locator("form.ask-form button[type=submit]").click()
    expect(page.locator("#request-h")).to_contain_text("Monitor flickers")
    found = re.search(r"/requests/(\d+)", page.url)
    assert found is not None, page.url
    detail = f"/requests/{found[1]}"
    problems += _audit(page, detail, live)
    problems += _audit(page, "/requests/", live)
    problems += _audit(page, "/requests/queue/", live)  # works no queue: own requests, ask form
    ivan = _sign_in(browser, live, "ivan")
    problems += _audit(ivan.page, "/requests/queue/it", live)
    problems += _audit(ivan.page, detail, live)
    ada = _sign_in(browser, live, "ada")
    for path in (
        "/insights/",
        "/insights/?by=week",
        "/insights/gaps",
        "/insights/requests",
        "/accounts/",
        "/accounts/ivan2",
        "/accounts/+history",
        "/auth/password",
        "/accounts/+new",
    ):
        problems += _audit(ada.page, path, live)
    german = _audit(ada.page, "/insights/?hl=de", live)
    problems += german
    assert ada.page.evaluate("document.documentElement.lang") == "de"
    for tab in (emma, ivan, ada):
        tab.page.context.close()
        assert tab.errors == []
    assert problems == [], "\n".join(problems)
