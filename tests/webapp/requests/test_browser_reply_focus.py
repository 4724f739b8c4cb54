"""A sent reply's note is read where the reply shows, in real headless Chromium.

A reply lands on its request page at `#conversation`, where the browser skips
`autofocus` and gives the focus to the conversation: the note "Your reply has
been sent." is its description, so a screen reader reads it there, and the view
stays on the conversation with the new reply.
The app runs on the fake engine over a werkzeug server thread, as the drafts'
browser tests do; waits are on conditions, never fixed sleeps.
"""

from __future__ import annotations

import pytest
from flask import Flask

from kb.accounts.records import User
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

REPLY = "It still drops after the restart."


def test_a_sent_reply_has_its_note_read_with_the_conversation_in_view(
    tab: Tab,  # noqa: F811 - the fixture imported above
    site: str,  # noqa: F811
) -> None:
    from playwright.sync_api import expect

    page = tab.page
    page.set_viewport_size({"width": 1000, "height": 500})  # the note scrolls out of view
    page.goto(f"{site}/ask/?q=VPN+drops&department=it")
    sign_in_here(page, "emma")
    page.get_by_role("button", name="Send request").click()
    expect(page.locator(".flash")).to_contain_text("has been sent")

    page.locator("#reply-text").fill(REPLY)
    page.locator("#reply").get_by_role("button", name="Send reply").click()
    page.wait_for_url("**#conversation")
    conversation = page.locator("#conversation")
    expect(conversation).to_be_focused()
    expect(conversation).to_have_accessible_description("Your reply has been sent.")
    expect(page.locator("#conversation").get_by_text(REPLY)).to_be_in_viewport()


def test_a_refused_reply_comes_back_at_the_form_and_a_reload_sends_nothing(
    tab: Tab,  # noqa: F811 - the fixture imported above
    site: str,  # noqa: F811
    app: Flask,
    store: Store,
) -> None:
    """Post/redirect/get for a refusal too: the page is the request's own address at
    `#reply`, with the message once and the reply still typed; reloading it posts
    nothing (it was the form's address, and a reload sent the reply again)."""
    from playwright.sync_api import expect

    page = tab.page
    page.goto(f"{site}/ask/?q=VPN+drops&department=it")
    sign_in_here(page, "emma")
    page.get_by_role("button", name="Send request").click()
    expect(page.locator(".flash")).to_contain_text("has been sent")
    request_id = int(page.url.split("#", 1)[0].rsplit("/", 1)[1])
    # Meanwhile, in another tab, she adds a line: this page's form is now stale.
    services(app).requests.comment(User(username="emma"), request_id, "Also on Wi-Fi.")

    page.locator("#reply-text").fill(REPLY)
    page.locator("#reply").get_by_role("button", name="Send reply").click()
    page.wait_for_url(f"**/requests/{request_id}#reply")
    expect(page.locator("#comment-error")).to_contain_text("Someone else changed this request")
    expect(page.locator("#reply-text")).to_have_value(REPLY)

    page.reload()
    expect(page.locator("#reply-text")).to_be_visible()
    expect(page.locator(".form-error")).to_have_count(0)  # shown once
    assert [e.message for e in store.entries(request_id) if e.kind == "comment"] == [
        "Also on Wi-Fi."
    ]
