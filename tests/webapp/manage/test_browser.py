"""Content owners in real headless Chromium: edit with preview, history, diff and
restore; publish a new article or upload a document and find it by search without `kb index`;
a stale edit with both texts; four-eyes approval; HR cannot edit IT.

The app serves a tmp copy of the sample content and its index with the real
engine; the index worker of the app (setting index_on_change = worker) is
what makes changes searchable. Waits are on conditions, never fixed sleeps.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from typing import Any

import pytest

from kb.accounts.service import add_user
from kb.settings import Settings
from tests.conftest import SAMPLE_CONTENT
from tests.webapp.requests.test_browser import sign_in
from tests.webapp.test_browser import (
    OUTPUT,
    LiveServer,
    _open,
    _serve,
    browser,  # noqa: F401 - a fixture, used by name
    wait_until,
)
from tests.webapp.test_browser_accessibility import _audit

pytestmark = [pytest.mark.browser, pytest.mark.slow]

SEARCHABLE_WAIT = 60.0  # seconds: a bound for a loaded machine, not the target


def _found(page: Any, site: LiveServer, query: str) -> list[str]:
    """The ids of the articles a search for `query` finds now."""
    response = page.request.get(site.url + "/api/search", params={"q": query})
    return [r["id"] for r in response.json()["results"]]


PEOPLE = {"otto": "it", "olga": "it", "hella": "hr", "henrik": "hr"}


@pytest.fixture(scope="module")
def site(
    sample_index: Settings, embedder: Any, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[LiveServer]:
    base = tmp_path_factory.mktemp("authoring")
    shutil.copytree(SAMPLE_CONTENT, base / "content")
    shutil.copytree(sample_index.index_path, base / "index")
    settings = Settings.load(
        {
            "content_dir": str(base / "content"),
            "index_dir": str(base / "index"),
            "database_url": f"sqlite:///{base / 'kb.db'}",
            "secret_key": "browser-authoring-tests",
            "index_on_change": "worker",
        },
        environ={},
    )
    for live in _serve(settings, embedder):
        for name, department in PEOPLE.items():
            add_user(live.store, name, "content_owner", department, password=f"{name}-secret")
        yield live


def content_of(live: LiveServer) -> Any:
    from webapp.services import services

    return services(live.app).settings.content_path


def test_edit_with_preview_history_diff_and_restore(browser: Any, site: LiveServer) -> None:  # noqa: F811
    from playwright.sync_api import expect

    tab = _open(browser)
    page = tab.page
    sign_in(tab, site, "otto")
    page.get_by_role("link", name="Articles").click()
    expect(page.get_by_role("heading", name="Articles of IT Services")).to_be_visible()
    page.get_by_role("link", name="Connecting with GlobalProtect VPN").first.click()
    body = page.get_by_label("Text (Markdown)")
    body.fill(body.input_value() + "\n\n## Tip\n\nUse **TCP 443** in hotels.")
    preview = page.locator("#e-preview")
    expect(preview.locator("strong", has_text="TCP 443")).to_be_visible()
    page.get_by_label("What changed (optional)").fill("hotel tip")
    page.get_by_role("button", name="Publish").click()
    expect(page.locator(".flash").first).to_contain_text("Saved as version 2")
    page.screenshot(path=str(OUTPUT / "manage-editor.png"), full_page=True)
    page.get_by_role("link", name="History").click()
    expect(page.locator("tr[data-version='2']")).to_contain_text("hotel tip")
    page.locator("tr[data-version='2']").get_by_role("link", name="Changes").click()
    expect(page.locator("tr.diff-added", has_text="TCP 443")).to_be_visible()
    page.screenshot(path=str(OUTPUT / "manage-diff.png"), full_page=True)
    page.get_by_role("link", name="History").click()
    page.get_by_role("button", name="Restore 1").click()
    expect(page.locator(".flash").first).to_contain_text("Version 1 restored as version 3")
    assert "TCP 443" not in (content_of(site) / "it" / "vpn-setup.md").read_text()
    page.context.close()
    assert tab.errors == []


def test_the_preview_says_what_a_save_would_refuse(browser: Any, site: LiveServer) -> None:  # noqa: F811
    """The preview kept showing the last text that rendered, so a body a save
    refuses (a whole file pasted in) looked fine until the save."""
    from playwright.sync_api import expect

    tab = _open(browser)
    page = tab.page
    sign_in(tab, site, "otto")
    page.goto(site.url + "/manage/edit/it/vpn-setup.md")
    preview = page.locator("#e-preview")
    expect(preview.locator("h2").first).to_be_visible()
    page.get_by_label("Text (Markdown)").fill("---\ntitle: VPN\nstatus: draft\n---\nConnect.")
    expect(preview.get_by_role("alert")).to_contain_text("the text starts with front matter")
    page.get_by_label("Text (Markdown)").fill("## Connect\n\nOpen the client.")
    expect(preview.locator("h2", has_text="Connect")).to_be_visible()
    page.context.close()
    assert [e for e in tab.errors if "422" not in e] == []


def test_publish_a_new_article_and_find_it_without_an_index_run(
    browser: Any,  # noqa: F811
    site: LiveServer,
) -> None:
    """Publishing makes an article searchable and retiring takes it out, with no
    index run by hand. How fast is measured in benchmarks (the 5 s target,
    docs/benchmarks.md), not here: the wait is only a bound on a loaded machine."""
    from playwright.sync_api import expect

    tab = _open(browser)
    page = tab.page
    sign_in(tab, site, "olga")
    page.goto(site.url + "/manage/new?department=it")
    page.get_by_label("Title").fill("Borrowing a loan projector")
    page.get_by_label("Summary").fill("How to borrow the IT department's portable projector.")
    page.get_by_label("Text (Markdown)").fill(
        "## Borrowing\n\nThe portable zephyrscope projector is lent by the IT desk for up to "
        "three days; book it in the service portal."
    )
    page.get_by_role("button", name="Publish").click()
    expect(page.locator(".flash").first).to_contain_text("created")
    # The article page never answers 404, not even before the index has it.
    page.goto(site.url + "/articles/it/borrowing-a-loan-projector.md")
    expect(page.get_by_role("heading", name="Borrowing a loan projector")).to_be_visible()
    wait_until(
        lambda: "it/borrowing-a-loan-projector.md" in _found(page, site, "zephyrscope projector"),
        SEARCHABLE_WAIT,
    )
    page.goto(site.url + "/?q=zephyrscope+projector")
    expect(page.locator(".result a.result-link").first).to_have_attribute(
        "data-article", "it/borrowing-a-loan-projector.md"
    )
    # Retiring asks again on a page of its own; Cancel leaves it in search.
    page.goto(site.url + "/manage/edit/it/borrowing-a-loan-projector.md")
    page.get_by_role("link", name="Retire").click()
    expect(page.locator("main")).to_contain_text("Search will no longer find this article")
    page.get_by_role("link", name="Cancel and go back to the editor").click()
    expect(page.get_by_label("Title")).to_have_value("Borrowing a loan projector")
    page.get_by_role("link", name="Retire").click()
    # Confirmed, it is taken out of results.
    page.get_by_role("button", name="Retire").click()
    expect(page.locator(".flash").first).to_contain_text("Retired")
    wait_until(
        lambda: (
            "it/borrowing-a-loan-projector.md" not in _found(page, site, "zephyrscope projector")
        ),
        SEARCHABLE_WAIT,
    )
    page.context.close()
    assert tab.errors == []


def test_a_stale_edit_is_refused_with_both_texts(browser: Any, site: LiveServer) -> None:  # noqa: F811
    from playwright.sync_api import expect

    first, second = _open(browser), _open(browser)
    sign_in(first, site, "otto")
    sign_in(second, site, "olga")
    url = site.url + "/manage/edit/it/password-reset.md"
    first.page.goto(url)
    second.page.goto(url)
    first.page.get_by_label("Summary").fill("Otto's summary, saved first.")
    first.page.get_by_role("button", name="Save draft").click()
    expect(first.page.locator(".flash").first).to_contain_text("Saved as version")
    second.page.get_by_label("Summary").fill("Olga's summary, written meanwhile.")
    second.page.get_by_role("button", name="Save draft").click()
    expect(
        second.page.get_by_role("heading", name="Someone else changed this article")
    ).to_be_visible()
    expect(second.page.locator("#conflict-current")).to_contain_text("Otto's summary")
    expect(second.page.locator("#conflict-yours")).to_contain_text("Olga's summary")
    second.page.screenshot(path=str(OUTPUT / "manage-conflict.png"), full_page=True)
    assert "Otto's summary" in (content_of(site) / "it" / "password-reset.md").read_text()
    for tab in (first, second):
        tab.page.context.close()
    assert first.errors == []
    # The refused save answers 409, which the browser logs; nothing else may fail.
    assert [e for e in second.errors if "409" not in e] == []


def test_a_second_tab_of_the_same_owner_is_not_told_someone_else_changed_it(
    browser: Any,  # noqa: F811
    site: LiveServer,
) -> None:
    """One content owner, two tabs of the editor: the second save was refused
    under "Someone else changed this article", naming that owner as the someone."""
    from playwright.sync_api import expect

    tab = _open(browser)
    sign_in(tab, site, "olga")
    first = tab.page
    second = first.context.new_page()
    url = site.url + "/manage/edit/it/printer-setup.md?hl=en"
    first.goto(url)
    second.goto(url)
    first.get_by_label("Summary").fill("Saved from the first tab.")
    first.get_by_role("button", name="Save draft").click()
    expect(first.locator(".flash").first).to_contain_text("Saved as version")
    second.get_by_label("Summary").fill("Written in the second tab.")
    second.get_by_role("button", name="Save draft").click()
    heading = second.get_by_role("heading", level=1)
    expect(heading).to_have_text("This article changed since you opened it")
    expect(second.locator(".conflict-own")).to_contain_text("The newer version is your own")
    expect(second.locator("#conflict-yours")).to_contain_text("Written in the second tab.")
    tab.page.context.close()
    # The refused save answers 409, which the browser logs; nothing else may fail.
    assert [e for e in tab.errors if "409" not in e] == []


def test_four_eyes_approval_and_hr_cannot_edit_it(browser: Any, site: LiveServer) -> None:  # noqa: F811
    from playwright.sync_api import expect

    (content_of(site) / "hr" / "_department.yml").write_text(
        (content_of(site) / "hr" / "_department.yml").read_text() + "review_required: true\n"
    )
    writer, reviewer = _open(browser), _open(browser)
    sign_in(writer, site, "hella")
    page = writer.page
    page.goto(site.url + "/manage/edit/hr/overtime.md")
    expect(page.locator(".note:not(.findable)").first).to_contain_text("four-eyes rule")
    page.get_by_label("Summary").fill("Overtime is paid or taken as time off, agreed beforehand.")
    page.get_by_role("button", name="Publish").click()
    expect(page.locator(".flash--error")).to_contain_text("approval")
    page.get_by_role("button", name="Submit for review").click()
    expect(page.locator(".flash").first).to_contain_text("In review")
    # HR's owner may not edit IT's articles.
    response = page.goto(site.url + "/manage/edit/it/vpn-setup.md")
    assert response is not None and response.status == 403
    sign_in(reviewer, site, "henrik")
    reviewer.page.goto(site.url + "/manage/?department=hr")
    approvals = reviewer.page.locator(".manage-approvals")
    expect(approvals).to_contain_text("Overtime")
    approvals.get_by_role("link").first.click()
    expect(reviewer.page.locator(".note:not(.findable)").first).to_contain_text(
        "Submitted for review by hella"
    )
    reviewer.page.get_by_role("button", name="Publish").click()
    expect(reviewer.page.locator(".flash").first).to_contain_text("Published")
    reviewer.page.screenshot(path=str(OUTPUT / "manage-approved.png"), full_page=True)
    reviewer.page.goto(site.url + "/manage/?department=hr&hl=de")
    expect(
        reviewer.page.get_by_role("heading", name="Artikel der Abteilung Personal")
    ).to_be_visible()
    reviewer.page.screenshot(path=str(OUTPUT / "manage-list-de.png"), full_page=True)
    for tab in (writer, reviewer):
        tab.page.context.close()
    # The refusals answer 409 and 403, which the browser logs; nothing else may fail.
    assert [e for e in writer.errors if "409" not in e and "403" not in e] == []
    assert reviewer.errors == []


def test_upload_a_document_find_it_then_replace_it_after_confirming(
    browser: Any,  # noqa: F811
    site: LiveServer,
) -> None:
    from playwright.sync_api import expect

    tab = _open(browser)
    page = tab.page
    sign_in(tab, site, "otto")
    page.goto(site.url + "/manage/?department=it")
    page.get_by_role("link", name="Upload a document").click()
    page.get_by_label("File", exact=True).set_input_files(
        {
            "name": "Quokka Umbrella Loans.html",
            "mimeType": "text/html",
            "buffer": b"<!doctype html><html><head><title>Quokka umbrella loans</title></head>"
            b"<body><h1>Quokka umbrella loans</h1><p>The IT desk lends quokkabrella "
            b"umbrellas on rainy days.</p></body></html>",
        }
    )
    page.get_by_role("button", name="Upload").click()
    expect(page.locator(".flash").first).to_contain_text("it/quokka-umbrella-loans.html uploaded")
    row = page.locator("tr[data-article='it/quokka-umbrella-loans.html']")
    expect(row).to_contain_text("otto")
    # Searchable without `kb index`, within the bound for a loaded machine.
    wait_until(
        lambda: "it/quokka-umbrella-loans.html" in _found(page, site, "quokkabrella"),
        SEARCHABLE_WAIT,
    )
    page.screenshot(path=str(OUTPUT / "manage-upload.png"), full_page=True)
    # Replacing asks first: the box must be ticked.
    page.goto(site.url + "/manage/?department=it")
    row.get_by_role("link", name="Replace").click()
    page.get_by_label("File", exact=True).set_input_files(
        {"name": "new.html", "mimeType": "text/html", "buffer": b"<html><body>New</body></html>"}
    )
    page.get_by_label("Replace the existing quokka-umbrella-loans.html").check()
    page.get_by_role("button", name="Upload").click()
    expect(page.locator(".flash").first).to_contain_text("replaced")
    assert (
        (content_of(site) / "it" / "quokka-umbrella-loans.html")
        .read_bytes()
        .endswith(b"New</body></html>")
    )
    page.context.close()
    assert tab.errors == []


def test_an_upload_to_a_four_eyes_department_waits_for_a_second_owner_to_approve_it(
    browser: Any,  # noqa: F811
    site: LiveServer,
) -> None:
    from playwright.sync_api import TimeoutError as PlaywrightTimeout
    from playwright.sync_api import expect

    rule = content_of(site) / "hr" / "_department.yml"
    if "review_required: true" not in rule.read_text():
        rule.write_text(rule.read_text() + "review_required: true\n")
    writer, reviewer = _open(browser), _open(browser)
    sign_in(writer, site, "hella")
    writer.page.goto(site.url + "/manage/upload?department=hr")
    expect(writer.page.locator("#upload-review")).to_contain_text("four-eyes rule")
    writer.page.get_by_label("File", exact=True).set_input_files(
        {
            "name": "Wombat Leave.txt",
            "mimeType": "text/plain",
            "buffer": b"Wombat leave: one day a year to look after your wombat.\n",
        }
    )
    writer.page.get_by_role("button", name="Upload").click()
    expect(writer.page.locator(".flash").first).to_contain_text("waiting for another content owner")
    waiting = content_of(site) / "hr" / "wombat-leave.txt"
    assert not waiting.exists()
    sign_in(reviewer, site, "henrik")
    page = reviewer.page
    page.goto(site.url + "/manage/?department=hr")
    queue = page.locator("section[aria-labelledby='waiting-h']")
    expect(queue).to_contain_text("hella")
    queue.get_by_role("link", name="hr/wombat-leave.txt").click()
    expect(page.locator("#waiting")).to_contain_text("waits for review")
    history = "/manage/document/hr/wombat-leave.txt"
    problems = _audit(page, history, site.url)  # headings, labels, focus, read in Chromium
    page.goto(site.url + history)
    # Enter in the message field decides nothing: it sent the form with its
    # first button, Approve, while the reviewer was typing why they reject.
    message = page.get_by_label("What changed (optional)")
    message.fill("Wrong file, this is last year's")
    with (
        pytest.raises(PlaywrightTimeout),
        page.expect_request(lambda sent: sent.method == "POST", timeout=2000),
    ):
        message.press("Enter")
    assert not waiting.exists()
    expect(message).to_have_value("Wrong file, this is last year's")
    message.fill("")
    page.get_by_role("button", name="Approve and publish").click()
    expect(page.locator(".flash").first).to_contain_text("approved and published")
    problems += _audit(page, history, site.url)
    assert problems == [], "\n".join(problems)
    assert waiting.read_bytes().startswith(b"Wombat leave")
    page.screenshot(path=str(OUTPUT / "manage-document-review.png"), full_page=True)
    for tab in (writer, reviewer):
        tab.page.context.close()
    assert writer.errors == [] and reviewer.errors == []
