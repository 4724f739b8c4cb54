"""Long German compounds on a 360-pixel phone, in real headless Chromium.

"Geheimhaltungsvereinbarung" (the sample's NDA form) is wider than a phone's
column at a heading's size: the button that starts the form from the ask page
and the request page that names it pushed the page sideways. The app serves
the fixture content with the sample's legal department (its forms and its
German NDA article), indexed with the fast stand-in embedding model.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import FIXTURES, SAMPLE_CONTENT
from tests.webapp.test_browser import (  # noqa: F401 - browser: a fixture, used by name
    LiveServer,
    Tab,
    _open,
    browser,
    serve_small,
)

pytestmark = [pytest.mark.browser, pytest.mark.slow]

WORD = "Geheimhaltungsvereinbarung"
WIDTH = 360
NARROWEST = 320  # the narrowest phone the pages reflow to (docs/web.md)
PEOPLE = {"emma": ("employee", None), "lena": ("agent", "legal")}
ARTICLE = "legal/vertraulichkeitsvereinbarung.md"
# What a requester may type as the other party: one word, longer still.
PARTNER = "Forschungszusammenarbeitsgesellschaft"


@pytest.fixture(scope="module")
def legal(hashing_embedder: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    base: Path = tmp_path_factory.mktemp("long-words")
    shutil.copytree(FIXTURES / "content", base / "content")
    (base / "content" / "legal").mkdir()
    for name in ("_department.yml", Path(ARTICLE).name):
        shutil.copy(SAMPLE_CONTENT / "legal" / name, base / "content" / "legal" / name)
    yield from serve_small(base, "browser-long-words", hashing_embedder, PEOPLE)


@pytest.fixture
def phone(browser: Any) -> Iterator[Tab]:  # noqa: F811 - the fixture imported above
    tab = _open(browser, locale="de-DE", viewport={"width": WIDTH, "height": 740}, is_mobile=True)
    yield tab
    tab.page.context.close()
    assert tab.errors == []


def _sign_in(page: Any, live: LiveServer, name: str, then: str) -> None:
    from playwright.sync_api import expect

    page.goto(f"{live.url}/auth/sign-in?hl=de&next={then}")
    page.get_by_label("Benutzername").fill(name)
    page.get_by_label("Passwort").fill(f"{name}-secret")
    page.get_by_role("button", name="Anmelden").click()
    expect(page.get_by_role("button", name="Abmelden")).to_be_visible()


def _fits(page: Any, width: int = WIDTH) -> str:
    """The page's address where it names the word and does not scroll sideways."""
    assert WORD in page.evaluate("document.body.innerText"), page.url
    assert page.evaluate("document.documentElement.scrollWidth") <= width, (page.url, width)
    return str(page.url)


def test_no_page_that_names_a_long_compound_scrolls_sideways(
    phone: Tab,
    legal: LiveServer,
) -> None:
    from playwright.sync_api import expect

    page = phone.page
    _sign_in(page, legal, "emma", "/?hl=de")
    for path in (
        "/",
        "/catalogue/",
        "/catalogue/nda",
        f"/?q={WORD}",  # a result, and the form offered
        f"/ask/?q={WORD}",  # the form offered, on a button
        f"/articles/{ARTICLE}",
    ):
        page.goto(legal.url + path)
        _fits(page)
        page.set_viewport_size({"width": NARROWEST, "height": 740})
        _fits(page, NARROWEST)
        page.set_viewport_size({"width": WIDTH, "height": 740})
    # Headings and buttons break German words between syllables where the browser
    # can (this Chromium has no hyphenation dictionary; phones do).
    hyphens = "el => getComputedStyle(el).hyphens"
    assert page.locator("h1").first.evaluate(hyphens) == "auto"

    page.goto(legal.url + "/catalogue/nda")
    page.get_by_label("Vertragspartner").fill(PARTNER)
    page.get_by_role("button", name="Anfrage senden").click()
    expect(page.locator(".flash")).to_be_visible()
    _fits(page)  # the request: its title and the party typed
    page.goto(legal.url + "/requests/")
    _fits(page)
    page.get_by_role("button", name="Abmelden").click()
    _sign_in(page, legal, "lena", "/requests/queue/legal")
    _fits(page)

    page.goto(legal.url + "/catalogue/nda?hl=en")  # English is not hyphenated by these rules
    assert page.locator("h1").first.evaluate(hyphens) == "manual"
