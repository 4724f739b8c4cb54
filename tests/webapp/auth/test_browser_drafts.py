"""What was typed survives a session that ended meanwhile, in real headless Chromium.

An employee types a long request, signs out in another page of the same browser,
presses Send, is told the form was not sent, signs in again and finds the text
back in the form; once sent, it is gone from the form and from the tab's
storage. A reply typed on a request page comes back the same way, but never to
another person who signs in in that tab, and signing out in the tab itself
removes the tab's drafts. The app runs on the fake engine (no model, no index)
over a werkzeug server thread; waits are on conditions, never fixed sleeps.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask

from kb.accounts.service import add_user
from kb.store.protocols import Store
from tests.webapp.test_browser import (  # noqa: F401 - browser: a fixture, used by name
    Tab,
    _open,
    browser,
    serve_on_loopback,
)

pytestmark = [pytest.mark.browser, pytest.mark.slow]

DESCRIPTION = (
    "Since the update on Monday the VPN drops every hour on the hour.\n"
    "I tried the office network and my home network; both drop."
)
REPLY = "It still drops after the restart.\nThe log says: tunnel closed by peer."
DRAFT_KEYS = "() => Object.keys(sessionStorage).filter(k => k.startsWith('kb-draft|'))"


@pytest.fixture
def site(app: Flask, store: Store, request_content: Any) -> Iterator[str]:
    for name in ("emma", "olga"):
        add_user(store, name, "employee", password=f"{name}-secret")
    yield from serve_on_loopback(app)


@pytest.fixture
def tab(browser: Any) -> Iterator[Tab]:  # noqa: F811 - the fixture imported above
    tab = _open(browser)
    yield tab
    tab.page.context.close()
    # No script errors; the page that says the form was not sent answers 401 or 403.
    assert [e for e in tab.errors if "status of 40" not in e] == []


def sign_in_here(page: Any, name: str) -> None:
    """Sign in on the sign-in page the browser is on."""
    from playwright.sync_api import expect

    page.get_by_label("Username").fill(name)
    page.get_by_label("Password").fill(f"{name}-secret")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()


def sign_out_elsewhere(page: Any, site: str) -> None:
    """Sign out in another page of the same browser."""
    from playwright.sync_api import expect

    other = page.context.new_page()
    other.goto(site + "/")
    other.get_by_role("button", name="Sign out").click()
    expect(other.locator(".flash")).to_contain_text("signed out")
    other.close()


def test_a_request_typed_before_the_session_ended_comes_back(
    tab: Tab, site: str, store: Store
) -> None:
    from playwright.sync_api import expect

    page = tab.page
    ask = f"{site}/ask/?q=VPN+drops&department=it"
    page.goto(ask)
    sign_in_here(page, "emma")
    page.get_by_label("Details (optional)").fill(DESCRIPTION)
    sign_out_elsewhere(page, site)

    page.get_by_role("button", name="Send request").click()
    expect(page.get_by_role("heading", name="Your form was not sent")).to_be_visible()
    expect(page.locator("textarea[readonly]").last).to_have_value(DESCRIPTION)
    assert store.list_requests() == []  # nothing was filed

    page.get_by_role("link", name="Sign in and return to the form").click()
    sign_in_here(page, "emma")
    assert page.url == ask
    expect(page.get_by_label("Details (optional)")).to_have_value(DESCRIPTION)
    expect(page.locator(".draft-note")).to_contain_text("filled in again")

    page.get_by_role("button", name="Send request").click()
    expect(page.locator(".flash")).to_contain_text("has been sent")
    assert DESCRIPTION.splitlines()[0] in page.locator("main").inner_text()
    assert page.evaluate(DRAFT_KEYS) == []  # taken: the draft is gone
    page.goto(ask)
    expect(page.get_by_label("Details (optional)")).to_have_value("")
    expect(page.locator(".draft-note")).to_have_count(0)


def test_a_reply_comes_back_to_its_author_only(tab: Tab, site: str) -> None:
    from playwright.sync_api import expect

    page = tab.page
    page.goto(f"{site}/ask/?q=VPN+drops&department=it")
    sign_in_here(page, "emma")
    page.get_by_role("button", name="Send request").click()
    expect(page.locator(".flash")).to_contain_text("has been sent")

    page.locator("#reply-text").fill(REPLY)
    sign_out_elsewhere(page, site)
    page.locator("#reply").get_by_role("button", name="Send reply").click()
    expect(page.get_by_role("heading", name="Your form was not sent")).to_be_visible()
    page.get_by_role("link", name="Sign in and return to the form").click()
    sign_in_here(page, "emma")
    expect(page.locator("#reply-text")).to_have_value(REPLY)

    # Emma leaves it unsent and signs out elsewhere; Olga signs in in this tab.
    sign_out_elsewhere(page, site)
    page.goto(site + "/auth/sign-in?next=/requests/")
    sign_in_here(page, "olga")
    assert page.evaluate(DRAFT_KEYS) == []  # emma's text is gone from the tab

    # Signing out in the tab itself removes what was typed there.
    page.goto(f"{site}/ask/?q=Printer+jam&department=it")
    page.get_by_label("Details (optional)").fill("The printer on floor 2 jams.")
    assert len(page.evaluate(DRAFT_KEYS)) == 1
    page.get_by_role("button", name="Sign out").click()
    expect(page.locator(".flash")).to_contain_text("signed out")
    assert page.evaluate(DRAFT_KEYS) == []
