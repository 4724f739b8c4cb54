"""The editor's review date and a catalogue form's date field in real headless
Chromium whose language is not the page's: the date under each field follows the
page's language as it is picked (the insights period's fields:
`insights/test_browser_date_fields.py`)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.webapp.auth.test_browser_draft_forms import site  # noqa: F401 - a fixture, by name
from tests.webapp.auth.test_browser_drafts import sign_in_here
from tests.webapp.test_browser import (  # noqa: F401 - browser: a fixture, used by name
    _open,
    browser,
)

pytestmark = [pytest.mark.browser, pytest.mark.slow]

# Each page, who opens it, its date field's label in English and German, and the
# date it was served with in each.
PAGES = [
    ("/catalogue/laptop", "emma", ("Needed by", "Benötigt bis"), ("", "")),
    (
        "/manage/edit/it/vpn-setup.md",
        "cora",
        ("Review by", "Prüfen bis"),
        ("10 January 2026", "10. Januar 2026"),
    ),
]


def read_by_chromium(page: Any, selector: str) -> tuple[str, str]:
    """The name and description Chromium's own accessibility tree gives the element
    (Playwright's own reckoning leaves an `output` out of a description)."""
    cdp = page.context.new_cdp_session(page)
    root = cdp.send("DOM.getDocument")["root"]["nodeId"]
    node = cdp.send("DOM.querySelector", {"nodeId": root, "selector": selector})["nodeId"]
    ax = cdp.send("Accessibility.getPartialAXTree", {"nodeId": node, "fetchRelatives": False})
    found = ax["nodes"][0]
    return found["name"]["value"], found.get("description", {}).get("value", "")


@pytest.mark.parametrize(("path", "who", "labels", "served"), PAGES)
@pytest.mark.parametrize(("lang", "shown"), [("de", "4. Dezember 2026"), ("en", "4 December 2026")])
def test_a_picked_date_is_said_in_the_page_s_language(
    browser: Any,  # noqa: F811
    site: str,  # noqa: F811
    path: str,
    who: str,
    labels: tuple[str, str],
    served: tuple[str, str],
    lang: str,
    shown: str,
) -> None:
    """Chromium in American English wrote a picked date "12/04/2026" on a
    German page, which a German reader takes for 12 April."""
    from playwright.sync_api import expect

    german = lang == "de"
    tab = _open(browser, locale="en-US")
    try:
        page = tab.page
        page.goto(site + path)
        sign_in_here(page, who)
        page.goto(f"{site}{path}?hl={lang}")
        field = page.get_by_label(labels[german])  # its label is still its name
        field_id = field.get_attribute("id")
        said = page.locator(f"#{field_id}-shown")
        expect(said).to_have_text(served[german])
        field.fill("2026-12-04")
        expect(said).to_have_text(shown)
        name, description = read_by_chromium(page, "#" + field_id)
        assert name.startswith(labels[german]), name  # the label alone names the field
        assert description.endswith(shown), description  # after its help, where it has one
        field.fill("")
        expect(said).to_have_text("")
        assert tab.errors == []  # no script error, no CSP violation
    finally:
        tab.page.context.close()
