"""A request sent while the database is busy loses nothing typed, in real
headless Chromium (review h106): the page says the form was not sent and why,
"Back to the form" opens the form with the text filled in again by
`static/drafts.js`, and sending it then files the request once. The app runs on
the fake engine over a werkzeug server thread; waits are on conditions.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask

import webapp.ask.routes
from kb.accounts.service import add_user
from kb.errors import StoreUnavailableError
from kb.store.protocols import Store
from tests.webapp.auth.test_browser_drafts import DESCRIPTION, DRAFT_KEYS, sign_in_here
from tests.webapp.test_browser import (  # noqa: F401 - browser: a fixture, used by name
    Tab,
    _open,
    browser,
    serve_on_loopback,
)

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.fixture
def site(app: Flask, store: Store, request_content: Any) -> Iterator[str]:
    add_user(store, "emma", "employee", password="emma-secret")
    yield from serve_on_loopback(app)


@pytest.fixture
def tab(browser: Any) -> Iterator[Tab]:  # noqa: F811 - the fixture imported above
    tab = _open(browser)
    yield tab
    tab.page.context.close()
    # No script errors; the page that says the form was not sent answers 503.
    assert [e for e in tab.errors if "status of 503" not in e] == []


def test_a_request_sent_while_the_database_is_busy_comes_back_to_the_form(
    tab: Tab, site: str, store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    from playwright.sync_api import expect

    page = tab.page
    ask = f"{site}/ask/?q=VPN+drops&department=it"
    page.goto(ask)
    sign_in_here(page, "emma")
    page.get_by_label("Details (optional)").fill(DESCRIPTION)
    filing = webapp.ask.routes.file_with_attachments

    def busy(*_args: Any, **_kwargs: Any) -> None:
        raise StoreUnavailableError("database is locked", details={})

    monkeypatch.setattr(webapp.ask.routes, "file_with_attachments", busy)
    page.get_by_role("button", name="Send request").click()
    expect(page.get_by_role("heading", name="Your form was not sent")).to_be_visible()
    expect(page.locator("main")).to_contain_text("The database is not available right now")
    expect(page.locator("textarea[readonly]").last).to_have_value(DESCRIPTION)
    assert len(page.evaluate(DRAFT_KEYS)) == 1  # kept for the form

    monkeypatch.setattr(webapp.ask.routes, "file_with_attachments", filing)
    page.get_by_role("link", name="Back to the form").click()
    assert page.url == ask
    expect(page.get_by_label("Details (optional)")).to_have_value(DESCRIPTION)
    expect(page.locator(".draft-note")).to_contain_text("filled in again")
    page.get_by_role("button", name="Send request").click()
    expect(page.locator(".flash")).to_contain_text("has been sent")
    assert len(store.list_requests()) == 1 and page.evaluate(DRAFT_KEYS) == []
