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

from tests.webapp.auth.test_browser_drafts import (  # noqa: F401 - fixtures, used by name
    browser,
    sign_in_here,
    site,
    tab,
)
from tests.webapp.test_browser import Tab

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
