"""The header in real headless Chromium: the keyboard meets its parts in the
order they are seen, on a phone as on a laptop (WCAG 2.4.3, focus order).

On a phone the language switch stands beside the logo and the links take the
row below, but the switch came last in the page: Tab went from the logo down
through the links and then back up to the switch. The app serves the small
fixture content (`test_browser_walkthrough`'s server).
"""

from __future__ import annotations

from itertools import pairwise
from typing import Any

import pytest

from tests.webapp.requests.test_browser import sign_in
from tests.webapp.test_browser import (  # noqa: F401 - browser: a fixture, used by name
    LiveServer,
    _open,
    browser,
)
from tests.webapp.test_browser_walkthrough import small  # noqa: F401 - a fixture, used by name

pytestmark = [pytest.mark.browser, pytest.mark.slow]

# The box of the element that has the focus, and what it says, while it is in
# the header's top part (logo, language switch, links); null once it left it.
FOCUSED = """() => {
  const el = document.activeElement;
  if (!el || !el.closest('.header-inner')) return null;
  const r = el.getBoundingClientRect();
  return {text: el.textContent.trim(), top: r.top, bottom: r.bottom, left: r.left, right: r.right};
}"""


def _tab_through_the_header(page: Any) -> list[dict[str, Any]]:
    """What Tab focuses in the header, in turn, from the top of the page."""
    page.locator(".skip-link").focus()  # first in the page, above the header
    seen: list[dict[str, Any]] = []
    for _ in range(30):
        page.keyboard.press("Tab")
        focused = page.evaluate(FOCUSED)
        if focused is None:
            break
        seen.append(focused)
    return seen


def _out_of_order(seen: list[dict[str, Any]]) -> list[str]:
    """Each step of the focus that goes back: to a row above, or to the left on
    the same row (the two boxes overlap from top to bottom)."""
    wrong = []
    for before, after in pairwise(seen):
        same_row = after["top"] < before["bottom"] and before["top"] < after["bottom"]
        back = after["bottom"] <= before["top"] or (same_row and after["left"] < before["left"])
        if back:
            wrong.append(f"{before['text']!r} then {after['text']!r}")
    return wrong


@pytest.mark.parametrize("width", [360, 1280])
@pytest.mark.parametrize("hl", ["en", "de"])
def test_tab_follows_the_header_as_it_is_seen(
    browser: Any,  # noqa: F811 - the fixture imported above
    small: LiveServer,  # noqa: F811 - the fixture imported above
    width: int,
    hl: str,
) -> None:
    phone = width < 400
    tab = _open(browser, viewport={"width": width, "height": 800}, is_mobile=phone, has_touch=phone)
    page = tab.page
    for signed_in in (False, True):
        if signed_in:
            page.goto(small.url + "/?hl=en")  # the sign-in form in English
            sign_in(tab, small, "adam")  # an admin: the most links
        page.goto(small.url + f"/?hl={hl}")
        seen = _tab_through_the_header(page)
        texts = [step["text"] for step in seen]
        assert any(text in ("Deutsch", "DeutschDE") for text in texts), texts
        assert len(texts) >= (8 if signed_in else 4), texts
        assert _out_of_order(seen) == [], (width, signed_in, texts)
    page.context.close()
    assert tab.errors == []
