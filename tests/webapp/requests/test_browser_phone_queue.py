"""A queue in German on a narrow phone stays inside the screen, in real headless
Chromium (review h106: the badge "Wartet auf die anfragende Person" did
not wrap, so a 360-pixel-wide queue scrolled sideways). The app runs on the fake
engine over a werkzeug server thread.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask

from kb.accounts.service import add_user
from kb.store.protocols import Store
from tests.support import sign_in_as
from tests.webapp.requests.test_page_forms import act, file
from tests.webapp.test_browser import (  # noqa: F401 - browser: a fixture, used by name
    Tab,
    _open,
    browser,
    serve_on_loopback,
)
from webapp.services import services

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.fixture
def site(app: Flask, store: Store, request_content: Any) -> Iterator[str]:
    add_user(store, "emma", "employee", password="emma-secret")
    add_user(store, "ivan", "agent", "it", password="ivan-secret")
    client = app.test_client()
    waiting = file(client)
    ivan = sign_in_as(client, "ivan")
    act(client, ivan, waiting, "status", status="waiting_for_requester", note="")
    yield from serve_on_loopback(app)


@pytest.fixture
def phone(browser: Any) -> Iterator[Tab]:  # noqa: F811 - the fixture imported above
    tab = _open(browser, locale="de-DE", viewport={"width": 360, "height": 740}, is_mobile=True)
    yield tab
    tab.page.context.close()
    assert tab.errors == []


def test_a_german_queue_on_a_phone_does_not_scroll_sideways(phone: Tab, site: str) -> None:
    from playwright.sync_api import expect

    page = phone.page
    page.goto(f"{site}/auth/sign-in?next=/requests/queue/it")
    page.get_by_label("Benutzername").fill("ivan")
    page.get_by_label("Passwort").fill("ivan-secret")
    page.get_by_role("button", name="Anmelden").click()
    status = page.locator(".queue-table tbody .status").first
    expect(status).to_be_visible()
    box = status.bounding_box()
    assert box is not None and box["x"] + box["width"] <= 360, box
    assert page.evaluate("document.documentElement.scrollWidth") <= 360


# The queue table's width, and the width of the box it scrolls in.
TABLE_WIDTHS = """() => {
  const table = document.querySelector('.queue-table');
  return [table.scrollWidth, table.parentElement.clientWidth];
}"""


def test_a_german_queue_fits_a_laptop_screen_with_every_column(
    browser: Any,  # noqa: F811 - the fixture imported above
    app: Flask,
    site: str,
) -> None:
    """A walk through the queue in German at 1024 and 1280 pixels found the table
    wider than its page, "Zugewiesen an" cut at the right: the line "Erste Antwort
    bis 7. Dezember 2026, 17:00 MEZ · in 2 Tagen" and the status "Wartet auf die
    anfragende Person" never wrapped. The line breaks between the due time and the
    time left, each kept whole, and a status between its words."""
    from playwright.sync_api import expect

    file(app.test_client())  # a request whose first response is still due
    tab = _open(browser, locale="de-DE", viewport={"width": 1024, "height": 768})
    page = tab.page
    page.goto(f"{site}/auth/sign-in?next=/requests/queue/it")
    page.get_by_label("Benutzername").fill("ivan")
    page.get_by_label("Passwort").fill("ivan-secret")
    page.get_by_role("button", name="Anmelden").click()
    expect(page.locator(".queue-table .first-response").first).to_be_visible()
    for width in (1024, 1280):
        page.set_viewport_size({"width": width, "height": 768})
        table, room = page.evaluate(TABLE_WIDTHS)
        assert table <= room, (width, table, room)
    tab.page.context.close()
    assert tab.errors == []


# Every element of a card's cell that lies left of the cell's value column (the
# first grid column holds the label), by label and text.
OUT_OF_COLUMN = """() => [...document.querySelectorAll('.requests-table tbody td, .requests-table tbody th')]
  .filter(cell => getComputedStyle(cell).display === 'grid')
  .flatMap(cell => {
    const label = parseFloat(getComputedStyle(cell).gridTemplateColumns);
    const column = cell.getBoundingClientRect().left + label;
    return [...cell.children]
      .filter(el => el.getClientRects().length && el.getBoundingClientRect().left < column - 1)
      .map(el => cell.dataset.label + ': ' + el.textContent.trim());
  })"""


def test_on_a_phone_every_value_of_a_request_card_stays_beside_its_label(
    phone: Tab, site: str
) -> None:
    """My requests and the queue become cards on a phone, each cell a label and its
    value; a cell of several parts (the due time, the time left and the first
    response's due time) put the later parts under the label instead."""
    from playwright.sync_api import expect

    page = phone.page
    for who, password, place in (
        ("emma", "emma-secret", "/requests/"),
        ("ivan", "ivan-secret", "/requests/queue/it"),
    ):
        page.goto(f"{site}/auth/sign-in?next={place}")
        page.get_by_label("Benutzername").fill(who)
        page.get_by_label("Passwort").fill(password)
        page.get_by_role("button", name="Anmelden").click()
        expect(page.locator(".requests-table tbody tr").first).to_be_visible()
        assert page.locator(".requests-table tbody .due-line").count()  # a cell of several parts
        assert page.evaluate(OUT_OF_COLUMN) == [], who
        page.get_by_role("button", name="Abmelden").click()


LONG_NAME = "Rechtsabteilung, Datenschutz und Compliance-Management"

# Each department badge of My requests that does not fit its cell, or whose name is
# cut (its text wider than the badge), by its text.
BADGES_OUT = """() => [...document.querySelectorAll('.requests-table tbody .badge')]
  .filter(badge => {
    const cell = badge.closest('td').getBoundingClientRect();
    const box = badge.getBoundingClientRect();
    return box.right > cell.right + 0.5 || box.left < cell.left - 0.5
      || badge.scrollWidth > badge.clientWidth + 1;
  })
  .map(badge => badge.textContent.trim())"""


def _my_requests_with_hr_named(
    browser: Any,  # noqa: F811 - the fixture imported above
    app: Flask,
    request_content: Any,
    site: str,
    name: str,
    width: int,
) -> Tab:
    """Emma's My requests in German, `width` pixels wide, with a request to HR,
    whose German name is `name`."""
    hr = request_content / "hr" / "_department.yml"
    hr.write_text(hr.read_text("utf-8") + f"display_names: {{de: '{name}'}}\n", "utf-8")
    services(app).departments_check_seconds = 0.0  # the new name at once, for the test
    client = app.test_client()
    token = sign_in_as(client, "emma")
    body = {"query": "Arbeitszeugnis anfordern", "department": "hr"}
    assert (
        client.post("/api/requests", json=body, headers={"X-CSRF-Token": token}).status_code == 201
    )
    tab = _open(browser, locale="de-DE", viewport={"width": width, "height": 740}, is_mobile=True)
    page = tab.page
    page.goto(f"{site}/auth/sign-in?next=/requests/")
    page.get_by_label("Benutzername").fill("emma")
    page.get_by_label("Passwort").fill("emma-secret")
    page.get_by_role("button", name="Anmelden").click()
    return tab


def test_a_long_department_name_stays_in_its_card_on_a_375_pixel_phone(
    browser: Any,  # noqa: F811 - the fixture imported above
    app: Flask,
    request_content: Any,
    site: str,
) -> None:
    """A first look at My requests on a 375-pixel phone found a department badge
    running out of its card: the badge's name wraps inside the card, whole."""
    from playwright.sync_api import expect

    tab = _my_requests_with_hr_named(browser, app, request_content, site, LONG_NAME, 375)
    page = tab.page
    badge = page.locator(".requests-table tbody .badge", has_text=LONG_NAME)
    expect(badge).to_be_visible()
    assert page.evaluate(BADGES_OUT) == []
    assert badge.get_attribute("title") == LONG_NAME  # the whole name, wherever it is cut
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    tab.page.context.close()
    assert tab.errors == []


NAME_OF_ONE_WORD = "Gebäudemanagement"  # wider than the place beside its label at 390 px

# The lines the name of each department badge of My requests takes, and where the
# badge starts within its cell.
BADGE_LINES = """() => [...document.querySelectorAll('.requests-table tbody td.department-cell .badge')]
  .map(badge => {
    const range = document.createRange();
    range.selectNodeContents(badge);
    const lines = new Set([...range.getClientRects()].map(r => Math.round(r.top)));
    const cell = badge.closest('td').getBoundingClientRect();
    return [badge.textContent.trim(), lines.size, badge.getBoundingClientRect().left - cell.left];
  })"""


def test_a_one_word_department_name_is_never_split_on_a_phone(
    browser: Any,  # noqa: F811 - the fixture imported above
    app: Flask,
    request_content: Any,
    site: str,
) -> None:
    """My requests in German at 390 px showed "Gebäudemanagemen" and, on the next
    line, "t": the badge beside its label was a few pixels narrower than the word,
    and a name could break anywhere. A name breaks between its words; a word wider
    than the place beside the label puts the badge under the label, whole."""
    from playwright.sync_api import expect

    tab = _my_requests_with_hr_named(browser, app, request_content, site, NAME_OF_ONE_WORD, 390)
    page = tab.page
    expect(page.locator(".badge", has_text=NAME_OF_ONE_WORD)).to_be_visible()
    for width in (390, 360, 320):
        page.set_viewport_size({"width": width, "height": 844})
        shown = {name: (lines, left) for name, lines, left in page.evaluate(BADGE_LINES)}
        assert shown[NAME_OF_ONE_WORD][0] == 1, (width, shown)
        assert page.evaluate(BADGES_OUT) == [], width
        assert page.evaluate("document.documentElement.scrollWidth") <= width
    page.set_viewport_size({"width": 600, "height": 844})  # still cards: room beside the label
    shown = {name: (lines, left) for name, lines, left in page.evaluate(BADGE_LINES)}
    assert shown[NAME_OF_ONE_WORD][0] == 1 and shown[NAME_OF_ONE_WORD][1] > 100, shown
    tab.page.context.close()
    assert tab.errors == []
