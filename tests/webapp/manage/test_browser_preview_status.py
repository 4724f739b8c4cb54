"""The editor's live preview when no preview can be had, in real headless
Chromium on the fake engine: a proxy's 502 in HTML, the API's JSON error, a
network error. The script dropped such an answer without a word, and the pane
kept an older preview that the author took for the text as typed.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask

from kb.accounts.service import add_user
from kb.store.protocols import Store
from tests.webapp.manage.test_browser_layout import DESKTOP, signed_in
from tests.webapp.test_browser import (  # noqa: F401 - browser: a fixture, used by name
    Tab,
    browser,
    serve_on_loopback,
)
from webapp.services import services

pytestmark = [pytest.mark.browser, pytest.mark.slow]

PREVIEW = "**/api/preview"
STALE = re.compile(r"\bpreview-stale\b")
BAD_GATEWAY = "<html><body><h1>502 Bad Gateway</h1><p>nginx</p></body></html>"


@pytest.fixture
def site(app: Flask, content: Any) -> Iterator[str]:
    store: Store = services(app).store
    add_user(store, "otis", "content_owner", "it", password="otis-secret")
    yield from serve_on_loopback(app)


def _failed_loads_only(errors: list[str]) -> list[str]:
    """The page's errors but the browser's own line for each answer refused here."""
    return [e for e in errors if not e.startswith("Failed to load resource")]


def _editor_with_a_preview(browser: Any, site: str, language: str) -> tuple[Tab, Any, Any, Any]:  # noqa: F811
    """The editor in `language`, signed in, once a preview of typed text arrived:
    the tab, the body field, the preview pane and the status line above it."""
    from playwright.sync_api import expect

    tab = signed_in(browser, site, DESKTOP)
    page = tab.page
    page.goto(f"{site}/manage/edit/it/vpn-setup.md?hl={language}")
    body, preview = page.locator("#e-body"), page.locator("#e-preview")
    body.fill("## Tip\n\nUse **TCP 443** in hotels.")
    expect(preview.locator("strong", has_text="TCP 443")).to_be_visible()
    return tab, body, preview, page.locator("#e-preview-status")


def test_a_preview_that_could_not_be_had_is_said_and_cleared_by_the_next(
    browser: Any,  # noqa: F811
    site: str,
) -> None:
    from playwright.sync_api import expect

    tab, body, preview, status = _editor_with_a_preview(browser, site, "en")
    page = tab.page
    expect(status).to_be_empty()

    # A proxy in front of several nodes answers 502 in HTML.
    page.route(
        PREVIEW,
        lambda route: route.fulfill(status=502, content_type="text/html", body=BAD_GATEWAY),
    )
    body.fill("## Tip\n\nUse **TCP 8443** in hotels.")
    expect(status).to_have_text(
        "The preview could not be updated: the server could not be reached. "
        "The preview below shows an earlier text; your next change tries again."
    )
    expect(status).to_have_attribute("role", "status")
    expect(preview).to_have_class(STALE)
    expect(preview.locator("strong", has_text="TCP 443")).to_be_visible()  # kept, marked

    # The API's JSON error shape: its own message is said.
    page.unroute(PREVIEW)
    message = "The request is over the 2 MB the server accepts."
    page.route(
        PREVIEW,
        lambda route: route.fulfill(
            status=413,
            json={"error": {"code": "payload_too_large", "message": message, "details": {}}},
        ),
    )
    body.fill("## Tip\n\nUse **TCP 8080** in hotels.")
    expect(status).to_contain_text(message)
    expect(preview).to_have_class(STALE)

    # The next preview that arrives clears both.
    page.unroute(PREVIEW)
    body.fill("## Tip\n\nUse **TCP 8443** in hotels.")
    expect(preview.locator("strong", has_text="TCP 8443")).to_be_visible()
    expect(status).to_be_empty()
    expect(preview).not_to_have_class(STALE)
    page.context.close()
    assert _failed_loads_only(tab.errors) == []


def test_the_reason_is_said_in_the_page_s_language(
    browser: Any,  # noqa: F811
    site: str,
) -> None:
    """A proxy's 413 in HTML and no answer at all, on a German page."""
    from playwright.sync_api import expect

    tab, body, preview, status = _editor_with_a_preview(browser, site, "de")
    page = tab.page
    page.route(
        PREVIEW,
        lambda route: route.fulfill(
            status=413, content_type="text/html", body="<h1>413 Request Entity Too Large</h1>"
        ),
    )
    body.fill("## Tipp\n\n**TCP 8443** im Hotel.")
    expect(status).to_contain_text("Der Text ist zu groß für die Vorschau.")
    expect(status).to_contain_text("zeigt einen früheren Text")
    page.unroute(PREVIEW)
    page.route(PREVIEW, lambda route: route.abort("connectionrefused"))
    body.fill("## Tipp\n\n**TCP 8080** im Hotel.")
    expect(status).to_contain_text("Der Server war nicht erreichbar.")
    expect(preview).to_have_class(STALE)
    page.unroute(PREVIEW)
    body.fill("## Tipp\n\n**TCP 8443** im Hotel.")
    expect(preview.locator("strong", has_text="TCP 8443")).to_be_visible()
    expect(status).to_be_empty()
    page.context.close()
    assert _failed_loads_only(tab.errors) == []
