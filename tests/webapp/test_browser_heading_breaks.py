"""German headings on a 390-pixel phone, in real headless Chromium on Linux.

Chromium there has no German hyphenation dictionary, so `hyphens: auto` does
nothing and a compound wider than the column ("Arbeitsunfähigkeitsbescheinigung")
was broken anywhere, without a hyphen, or pushed out of its heading. The app
serves the fixture content with a German article whose title and sections are
such compounds, indexed with the fast stand-in embedding model.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import FIXTURES
from tests.webapp import test_browser as browsers
from tests.webapp.test_browser import browser  # noqa: F401 - a fixture, used by name

pytestmark = [pytest.mark.browser, pytest.mark.slow]

WIDTH = 390
ARTICLE = "hr/arbeitsunfaehigkeit.md"
TEXT = """\
---
title: Arbeitsunfähigkeitsbescheinigung und Entgeltfortzahlungsanspruch
summary: Wann die Arbeitsunfähigkeitsbescheinigung fällig ist und wie lange das Gehalt weiterläuft.
status: published
audience: everyone
lang: de
---
## Krankmeldung

Melden Sie sich am ersten Krankheitstag vor Arbeitsbeginn bei Ihrer Führungskraft.

## Arbeitsunfähigkeitsbescheinigung

Ab dem vierten Kalendertag ruft die Personalabteilung die Bescheinigung bei der Krankenkasse ab.

### Entgeltfortzahlungsanspruch bei Datenschutzgrundverordnungsauskünften

Sechs Wochen zahlt das Unternehmen das Gehalt weiter.
"""

# Every heading's box, what of it overflows sideways, and where a word of it
# is broken across lines without a hyphen (a soft one, shown, or a written one).
HEADINGS = """() => [...document.querySelectorAll('h1, h2, h3, h4')].filter(h => h.offsetParent && h.clientWidth > 1).map(h => {
  const box = h.getBoundingClientRect();
  const wide = [...h.querySelectorAll('*')].map(e => e.getBoundingClientRect().right)
    .filter(r => r > box.right + 1);
  const walker = document.createTreeWalker(h, NodeFilter.SHOW_TEXT);
  const bad = [];
  let last = null;
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    for (let i = 0; i < node.data.length; i++) {
      const c = node.data[i];
      if (c === '\\u00ad') { if (last) last.soft = true; continue; }
      const range = document.createRange();
      range.setStart(node, i); range.setEnd(node, i + 1);
      // The glyph's own box: a range at a line's start may also name the line before.
      const rect = [...range.getClientRects()].filter(r => r.width > 0).pop() || range.getBoundingClientRect();
      if (/\\p{L}/u.test(c) && last && /\\p{L}/u.test(last.c) && !last.soft
          && rect.top > last.top + 2) bad.push(last.word + '|' + c);
      const word = /\\p{L}/u.test(c) && last ? last.word + c : c;
      last = {c, top: rect.top, soft: false, word};
    }
  }
  return {text: h.textContent, overflow: h.scrollWidth - h.clientWidth, wide, bad};
})"""


@pytest.fixture(scope="module")
def german(
    hashing_embedder: Any, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[browsers.LiveServer]:
    base: Path = tmp_path_factory.mktemp("heading-breaks")
    shutil.copytree(FIXTURES / "content", base / "content")
    (base / "content" / ARTICLE).write_text(TEXT, encoding="utf-8")
    yield from browsers.serve_small(base, "browser-heading-breaks", hashing_embedder, {})


@pytest.mark.parametrize("hl", ["de", "en"])
def test_no_heading_overflows_or_breaks_a_german_word_without_a_hyphen(
    browser: Any,  # noqa: F811 - the fixture imported above
    german: browsers.LiveServer,
    hl: str,
) -> None:
    phone = browsers._open(browser, "de-DE", viewport={"width": WIDTH, "height": 800})
    page = phone.page
    checked = []
    for path in (f"/articles/{ARTICLE}", "/?q=Arbeitsunfähigkeitsbescheinigung"):
        page.goto(f"{german.url}{path}&hl={hl}" if "?" in path else f"{german.url}{path}?hl={hl}")
        headings = page.evaluate(HEADINGS)
        browsers.OUTPUT.mkdir(exist_ok=True)
        shot = browsers.OUTPUT / f"heading-breaks-{hl}-{len(checked)}.png"
        page.screenshot(path=str(shot), full_page=True)
        checked += [h["text"] for h in headings]
        for heading in headings:
            assert heading["overflow"] <= 0 and heading["wide"] == [], (path, heading)
            assert heading["bad"] == [], (path, heading)
        assert page.evaluate("document.documentElement.scrollWidth") <= WIDTH, path
    assert sum("Entgeltfortzahlungsanspruch" in t.replace("\u00ad", "") for t in checked) >= 2
    page.context.close()
    assert phone.errors == []
