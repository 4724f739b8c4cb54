"""Pictures in real headless Chromium: the page's own picture is drawn under
the site's Content-Security-Policy and nothing is fetched from another host;
the answer card draws the picture of its section; a content owner uploads one
in the editor, its Markdown goes in at the cursor as a paragraph of its own,
and the file reaches the article's folder when the article is saved."""

from __future__ import annotations

import shutil
import struct
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import FIXTURES
from tests.webapp.requests.test_browser import sign_in
from tests.webapp.test_browser import (
    OUTPUT,
    LiveServer,
    Tab,
    _open,
    browser,  # noqa: F401 - a fixture, used by name
    serve_small,
)
from tests.webapp.test_browser_accessibility import _audit

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
    people = {"otto": ("content_owner", "it")}
    yield from serve_small(base, "browser-pictures", hashing_embedder, people)


def small_content(live: LiveServer) -> Path:
    from webapp.services import services

    return services(live.app).settings.content_path


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


def test_a_picture_uploaded_in_the_editor_goes_in_at_the_cursor(
    browser: Any,  # noqa: F811
    small: LiveServer,
) -> None:
    """The picture's Markdown is a paragraph of its own at the cursor (it was
    glued to the next sentence), and the file reaches the article's folder
    only when the article is saved (it was written at the upload)."""
    import re

    from playwright.sync_api import expect

    tab = _open(browser)
    page = tab.page
    sign_in(tab, small, "otto")
    page.goto(small.url + "/manage/edit/it/vpn-setup.md")
    body = page.get_by_label("Text (Markdown)")
    body.fill("## Connect\n\nOpen the client.\n\nThen sign in.")
    body.evaluate("b => b.setSelectionRange(b.value.indexOf('Then'), b.value.indexOf('Then'))")
    picture = png(2, 2)
    page.get_by_label("Picture file").set_input_files(
        {"name": "VPN Client Window.png", "mimeType": "image/png", "buffer": picture}
    )
    page.get_by_label("What the picture shows (alt text)").fill("The VPN client, signed in")
    page.get_by_role("button", name="Upload picture").click()
    status = page.locator("#picture-status")
    expect(status).to_contain_text("put into the text at the cursor")
    expect(status).to_contain_text("when you save the article")
    expect(body).to_have_value(
        "## Connect\n\nOpen the client.\n\n"
        "![The VPN client, signed in](vpn-client-window.png)\n\nThen sign in."
    )
    folder = small_content(small) / "it"
    assert not (folder / "vpn-client-window.png").exists()  # held until the save
    # At the end of a line of text: a blank line before it, none glued after.
    body.evaluate("b => b.setSelectionRange(b.value.length, b.value.length)")
    page.get_by_label("Picture file").set_input_files(
        {"name": "tray.png", "mimeType": "image/png", "buffer": png(3, 3)}
    )
    page.get_by_label("What the picture shows (alt text)").fill("The tray")
    page.get_by_role("button", name="Upload picture").click()
    expect(body).to_have_value(re.compile(r"Then sign in\.\n\n!\[The tray\]\(tray\.png\)\n$"))
    # A file that is no picture is refused, saying what it is; the text is untouched.
    page.get_by_label("Picture file").set_input_files(
        {"name": "plan.png", "mimeType": "image/png", "buffer": b"<svg><script>1</script></svg>"}
    )
    page.get_by_role("button", name="Upload picture").click()
    expect(status).to_contain_text("markup (HTML or SVG)")
    expect(status).to_have_class(re.compile("flash--error"))
    assert body.input_value().count("![") == 2
    page.screenshot(path=str(OUTPUT / "manage-picture.png"), full_page=True)
    assert not (folder / "plan.png").exists() and not (folder / "tray.png").exists()
    # Saved: the pictures the text names are written into the article's folder.
    page.get_by_role("button", name="Publish").click()
    expect(page.locator("#outcome")).to_contain_text("Saved as version")
    assert (folder / "vpn-client-window.png").read_bytes() == picture
    assert (folder / "tray.png").read_bytes() == png(3, 3)
    expect(page.get_by_label("Text (Markdown)")).to_have_value(
        re.compile(r"\(vpn-client-window\.png\)\n\nThen sign in\.")
    )
    problems = _audit(page, "/manage/edit/it/vpn-setup.md", small.url)
    page.context.close()
    assert problems == []
    assert [e for e in tab.errors if "400" not in e] == []


def test_the_preview_draws_a_picture_right_after_its_upload(
    browser: Any,  # noqa: F811
    small: LiveServer,
) -> None:
    """Before, the preview showed the alt text until the article was saved and
    indexed; now it draws the uploaded picture from the folder for its owner,
    at an address a visitor who is not signed in cannot open."""
    from playwright.sync_api import expect

    tab = _open(browser)
    page = tab.page
    sign_in(tab, small, "otto")
    page.goto(small.url + "/manage/edit/it/vpn-setup.md")
    page.get_by_label("Text (Markdown)").fill("## Connect\n\nOpen the client.\n")
    page.get_by_label("Picture file").set_input_files(
        {"name": "tray-icon.png", "mimeType": "image/png", "buffer": png(3, 4)}
    )
    page.get_by_label("What the picture shows (alt text)").fill("The tray icon")
    page.get_by_role("button", name="Upload picture").click()
    picture = page.locator("#e-preview").get_by_role("img", name="The tray icon")
    expect(picture).to_be_visible()
    drawn = picture.evaluate("img => [img.complete, img.naturalWidth, img.naturalHeight]")
    assert drawn == [True, 3, 4]
    src = picture.get_attribute("src") or ""
    assert src.startswith("/manage/picture/it/vpn-setup.md?src=tray-icon.png")
    visitor = browser.new_context()
    answer = visitor.request.get(small.url + src, max_redirects=0)
    assert answer.status in (302, 303, 401, 403) and answer.body() != png(3, 4)
    visitor.close()
    page.context.close()
    assert tab.errors == []


def test_the_editor_warns_of_a_missing_picture_and_not_of_an_uploaded_one(
    browser: Any,  # noqa: F811
    small: LiveServer,
) -> None:
    """The editor's warnings said nothing of a picture whose file is not there,
    which `kb validate` warns of; now the page lists the file's, the preview
    refills the list as typed, and a picture just uploaded (waiting for the
    save) is not called missing."""
    from playwright.sync_api import expect

    tab = _open(browser)
    page = tab.page
    sign_in(tab, small, "otto")
    page.goto(small.url + "/manage/edit/it/printer-panel.md")
    warnings = page.locator("#editor-warnings")
    expect(warnings).to_be_visible()
    expect(warnings.locator("li", has_text="'fake.png'")).to_contain_text("markup")
    body = page.get_by_label("Text (Markdown)")
    body.fill("Press the green button.\n\n![The cable](cable.png)\n")
    missing = warnings.locator("li", has_text="'cable.png'")
    expect(missing).to_contain_text("there is no such file")
    expect(warnings.locator("li")).to_have_count(1)
    page.get_by_label("Picture file").set_input_files(
        {"name": "cable.png", "mimeType": "image/png", "buffer": png(2, 3)}
    )
    page.get_by_label("What the picture shows (alt text)").fill("The cable")
    page.get_by_role("button", name="Upload picture").click()
    expect(page.locator("#e-preview").get_by_role("img", name="The cable").first).to_be_visible()
    body.fill("Press the green button.\n\n![The cable](cable.png)\n")
    body.press("End")  # a keystroke: the preview asks again
    expect(missing).to_have_count(0)
    expect(warnings).to_be_hidden()
    page.context.close()
    assert tab.errors == []
