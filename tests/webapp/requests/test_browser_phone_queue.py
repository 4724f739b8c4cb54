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
