"""An agent who turns a request into an article learns, in real headless
Chromium, whose draft it is now: only the department's content owners open,
edit and publish it, and whether they were told. The app runs on the fake
engine over a werkzeug server thread, as the drafts' browser tests do; waits
are on conditions, never fixed sleeps."""

from __future__ import annotations

import pytest
from flask import Flask

from kb.accounts.records import User
from kb.accounts.service import add_user
from kb.store.protocols import Store
from tests.webapp.auth.test_browser_drafts import (  # noqa: F401 - fixtures, used by name
    browser,
    sign_in_here,
    site,
    tab,
)
from tests.webapp.test_browser import Tab
from webapp.services import services

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def test_an_agent_who_drafts_an_article_is_told_who_publishes_it(
    tab: Tab,  # noqa: F811 - the fixture imported above
    site: str,  # noqa: F811
    app: Flask,
    store: Store,
) -> None:
    from playwright.sync_api import expect

    add_user(store, "ivan", "agent", "it", password="ivan-secret")
    add_user(store, "cora", "content_owner", "it", password="cora-secret")
    requests = services(app).requests
    made = requests.submit(
        User(username="emma"), "How do I connect to the VPN from a hotel?", department="it"
    )
    assert made.id is not None
    requests.resolve(store.get_user("ivan"), made.id, "Switch the VPN client to TCP port 443.")  # type: ignore[arg-type]

    page = tab.page
    page.goto(f"{site}/auth/sign-in?hl=en")
    sign_in_here(page, "ivan")
    page.goto(f"{site}/requests/{made.id}")
    page.get_by_role("button", name="Turn into an article").click()
    expect(page.locator(".flash")).to_contain_text("Draft article written: it/")
    note = page.locator("#articles .draft-owners")
    expect(note).to_contain_text(
        "Only the content owners of IT Service Desk can open, edit and publish this draft"
    )
    expect(note).to_contain_text("They have not been told by e-mail")
    # No link the agent could not follow: the draft opens in the content owner's editor.
    expect(page.locator("#articles a.draft-link")).to_have_count(0)
    page.goto(f"{site}/requests/{made.id}?hl=de")
    expect(page.locator("#articles .draft-owners")).to_contain_text(
        "Nur die inhaltlich Verantwortlichen der Abteilung IT Service Desk"
    )
