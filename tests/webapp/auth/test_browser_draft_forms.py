"""Every form that keeps drafts gets its text back after a session that ended, in
real headless Chromium: a request from the catalogue, a new article, an edited
article and an agent's answer (the ask and reply forms are in
`test_browser_drafts.py`). Each is typed, the session ends in another page of the
browser, Send says the form was not sent and shows each typed value under the
form's own label, and signing in again brings the text back into the form.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask

from kb.accounts.service import add_user
from kb.store.protocols import Store
from tests.webapp.auth.test_browser_drafts import sign_in_here, sign_out_elsewhere
from tests.webapp.catalogue.conftest import IT_CATALOGUE
from tests.webapp.manage.conftest import VPN
from tests.webapp.test_browser import (  # noqa: F401 - browser: a fixture, used by name
    Tab,
    _open,
    browser,
    serve_on_loopback,
)

pytestmark = [pytest.mark.browser, pytest.mark.slow]

NOT_SENT = "Your form was not sent"
BACK = "Sign in and return to the form"


@pytest.fixture
def site(app: Flask, store: Store, request_content: Path) -> Iterator[str]:
    with (request_content / "it" / "_department.yml").open("a", encoding="utf-8") as out:
        out.write(IT_CATALOGUE)
    (request_content / "it" / "vpn-setup.md").write_text(VPN, encoding="utf-8")
    add_user(store, "emma", "employee", password="emma-secret")
    add_user(store, "cora", "content_owner", "it", password="cora-secret")
    add_user(store, "ivan", "agent", "it", password="ivan-secret")
    yield from serve_on_loopback(app)


@pytest.fixture
def tab(browser: Any) -> Iterator[Tab]:  # noqa: F811 - the fixture imported above
    tab = _open(browser)
    yield tab
    tab.page.context.close()
    assert [e for e in tab.errors if "status of 40" not in e] == []


def typed_again(page: Any, site: str, who: str, typed: dict[str, str], button: str) -> None:
    """Type `typed` (label → text), lose the session, send with `button`: the page
    shows each text under its label; signing in again puts them back in the form."""
    from playwright.sync_api import expect

    for label, text in typed.items():
        page.get_by_label(label).fill(text)
    sign_out_elsewhere(page, site)
    page.get_by_role("button", name=button, exact=True).first.click()
    expect(page.get_by_role("heading", name=NOT_SENT)).to_be_visible()
    for label, text in typed.items():
        expect(page.locator("main").get_by_label(label, exact=True)).to_have_value(text)
    page.get_by_role("link", name=BACK).click()
    sign_in_here(page, who)
    for label, text in typed.items():
        expect(page.get_by_label(label)).to_have_value(text)
    expect(page.locator(".draft-note").first).to_contain_text("filled in again")


def test_a_request_from_the_catalogue_comes_back(tab: Tab, site: str, store: Store) -> None:
    page = tab.page
    page.goto(f"{site}/catalogue/laptop")
    sign_in_here(page, "emma")
    typed = {"For whom": "Ada", "Anything else we should know?": "Her old one broke.\nSoon."}
    typed_again(page, site, "emma", typed, "Send request")
    assert store.list_requests() == []


def test_a_new_article_comes_back(tab: Tab, site: str) -> None:
    page = tab.page
    page.goto(f"{site}/manage/new?department=it")
    sign_in_here(page, "cora")
    typed = {"Title": "Printer toner", "Text (Markdown)": "## Order\n\nAsk the desk on floor 2."}
    typed_again(page, site, "cora", typed, "Save draft")


def test_an_edited_article_comes_back(tab: Tab, site: str, request_content: Path) -> None:
    page = tab.page
    page.goto(f"{site}/manage/edit/it/vpn-setup.md")
    sign_in_here(page, "cora")
    typed = {"Text (Markdown)": "## Connect\n\nOpen the client, then choose Office."}
    typed_again(page, site, "cora", typed, "Save draft")
    assert "choose Office" not in (request_content / "it" / "vpn-setup.md").read_text()


def test_an_answer_being_resolved_comes_back(tab: Tab, site: str, store: Store) -> None:
    from playwright.sync_api import expect

    page = tab.page
    page.goto(f"{site}/ask/?q=VPN+drops&department=it")
    sign_in_here(page, "emma")
    page.get_by_role("button", name="Send request").click()
    expect(page.locator(".flash")).to_contain_text("has been sent")
    address = page.url.split("#")[0]
    page.get_by_role("button", name="Sign out").click()
    page.goto(address)
    sign_in_here(page, "ivan")
    typed = {"Answer": "Update the VPN client to 5.2.\nThen restart."}
    typed_again(page, site, "ivan", typed, "Resolve with this answer")
    assert store.list_requests()[0].resolution in (None, "")
