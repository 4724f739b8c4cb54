"""The editor's layout in real headless Chromium, on the fake engine over a
werkzeug server thread: the live preview is in sight while the text is typed,
on a desktop screen (beside the text) and on a phone (under it).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask

from kb.accounts.service import add_user
from kb.store.protocols import Store
from tests.webapp.test_browser import (  # noqa: F401 - browser: a fixture, used by name
    OUTPUT,
    Tab,
    _open,
    browser,
    serve_on_loopback,
)
from webapp.services import services

pytestmark = [pytest.mark.browser, pytest.mark.slow]

DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 360, "height": 740}


@pytest.fixture
def site(app: Flask, content: Any) -> Iterator[str]:
    store: Store = services(app).store
    add_user(store, "otis", "content_owner", "it", password="otis-secret")
    yield from serve_on_loopback(app)


def signed_in(browser: Any, site: str, viewport: dict[str, int]) -> Tab:  # noqa: F811
    from playwright.sync_api import expect

    tab = _open(browser, viewport=viewport)
    page = tab.page
    page.goto(f"{site}/auth/sign-in")
    page.get_by_label("Username").fill("otis")
    page.get_by_label("Password").fill("otis-secret")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()
    return tab


def box_of(locator: Any) -> dict[str, float]:
    box = locator.bounding_box()
    assert box is not None, locator
    return box


@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_the_preview_is_in_sight_while_the_text_is_typed(
    browser: Any,  # noqa: F811
    site: str,
    size: str,
) -> None:
    """The preview sat under the Pictures section, below the fold of a desktop
    screen: typing showed nothing. Now it stands beside the text on a wide
    screen and directly under it on a phone."""
    from playwright.sync_api import expect

    viewport = DESKTOP if size == "desktop" else PHONE
    tab = signed_in(browser, site, viewport)
    page = tab.page
    page.goto(f"{site}/manage/edit/it/vpn-setup.md")
    body = page.get_by_label("Text (Markdown)")
    body.fill("## Tip\n\nUse **TCP 443** in hotels.")
    preview = page.locator("#e-preview")
    expect(preview.locator("strong", has_text="TCP 443")).to_be_visible()
    body.scroll_into_view_if_needed()
    text, shown = box_of(body), box_of(preview)
    OUTPUT.mkdir(exist_ok=True)
    page.screenshot(path=str(OUTPUT / f"manage-editor-{size}.png"), full_page=size == "phone")
    if size == "desktop":
        beside = shown["x"] >= text["x"] + text["width"] - 1
        assert beside and shown["y"] < text["y"] + text["height"], (text, shown)
        assert shown["y"] + 40 < viewport["height"], shown  # its first lines are in sight
    else:
        under = shown["y"] >= text["y"] + text["height"] - 1
        assert under and shown["x"] < text["x"] + text["width"], (text, shown)
        pictures = box_of(page.get_by_role("heading", name="Pictures"))
        assert shown["y"] < pictures["y"], (shown, pictures)
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
    page.context.close()
    assert tab.errors == []


def test_a_link_that_names_no_article_reads_as_text(
    browser: Any,  # noqa: F811
    site: str,
) -> None:
    """`[setup](vpn-setup)`, without its `.md`, names no article: the page keeps
    its text and drops its address, yet showed it in the link colour, in the
    preview and to readers, a link that did nothing when clicked."""
    from playwright.sync_api import expect

    tab = signed_in(browser, site, DESKTOP)
    page = tab.page
    page.goto(f"{site}/manage/edit/it/vpn-setup.md")
    page.get_by_label("Text (Markdown)").fill("See [setup](vpn-setup) or [VPN](vpn-setup.md).")
    preview = page.locator("#e-preview")
    expect(preview.locator("a[href]", has_text="VPN")).to_be_visible()
    colour = "e => getComputedStyle(e).color"
    text = preview.locator("p", has_text="See").evaluate(colour)  # not the warning above it
    assert preview.locator("a", has_text="setup").evaluate(colour) == text
    assert preview.locator("a[href]", has_text="VPN").evaluate(colour) != text
    page.context.close()
    assert tab.errors == []


@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_the_refused_text_goes_with_the_owner_to_the_current_version(
    browser: Any,  # noqa: F811
    site: str,
    size: str,
) -> None:
    """The conflict page's "Open the current version" opened the editor without
    what the owner had typed; now the text goes with them and stays in sight."""
    from playwright.sync_api import expect

    viewport = DESKTOP if size == "desktop" else PHONE
    tab = signed_in(browser, site, viewport)
    first = tab.page
    second = first.context.new_page()
    url = f"{site}/manage/edit/it/vpn-setup.md"
    first.goto(url)
    second.goto(url)
    first.get_by_label("Summary").fill("Saved from the first tab.")
    first.get_by_role("button", name="Save draft").click()
    expect(first.locator(".flash").first).to_contain_text("Saved as version")
    typed = "## Hotels\n\nUse **TCP 443** in hotels.\n\nAsk the desk otherwise."
    second.get_by_label("Text (Markdown)").fill(typed)
    second.get_by_role("button", name="Save draft").click()
    expect(second.locator("#conflict-yours")).to_contain_text("Ask the desk otherwise.")
    second.screenshot(path=str(OUTPUT / f"manage-conflict-{size}.png"), full_page=True)
    second.get_by_role("button", name="Open the current version with your text").click()
    carried = second.locator("#carried-yours")
    expect(carried).to_be_visible()
    assert typed in carried.input_value().replace("\r\n", "\n")
    expect(second.get_by_label("Summary")).to_have_value("Saved from the first tab.")
    second.screenshot(path=str(OUTPUT / f"manage-carried-{size}.png"), full_page=True)
    assert second.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
    first.context.close()
    # The refused save answers 409, which the browser logs; nothing else may fail.
    assert [e for e in tab.errors if "409" not in e] == []
