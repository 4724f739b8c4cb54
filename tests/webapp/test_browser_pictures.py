"""An article's pictures in real headless Chromium: the page's own picture is
drawn under the site's Content-Security-Policy, and nothing is fetched from
another host."""

from __future__ import annotations

import shutil
import struct
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import FIXTURES
from tests.webapp.test_browser import (
    LiveServer,
    Tab,
    _open,
    browser,  # noqa: F401 - a fixture, used by name
    serve_small,
)

pytestmark = [pytest.mark.browser, pytest.mark.slow]

ARTICLE = """---
title: Printer panel
---
Press the green button on the panel.

![The printer's panel](pics/panel.png)

![Not a picture](fake.png)

![Vendor logo](https://tracker.example/logo.png)
"""


def png(width: int, height: int) -> bytes:
    """A real PNG of red pixels, which a browser decodes."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = zlib.crc32(kind + data) & 0xFFFFFFFF
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)

    rows = b"".join(b"\x00" + b"\xff\x00\x00" * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


@pytest.fixture(scope="module")
def small(hashing_embedder: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    base: Path = tmp_path_factory.mktemp("pictures")
    shutil.copytree(FIXTURES / "content", base / "content")
    it = base / "content" / "it"
    (it / "pics").mkdir()
    (it / "pics" / "panel.png").write_bytes(png(7, 5))
    (it / "fake.png").write_bytes(b"<html><script>alert(1)</script></html>")
    (it / "printer-panel.md").write_text(ARTICLE, encoding="utf-8")
    yield from serve_small(base, "browser-pictures", hashing_embedder, {})


@pytest.fixture
def tab(browser: Any) -> Iterator[Tab]:  # noqa: F811 - the fixture imported above
    tab = _open(browser)
    yield tab
    tab.page.context.close()
    assert tab.errors == []  # no script errors, no failed or blocked loads


def test_the_article_shows_its_picture_and_fetches_nothing_elsewhere(
    tab: Tab, small: LiveServer
) -> None:
    from playwright.sync_api import expect

    requested: list[str] = []
    tab.page.on("request", lambda request: requested.append(request.url))
    tab.page.goto(small.url + "/articles/it/printer-panel.md")
    picture = tab.page.get_by_role("img", name="The printer's panel")
    expect(picture).to_be_visible()
    size = picture.evaluate("img => [img.complete, img.naturalWidth, img.naturalHeight]")
    assert size == [True, 7, 5]
    body = tab.page.locator(".article-body")
    expect(body.locator(".image-alt")).to_have_text("Not a picture")
    link = body.get_by_role("link", name="Vendor logo")
    expect(link).to_have_attribute("href", "https://tracker.example/logo.png")
    assert body.locator("img").count() == 1
    assert all(url.startswith(small.url) for url in requested), requested


def test_the_answer_card_draws_the_picture_of_its_section(tab: Tab, small: LiveServer) -> None:
    """The card showed the picture's alt text; now Chromium draws the picture the
    index keeps, from the article page's address, and loads nothing elsewhere."""
    from playwright.sync_api import expect

    requested: list[str] = []
    tab.page.on("request", lambda request: requested.append(request.url))
    tab.page.goto(small.url + "/?q=press+the+green+button+on+the+printer+panel")
    card = tab.page.locator(".answer-card")
    expect(card).to_contain_text("Printer panel")
    picture = card.get_by_role("img", name="The printer's panel")
    expect(picture).to_be_visible()
    assert picture.evaluate("img => [img.complete, img.naturalWidth]") == [True, 7]
    assert "/articles/it/printer-panel.md/image/" in (picture.get_attribute("src") or "")
    expect(card.locator(".image-alt")).to_have_text("Not a picture")
    assert all(url.startswith(small.url) for url in requested), requested
