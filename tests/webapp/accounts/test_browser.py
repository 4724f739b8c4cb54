"""The accounts page in real headless Chromium: an administrator finds an account
from the menu, grants it a role and revokes it again, each with a reason the
grant history shows; on a narrow phone, in German, neither page scrolls sideways.
The app runs on the fake engine over a werkzeug server thread.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask

from kb.accounts.grant_history import GrantChangeKind
from kb.accounts.records import Grant, Role
from kb.accounts.service import add_user
from kb.store.protocols import Store
from tests.webapp.test_browser import (  # noqa: F401 - browser: a fixture, used by name
    Tab,
    _open,
    browser,
    serve_on_loopback,
    tab,
)

pytestmark = [pytest.mark.browser, pytest.mark.slow]

# The left edge of each line the text of an element takes.
CAPTION_LINES = """el => { const r = document.createRange(); r.selectNodeContents(el);
  return [...r.getClientRects()].map(rect => rect.left); }"""


@pytest.fixture
def site(app: Flask, store: Store, request_content: Any) -> Iterator[str]:
    add_user(store, "ada", "admin", password="ada-secret")
    add_user(store, "ivan", "agent", "it", password="ivan-secret", display_name="Ivan Petrov")
    add_user(store, "emma", "employee", password="emma-secret")
    yield from serve_on_loopback(app)


def _sign_in(page: Any, site: str, username: str, button: str = "Sign in") -> None:
    from playwright.sync_api import expect

    page.goto(f"{site}/auth/sign-in")
    page.locator("input[name=username]").fill(username)
    page.locator("input[name=password]").fill(f"{username}-secret")
    page.get_by_role("button", name=button).click()
    expect(page.locator("form.sign-out")).to_be_visible()


def test_an_admin_grants_and_revokes_a_role_with_a_reason(
    tab: Tab,  # noqa: F811 - the fixture imported above
    site: str,
    store: Store,
) -> None:
    from playwright.sync_api import expect

    page = tab.page
    _sign_in(page, site, "ada")
    page.get_by_role("link", name="Accounts").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Accounts and roles")
    page.get_by_label("Role", exact=True).select_option("agent")
    page.get_by_role("button", name="Apply filters").click()
    expect(page.locator("tbody tr")).to_have_count(1)
    page.get_by_role("link", name="Ivan Petrov").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Ivan Petrov")

    grant = page.locator("#grant-form")
    grant.get_by_label("Role", exact=True).select_option("agent")
    grant.get_by_label("Department", exact=True).select_option("hr")
    grant.get_by_label("Why", exact=True).fill("Covers HR during the audit")
    grant.get_by_role("button", name="Grant").click()
    expect(page.locator(".flash")).to_have_text(
        "ivan now holds the role Agent – Human Resources; their sessions have ended."
    )
    history = page.locator("table.grant-history tbody tr").first
    expect(history).to_contain_text("Covers HR during the audit")
    expect(history).to_contain_text("ada")
    assert Grant(role=Role.AGENT, department="hr") in store.get_user("ivan").grants  # type: ignore[union-attr]

    row = page.locator(".revoke-form").filter(has_text="Agent – Human Resources")
    row.get_by_label("Why").fill("Audit over")
    row.get_by_role("button", name="Revoke").click()
    expect(page.locator(".flash")).to_contain_text(
        "no longer holds the role Agent – Human Resources"
    )
    expect(page.locator(".revoke-form")).to_have_count(1)  # IT's agent role stays
    expect(page.locator("table.grant-history tbody tr").first).to_contain_text("Audit over")
    last = store.grant_changes("ivan")[-1]
    assert (last.kind, last.grant, last.actor) == (GrantChangeKind.REVOKED, "agent:hr", "ada")


def test_others_find_no_accounts_page(
    tab: Tab,  # noqa: F811 - the fixture imported above
    site: str,
) -> None:
    from playwright.sync_api import expect

    page = tab.page
    _sign_in(page, site, "emma")
    expect(page.get_by_role("link", name="Accounts")).to_have_count(0)
    response = page.goto(f"{site}/accounts/ivan")
    assert response is not None and response.status == 403
    tab.errors.clear()  # the browser reports the 403 on its console


def test_on_a_german_phone_the_accounts_pages_stay_inside_the_screen(
    browser: Any,  # noqa: F811 - the fixture imported above
    site: str,
) -> None:
    from playwright.sync_api import expect

    phone = _open(browser, locale="de-DE", viewport={"width": 360, "height": 740}, is_mobile=True)
    page = phone.page
    _sign_in(page, site, "ada", button="Anmelden")
    for path in ("/accounts/", "/accounts/ivan"):
        page.goto(site + path)
        expect(page.get_by_role("heading", level=1)).to_be_visible()
        assert page.evaluate("document.documentElement.scrollWidth") <= 360, path
    page.goto(site + "/accounts/")
    # The count ("3 Konten") reads as one line from the table's left edge, not
    # squeezed into a column of its own words beside the cards.
    lines = page.locator("table.accounts-table caption").evaluate(CAPTION_LINES)
    assert (
        len(lines) == 1 and lines[0] - page.locator("table.accounts-table").bounding_box()["x"] < 12
    ), lines
    page.goto(site + "/accounts/ivan")
    reason = page.locator("#revoke-reason-1")
    box = reason.bounding_box()
    assert box is not None and box["x"] + box["width"] <= 360, box
    phone.page.context.close()
    assert phone.errors == []


def test_a_created_account_signs_in_changes_its_password_and_searches(
    tab: Tab,  # noqa: F811 - the fixture imported above
    site: str,
    store: Store,
) -> None:
    from playwright.sync_api import expect

    page = tab.page
    _sign_in(page, site, "ada")
    page.goto(f"{site}/accounts/")
    page.get_by_role("link", name="Create an account").click()
    form = page.locator("#new-form")
    form.get_by_label("Username", exact=True).fill("nina")
    form.get_by_label("Display name", exact=True).fill("Nina Novak")
    form.get_by_label("Why", exact=True).fill("Joins the service desk")
    form.get_by_role("button", name="Create the account").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("nina has been created")
    password = page.locator("#temporary-password").inner_text()
    page.locator("form.sign-out button").click()
    expect(page.locator("form.sign-out")).to_have_count(0)

    page.goto(f"{site}/auth/sign-in?next=/requests/mine")
    page.locator("input[name=username]").fill("nina")
    page.locator("input[name=password]").fill(password)
    page.get_by_role("button", name="Sign in").click()
    expect(page.locator("#must-change")).to_be_visible()  # sent to change it first
    page.goto(f"{site}/?q=parking")
    expect(page.locator("#must-change")).to_be_visible()  # still nothing else
    page.get_by_label("Current password", exact=True).fill(password)
    page.get_by_label("New password", exact=True).fill("ninas own password")
    page.get_by_label("New password again", exact=True).fill("ninas own password")
    page.get_by_role("button", name="Change password").click()
    expect(page.locator(".flash")).to_contain_text("Your password has been changed")
    expect(page).to_have_url(f"{site}/?q=parking")
    expect(page.locator(".results-count")).to_be_visible()
    nina = store.get_user("nina")
    assert nina is not None and not nina.must_change_password
    assert nina.check_password("ninas own password")
