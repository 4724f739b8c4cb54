"""The period's date fields in real headless Chromium whose language is not the
page's: the date beside each field follows the page's language as it is picked."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import FIXTURES
from tests.webapp.insights.test_browser import sign_in
from tests.webapp.insights.test_browser_analyst import PEOPLE
from tests.webapp.test_browser import (
    LiveServer,
    _open,
    browser,  # noqa: F401 - a fixture, used by name
    serve_small,
)

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.fixture(scope="module")
def small(hashing_embedder: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    base: Path = tmp_path_factory.mktemp("date-fields")
    shutil.copytree(FIXTURES / "content", base / "content")
    yield from serve_small(base, "browser-date-fields", hashing_embedder, PEOPLE)


@pytest.mark.parametrize(("lang", "shown"), [("de", "4. Dezember 2026"), ("en", "4 December 2026")])
def test_a_picked_date_is_said_in_the_page_s_language(
    browser: Any,  # noqa: F811
    small: LiveServer,
    lang: str,
    shown: str,
) -> None:
    """Chromium in American English wrote a picked date "12/04/2026" on a
    German page, which a German reader takes for 12 April."""
    from playwright.sync_api import expect

    tab = _open(browser, locale="en-US")
    try:
        sign_in(tab, small, "anna", lang)
        page = tab.page
        page.goto(small.url + f"/insights/?hl={lang}")
        page.locator("#period-since").fill("2026-12-04")
        expect(page.locator("#period-since-shown")).to_have_text(shown)
        page.locator("#period-since").fill("")
        expect(page.locator("#period-since-shown")).to_have_text("")
        assert tab.errors == []  # no script error, no CSP violation
    finally:
        tab.page.context.close()
