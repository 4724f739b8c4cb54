"""In a real browser against a live server with a real index: an owner renames
an article (search finds it under the new name, its old address leads there)
and deletes an uploaded document (search no longer finds it), each asked
again on a page of its own; the editor says when search finds a publish."""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.webapp.manage.test_browser import SEARCHABLE_WAIT, _found, content_of, site
from tests.webapp.requests.test_browser import sign_in
from tests.webapp.test_browser import (
    LiveServer,
    _open,
    browser,  # noqa: F401 - a fixture, used by name
    wait_until,
)

pytestmark = [pytest.mark.browser, pytest.mark.slow]
__all__ = ["site"]  # a fixture, used by name


def test_rename_an_article_and_find_it_under_its_new_name(
    browser: Any,  # noqa: F811
    site: LiveServer,  # noqa: F811
) -> None:
    from playwright.sync_api import expect

    tab = _open(browser)
    page = tab.page
    sign_in(tab, site, "otto")
    page.goto(site.url + "/manage/edit/it/guest-wifi.md")
    page.get_by_role("button", name="Publish").click()
    # Publishing says when search finds it: at once, or within seconds.
    expect(page.locator(".findable")).to_contain_text("Search finds this version")
    page.get_by_role("link", name="Rename").click()
    expect(page.locator("main")).to_contain_text("gets a new file name in the folder it")
    page.get_by_label("New name").fill("wifi-for-visitors")
    page.get_by_role("button", name="Rename").click()
    expect(page.locator(".flash").first).to_contain_text(
        "it/guest-wifi.md is now it/wifi-for-visitors.md"
    )
    assert not (content_of(site) / "it" / "guest-wifi.md").exists()
    wait_until(
        lambda: "it/wifi-for-visitors.md" in _found(page, site, "guest wifi"), SEARCHABLE_WAIT
    )
    assert "it/guest-wifi.md" not in _found(page, site, "guest wifi")
    page.goto(site.url + "/articles/it/guest-wifi.md")
    assert page.url.endswith("/articles/it/wifi-for-visitors.md")
    page.goto(site.url + "/manage/edit/it/wifi-for-visitors.md")
    expect(page.locator(".findable")).to_contain_text("Search finds this version now.")
    page.context.close()
    assert tab.errors == []


def test_delete_an_uploaded_document_after_confirming(
    browser: Any,  # noqa: F811
    site: LiveServer,  # noqa: F811
) -> None:
    from playwright.sync_api import expect

    tab = _open(browser)
    page = tab.page
    sign_in(tab, site, "olga")
    page.goto(site.url + "/manage/upload?department=it")
    page.get_by_label("File", exact=True).set_input_files(
        {
            "name": "Wombat Ladders.html",
            "mimeType": "text/html",
            "buffer": b"<!doctype html><html><head><title>Wombat ladders</title></head>"
            b"<body><h1>Wombat ladders</h1><p>The IT desk lends wombatladder step "
            b"ladders for the server room.</p></body></html>",
        }
    )
    page.get_by_role("button", name="Upload").click()
    wait_until(
        lambda: "it/wombat-ladders.html" in _found(page, site, "wombatladder"), SEARCHABLE_WAIT
    )
    page.goto(site.url + "/manage/?department=it")
    row = page.locator("tr[data-article='it/wombat-ladders.html']")
    row.get_by_role("link", name="Delete").click()
    expect(page.locator("main")).to_contain_text("The file leaves the department")
    page.get_by_role("button", name="Delete the document").click()
    expect(page.locator(".flash").first).to_contain_text("it/wombat-ladders.html was deleted")
    assert not (content_of(site) / "it" / "wombat-ladders.html").exists()
    wait_until(
        lambda: "it/wombat-ladders.html" not in _found(page, site, "wombatladder"), SEARCHABLE_WAIT
    )
    page.goto(site.url + "/manage/document/it/wombat-ladders.html")
    expect(page.locator(".document-deleted")).to_be_visible()
    page.context.close()
    assert tab.errors == []


def test_a_rename_asked_after_someone_else_renamed_the_article_offers_its_new_name(
    browser: Any,  # noqa: F811
    site: LiveServer,  # noqa: F811
) -> None:
    """Otto has the rename page open; Olga renames the article meanwhile. Otto's
    rename is refused (412, nothing changed) on the page of its new name, which
    says so and holds the name he typed, and renames it there."""
    from playwright.sync_api import expect

    otto, olga = _open(browser), _open(browser)
    sign_in(otto, site, "otto")
    sign_in(olga, site, "olga")
    otto.page.goto(site.url + "/manage/move/it/video-conferencing-rooms.md?hl=en")
    olga.page.goto(site.url + "/manage/move/it/video-conferencing-rooms.md?hl=en")
    olga.page.get_by_label("New name").fill("meeting-room-video")
    olga.page.get_by_role("button", name="Rename").click()
    expect(olga.page.locator(".flash").first).to_contain_text("is now it/meeting-room-video.md")
    page = otto.page
    page.get_by_label("New name").fill("teams-rooms")
    page.get_by_label("What changed (optional)").fill("shorter name")
    page.get_by_role("button", name="Rename").click()
    expect(page.locator("#move-error")).to_contain_text(
        "it/video-conferencing-rooms.md was renamed to it/meeting-room-video.md since you "
        "read it: nothing was changed."
    )
    expect(page.locator(".move-instead")).to_contain_text(
        "Someone else renamed it/video-conferencing-rooms.md to it/meeting-room-video.md"
    )
    expect(page.get_by_label("New name")).to_have_value("teams-rooms")
    expect(page.get_by_label("What changed (optional)")).to_have_value("shorter name")
    folder = content_of(site) / "it"
    assert (folder / "meeting-room-video.md").exists()
    assert not (folder / "teams-rooms.md").exists()
    page.get_by_role("button", name="Rename").click()
    expect(page.locator(".flash").first).to_contain_text(
        "it/meeting-room-video.md is now it/teams-rooms.md"
    )
    assert (folder / "teams-rooms.md").exists()
    assert not (folder / "meeting-room-video.md").exists()
    for tab in (otto, olga):
        tab.page.context.close()
    assert [e for e in otto.errors if "status of 412" not in e] == []
    assert olga.errors == []


def test_a_save_after_someone_else_renamed_the_article_offers_the_typed_text_under_its_new_name(
    browser: Any,  # noqa: F811
    site: LiveServer,  # noqa: F811
) -> None:
    """Otto has the editor open; Olga renames the article meanwhile. Otto's
    Publish is refused (409, nothing written, the old name not created again)
    with the editor of the new name, which says so and holds what he typed, the
    page's script leaving it as it is; Publish there saves it under the new name."""
    from playwright.sync_api import expect

    otto, olga = _open(browser), _open(browser)
    sign_in(otto, site, "otto")
    sign_in(olga, site, "olga")
    otto.page.goto(site.url + "/manage/edit/it/shared-drives-access.md?hl=en")
    olga.page.goto(site.url + "/manage/move/it/shared-drives-access.md?hl=en")
    olga.page.get_by_label("New name").fill("network-drive-access")
    olga.page.get_by_role("button", name="Rename").click()
    expect(olga.page.locator(".flash").first).to_contain_text("is now it/network-drive-access.md")
    page = otto.page
    page.get_by_label("Title").fill("Access to network drives and Teams")
    body = page.get_by_label("Text (Markdown)")
    body.fill(body.input_value() + "\n\nAsk your team lead first.\n")
    page.get_by_label("What changed (optional)").fill("team lead first")
    page.get_by_role("button", name="Publish").click()
    expect(page.locator("#editor-error")).to_contain_text(
        "it/shared-drives-access.md was renamed to it/network-drive-access.md since you read it"
    )
    expect(page.locator(".flash--info")).to_contain_text(
        "it/network-drive-access.md holds the text you started from"
    )
    expect(page.get_by_label("Title")).to_have_value("Access to network drives and Teams")
    expect(page.get_by_label("Text (Markdown)")).to_have_value(
        re.compile(r"Ask your team lead first\.\s*$")
    )
    expect(page.get_by_label("What changed (optional)")).to_have_value("team lead first")
    folder = content_of(site) / "it"
    assert not (folder / "shared-drives-access.md").exists()
    assert "Ask your team lead" not in (folder / "network-drive-access.md").read_text("utf-8")
    page.get_by_role("button", name="Publish").click()
    expect(page).to_have_url(re.compile(r"/manage/edit/it/network-drive-access\.md$"))
    expect(page.locator("#editor-error")).to_have_count(0)
    assert "Ask your team lead first." in (folder / "network-drive-access.md").read_text("utf-8")
    assert not (folder / "shared-drives-access.md").exists()
    for tab in (otto, olga):
        tab.page.context.close()
    assert [e for e in otto.errors if "status of 409" not in e] == []
    assert olga.errors == []
