"""An employee's way through the pages in real headless Chromium: an error
page that still searches, the ask form's contact that follows the department,
and a click on a search the database was too busy to log.

The app serves the small two-department fixture content, indexed with the
fast stand-in embedding model, so this module starts in seconds. Waits are on
conditions (Playwright's `expect`, `wait_until` on the store), never fixed sleeps.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask

from tests.conftest import FIXTURES
from tests.store_locks import write_lock_held
from tests.webapp.requests.test_browser import sign_in
from tests.webapp.test_browser import (
    LiveServer,
    Tab,
    _open,
    browser,  # noqa: F401 - a fixture, used by name
    serve_on_loopback,
    serve_small,
    tab,  # noqa: F401 - a fixture, used by name
    wait_until,
)
from webapp.services import services

pytestmark = [pytest.mark.browser, pytest.mark.slow]

PEOPLE = {"emma": ("employee", None)}
IT_CONTACT = 'name: IT Service Desk\ncontact:\n  phone: "+49 40 2222"\n  hours: "8–18"\n'


@pytest.fixture(scope="module")
def small(hashing_embedder: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    base: Path = tmp_path_factory.mktemp("employee")
    shutil.copytree(FIXTURES / "content", base / "content")
    (base / "content" / "it" / "_department.yml").write_text(IT_CONTACT, encoding="utf-8")
    # A search waits briefly for its log line: a busy database answers it without an id.
    yield from serve_small(base, "browser-employee", hashing_embedder, PEOPLE, search_log_wait=0.3)


def test_the_heading_and_urgent_contact_follow_the_department_chosen(
    tab: Tab,  # noqa: F811 - the fixture imported above
    small: LiveServer,
) -> None:
    from playwright.sync_api import expect

    page = tab.page
    sign_in(tab, small, "emma")
    page.goto(small.url + "/ask/?q=Payslip+missing&department=hr&confidence=0.9")
    hr = page.get_by_text("Urgent? Contact Human Resources directly")
    it = page.get_by_text("Urgent? Contact IT Service Desk directly")
    expect(hr).to_be_visible()
    expect(it).to_be_hidden()
    expect(page.get_by_role("heading", level=1)).to_have_text("Ask Human Resources")
    page.get_by_label("Send to").select_option("it")
    expect(it).to_be_visible()
    expect(hr).to_be_hidden()
    # The heading (and the tab's title) name the department the request goes to.
    expect(page.get_by_role("heading", level=1)).to_have_text("Ask IT Service Desk")
    expect(page).to_have_title("Ask IT Service Desk – Knowledge Base")
    it.click()  # opens the details
    expect(page.get_by_role("link", name="+49 40 2222")).to_be_visible()
    page.get_by_label("Send to").select_option("triage")  # no contact details
    expect(page.locator("details.contact-details:visible")).to_have_count(0)


def test_a_german_file_field_speaks_german_and_works_from_the_keyboard(
    tab: Tab,  # noqa: F811 - the fixture imported above
    small: LiveServer,
    tmp_path: Path,
) -> None:
    """The browser's own file field said "Choose Files / No file chosen" on German
    pages: its button and texts are the page's, a label of the field, and the field
    still opens the picker from the keyboard and names the files chosen."""
    from playwright.sync_api import expect

    page = tab.page
    sign_in(tab, small, "emma")
    page.goto(small.url + "/ask/?department=hr&hl=de")
    field = page.get_by_label("Dateien anhängen")
    button = page.locator("label.file-pick__button", has_text="Dateien auswählen")
    chosen = page.locator("#ask-files-chosen")
    expect(button).to_be_visible()
    expect(chosen).to_have_text("Keine Datei ausgewählt")
    box = field.bounding_box()  # the browser's own field, focusable but unseen
    assert box is not None and box["width"] <= 1
    field.focus()
    assert button.evaluate("b => getComputedStyle(b).outlineStyle") == "solid"
    expect(field).to_be_focused()
    with page.expect_file_chooser() as opened:
        page.keyboard.press("Space")
    note = tmp_path / "Lohnabrechnung März.txt"
    note.write_text("Fehlt.", encoding="utf-8")
    opened.value.set_files([note, FIXTURES / "content" / "hr" / "_department.yml"])
    expect(chosen).to_have_text("Lohnabrechnung März.txt, _department.yml")
    with page.expect_file_chooser():
        button.click()  # the button is a label of the field: a click opens the picker too


def test_an_error_page_keeps_the_search_box(
    tab: Tab,  # noqa: F811 - the fixture imported above
    small: LiveServer,
) -> None:
    from playwright.sync_api import expect

    page = tab.page
    answer = page.goto(small.url + "/articles/hr/gone.md")
    assert answer is not None and answer.status == 404
    tab.errors.clear()  # the browser reports the 404 itself
    expect(page.get_by_role("heading", name="We could not find that page")).to_be_visible()
    expect(page.get_by_role("link", name="Ask a question in your own words")).to_be_visible()
    box = page.get_by_role("combobox", name="Search the knowledge base")
    box.fill("annual leave")
    box.press("Enter")
    expect(page.locator(".results-count")).to_be_visible()


def test_a_click_on_a_search_the_database_was_too_busy_to_log_is_recorded(
    tab: Tab,  # noqa: F811 - the fixture imported above
    small: LiveServer,
) -> None:
    from playwright.sync_api import expect

    page = tab.page
    page.goto(small.url + "/?q=annual+leave")  # opens the store, logged as usual
    with write_lock_held(services(small.app).settings.database_url):
        page.goto(small.url + "/?q=sick+leave")
        outcome = page.locator(".outcome")
        expect(outcome).to_have_attribute("data-search-id", "")
        assert outcome.get_attribute("data-search-ref")
        search_log = services(small.app).search_log
        waiting = search_log.stats().waiting  # the search, not stored yet
        assert waiting >= 1
        page.locator("a.result-link").first.click()
        page.wait_for_url("**/articles/**")
        # The click's answer (202) is not seen in the browser once the page has
        # left; its follow-up queued behind the search in the log is.
        wait_until(lambda: search_log.stats().waiting > waiting, timeout=20)
    found = wait_until(lambda: small.store.click_events(), timeout=20)
    search = small.store.search_event(found[0].search_id)
    assert search is not None and search.query == "sick leave"


def test_on_a_phone_yes_and_no_of_the_answer_card_stay_side_by_side(
    browser: Any,  # noqa: F811 - the fixture imported above
    app: Flask,
) -> None:
    """On a phone "Was this helpful?" took the line with Yes, and No wrapped to
    the next line alone, as if it were another question's."""
    phone = _open(browser, viewport={"width": 360, "height": 740}, is_mobile=True)
    try:
        for site in serve_on_loopback(app):
            phone.page.goto(f"{site}/?q=sick")
            yes, no = (phone.page.locator(f"form.helpful button[value={v}]") for v in ("yes", "no"))
            yes_box, no_box = yes.bounding_box(), no.bounding_box()
            assert yes_box is not None and no_box is not None
            assert yes_box["y"] == no_box["y"] and no_box["x"] > yes_box["x"], (yes_box, no_box)
    finally:
        phone.page.context.close()
    assert phone.errors == []


def test_a_vote_on_an_article_by_keyboard_lands_on_its_thanks(
    tab: Tab,  # noqa: F811 - the fixture imported above
    small: LiveServer,
) -> None:
    """The article's vote form reloads the page at `#feedback`, which could not
    take the focus: it stayed at the top of the page, far from the thanks, and
    the next Tab started over at the skip link. Now the vote's place takes it,
    and the next Tab reaches the offer to ask the department."""
    from playwright.sync_api import expect

    page = tab.page
    page.goto(small.url + "/articles/hr/annual-leave.md?hl=en")
    form = page.locator("#feedback")
    form.get_by_label("No").focus()
    page.keyboard.press("Space")
    page.keyboard.press("Tab")
    page.keyboard.type("Nothing about carrying days over")
    page.keyboard.press("Tab")  # to "Send feedback"
    page.keyboard.press("Enter")
    expect(form.get_by_role("status")).to_have_text("Thank you for your feedback.")
    expect(form).to_be_focused()
    page.keyboard.press("Tab")
    expect(form.get_by_role("link", name="Ask Human Resources")).to_be_focused()


def test_a_vote_on_the_answer_card_without_a_script_lands_on_its_thanks(
    browser: Any,  # noqa: F811 - the fixture imported above
    app: Flask,
) -> None:
    """Without a script the answer card's vote reloads the results at `#feedback`:
    the focus went to the top of the page there too."""
    from playwright.sync_api import expect

    plain = _open(browser, java_script_enabled=False)
    try:
        for site in serve_on_loopback(app):
            page = plain.page
            page.goto(f"{site}/?q=sick&hl=en")
            card = page.locator("form.helpful")
            card.get_by_role("button", name="Yes").focus()
            page.keyboard.press("Enter")
            expect(card.get_by_role("status")).to_have_text("Thank you for your feedback.")
            expect(card).to_be_focused()
    finally:
        plain.page.context.close()
    assert plain.errors == []
