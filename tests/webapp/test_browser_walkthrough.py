"""What a first-time user trips over in real headless Chromium.

The app serves the small two-department fixture content, indexed with the
fast stand-in embedding model (what is checked here is the page, not the
ranking), so this module starts in seconds. Waits are on conditions (Playwright's
`expect`, its clock), never fixed sleeps.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import FIXTURES
from tests.webapp.catalogue.conftest import IT_CATALOGUE
from tests.webapp.requests.test_browser import sign_in
from tests.webapp.test_browser import (
    LiveServer,
    Tab,
    _open,
    browser,  # noqa: F401 - a fixture, used by name
    serve_small,
)
from tests.webapp.test_contrast import contrast

pytestmark = [pytest.mark.browser, pytest.mark.slow]

PEOPLE = {
    "emma": ("employee", None),
    "ivan": ("agent", "it"),
    "hella": ("content_owner", "hr"),
    "anna": ("analyst", None),
    "adam": ("admin", None),
}
# A file name as long as some of the sample's, which has no space to break at.
LONG_NAME = "reisekostenabrechnung-und-spesenerstattung-im-ausland.md"
# IT's canned replies, one titled as long as German titles get, so that a
# request of IT's queue shows the list of them.
IT_CANNED = """canned_replies:
  - id: wait-for-part
    title:
      en: Waiting for the replacement part from the manufacturer
      de: Wir warten auf das Ersatzteil des Herstellers, Lieferung folgt in Kürze
    text: {en: "Hello {requester}, the part is ordered.", de: "Hallo {requester}, bestellt."}
"""


@pytest.fixture(scope="module")
def small(hashing_embedder: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    base: Path = tmp_path_factory.mktemp("walkthrough")
    shutil.copytree(FIXTURES / "content", base / "content")
    with (base / "content" / "hr" / "_department.yml").open("a", encoding="utf-8") as file:
        file.write(IT_CATALOGUE)  # its laptop form, in HR here
    with (base / "content" / "it" / "_department.yml").open("a", encoding="utf-8") as file:
        file.write(IT_CANNED)
    (base / "content" / "hr" / LONG_NAME).write_text(
        "---\ntitle: Spesen im Ausland\n---\nReisekosten im Ausland werden erstattet.\n",
        encoding="utf-8",
    )
    yield from serve_small(base, "browser-walkthrough", hashing_embedder, PEOPLE)


@pytest.fixture
def tab(browser: Any) -> Iterator[Tab]:  # noqa: F811 - the fixture imported above
    tab = _open(browser)
    yield tab
    tab.page.context.close()
    assert tab.errors == []  # no script errors, no failed loads


def _file_a_request(tab: Tab, live: LiveServer) -> str:
    """Emma asks IT; the request's URL."""
    from playwright.sync_api import expect

    page = tab.page
    sign_in(tab, live, "emma")
    page.goto(live.url + "/ask/?q=The+VPN+drops+every+hour&department=it")
    page.get_by_role("button", name="Send request").click()
    expect(page.locator(".flash").first).to_contain_text("has been sent")
    url: str = page.url
    page.get_by_role("button", name="Sign out").click()
    return url


UNSTYLED_FIELDS = """() => [...document.querySelectorAll('main input, main select, main textarea')]
  .filter(el => !['hidden', 'checkbox', 'radio', 'file', 'submit'].includes(el.type)
                && el.offsetParent !== null)
  .map(el => {
    const s = getComputedStyle(el);
    return [el.id || el.name, s.fontSize, s.borderTopStyle, el.getBoundingClientRect().height];
  })
  .filter(([, size, border, height]) => parseFloat(size) < 15 || border !== 'solid' || height < 36)"""


def test_every_field_is_drawn_like_the_others(tab: Tab, small: LiveServer) -> None:
    """The editor's fields, the queue's attachment search and bulk note, the
    watcher and merge fields were browser defaults: 13 px text in thin boxes,
    beside the app's 16 px fields with their dark border."""
    page = tab.page
    request_url = _file_a_request(tab, small)
    sign_in(tab, small, "ivan")
    for url in (request_url, small.url + "/requests/queue/it"):
        page.goto(url)
        assert page.evaluate(UNSTYLED_FIELDS) == [], url
    page.get_by_role("button", name="Sign out").click()
    sign_in(tab, small, "hella")
    for path in ("/manage/new?department=hr", "/manage/?department=hr"):
        page.goto(small.url + path)
        assert page.evaluate(UNSTYLED_FIELDS) == [], path


def test_a_long_question_asks_for_no_suggestions(tab: Tab, small: LiveServer) -> None:
    """Suggestions take at most 100 characters: a longer question typed into the
    box fetched them anyway, and each keystroke ended in a 400 and a console error."""
    from playwright.sync_api import expect

    page = tab.page
    asked: list[str] = []
    page.on("request", lambda r: asked.append(r.url) if "/api/suggest" in r.url else None)
    page.clock.install()
    page.goto(small.url + "/")
    box = page.get_by_role("combobox", name="Search the knowledge base")
    box.fill("How do I connect to the VPN from a hotel whose network blocks it " * 2)
    page.clock.run_for(1000)  # past the suggestions' pause after typing
    box.fill("vpn")
    with page.expect_response(lambda r: "/api/suggest?q=vpn" in r.url):
        page.clock.run_for(1000)
    expect(page.get_by_role("listbox")).to_be_visible()
    assert [url for url in asked if "q=vpn" not in url] == []


def test_one_suggested_article_is_announced_as_one(tab: Tab, small: LiveServer) -> None:
    """The ask form told screen readers "1 articles might answer your question."
    ("1 Artikel könnten …"): one article takes the singular in either language."""
    import re

    from playwright.sync_api import expect

    page = tab.page
    sign_in(tab, small, "emma")
    one = {"results": [{"id": "hr/annual-leave.md", "title": "Annual leave"}], "search_id": None}
    page.route(re.compile(r"/api/search\?"), lambda route: route.fulfill(json=one))
    for hl, said in (
        ("en", "One article might answer your question."),
        ("de", "Ein Artikel könnte Ihre Frage beantworten."),
    ):
        page.goto(small.url + f"/ask/?hl={hl}&q=Holiday")
        page.locator("#ask-description").fill("How many days of leave are left this year?")
        expect(page.locator("[data-msg-found]")).to_have_text(said)


# What the page script says for one and for two, in each language: the
# catalogue's plural forms, as the server's plural helper words them.
LIVE_COUNTS = {
    "en": (
        ("1 suggestion. Use the up and down arrow keys to choose it.",
         "2 suggestions. Use the up and down arrow keys to choose one."),
        ("One article might answer your question.", "2 articles might answer your question."),
    ),
    "de": (
        ("1 Vorschlag. Mit den Pfeiltasten nach oben und unten auswählen.",
         "2 Vorschläge. Mit den Pfeiltasten nach oben und unten auswählen."),
        ("Ein Artikel könnte Ihre Frage beantworten.", "2 Artikel könnten Ihre Frage beantworten."),
    ),
}  # fmt: skip


@pytest.mark.parametrize("hl", ["en", "de"])
def test_live_counts_take_the_catalogues_plural_forms(tab: Tab, small: LiveServer, hl: str) -> None:
    """The script chose "one" or "other" itself; it now words a count from the
    forms the server renders into the page, in the page's language."""
    import re

    from playwright.sync_api import expect

    page = tab.page
    sign_in(tab, small, "emma")
    titles = ["Annual leave", "Annual leave abroad"]

    def suggest(route: Any) -> None:  # "an" one suggestion, "ann" two
        n = 1 if route.request.url.endswith("q=an") else 2
        route.fulfill(json={"suggestions": [{"text": t, "kind": "title"} for t in titles[:n]]})

    def search(route: Any) -> None:  # a description with "two" in it finds two articles
        n = 2 if "two" in route.request.url else 1
        hits = [{"id": f"hr/{i}.md", "title": t} for i, t in enumerate(titles[:n])]
        route.fulfill(json={"results": hits, "search_id": None})

    page.route(re.compile(r"/api/suggest\?"), suggest)
    page.route(re.compile(r"/api/search\?"), search)
    (one, two), (found_one, found_two) = LIVE_COUNTS[hl]
    page.goto(small.url + f"/?hl={hl}")
    box = page.get_by_role("combobox")
    box.press_sequentially("an")
    expect(page.locator("#q-status")).to_have_text(one)
    box.press_sequentially("n")
    expect(page.locator("#q-status")).to_have_text(two)
    page.goto(small.url + f"/ask/?hl={hl}&q=Holiday")
    page.locator("#ask-description").fill("How many days of leave are left this year?")
    expect(page.locator("[data-msg-found]")).to_have_text(found_one)
    page.locator("#ask-description").fill("And the two days of leave from last year?")
    expect(page.locator("[data-msg-found]")).to_have_text(found_two)


# Beyond the right edge and not inside something that scrolls or clips it.
WIDER_THAN_THE_SCREEN = """() => {
  const held = el => {
    for (let up = el.parentElement; up; up = up.parentElement) {
      const s = getComputedStyle(up);
      if (s.overflowX !== 'visible' || s.clip !== 'auto') return true;
    }
    return false;
  };
  return [...document.querySelectorAll('body *')]
    .filter(el => el.getBoundingClientRect().right > innerWidth + 1 && el.offsetParent !== null)
    .filter(el => !held(el))
    .map(el => el.tagName + ' ' + el.className + ' ' + el.textContent.trim().slice(0, 30));
}"""


def test_nothing_is_wider_than_a_phone(browser: Any, small: LiveServer) -> None:  # noqa: F811
    """At 390 px the insights tabs ran off the right edge, their tables pushed
    the whole page sideways, and a long file name widened the article list."""
    tab = _open(browser, viewport={"width": 390, "height": 844})
    page = tab.page
    sign_in(tab, small, "anna")
    for path in ("/insights/", "/insights/gaps", "/insights/requests", "/insights/content"):
        page.goto(small.url + path)
        assert page.evaluate(WIDER_THAN_THE_SCREEN) == [], path
        assert page.evaluate("document.documentElement.scrollWidth") <= 390, path
    page.get_by_role("button", name="Sign out").click()
    sign_in(tab, small, "hella")
    page.goto(small.url + "/manage/?department=hr")
    assert page.evaluate(WIDER_THAN_THE_SCREEN) == []
    page.context.close()
    assert tab.errors == []


# The top and bottom edge of the header's logo, links and language switch, in
# this order whatever their order in the page.
HEADER_PARTS = """() => ['.brand', '.user-nav', '.lang-switch']
  .map(part => document.querySelector(part).getBoundingClientRect())
  .map(box => [box.top, box.bottom])"""


def _on_one_line(parts: list[list[float]]) -> bool:
    return max(top for top, _ in parts) < min(bottom for _, bottom in parts)


@pytest.mark.parametrize("hl", ["en", "de"])
def test_an_admins_header_keeps_the_language_switch_on_the_logos_line(
    browser: Any,  # noqa: F811 - the fixture imported above
    small: LiveServer,
    hl: str,
) -> None:
    """Signed in as admin at 1280 px, the header's links took so much room that
    the language switch dropped to a second line under the logo. In English the
    header is one line; German's longer links wrap inside their list, beside the
    logo; narrower, nothing runs off the screen."""
    tab = _open(browser, viewport={"width": 1280, "height": 800})
    page = tab.page
    sign_in(tab, small, "adam")
    page.goto(small.url + f"/?hl={hl}")
    brand, links, switch = page.evaluate(HEADER_PARTS)
    assert _on_one_line([brand, switch])
    assert _on_one_line([brand, links, switch]) or hl == "de"
    for width in (1024, 768, 390, 320):
        page.set_viewport_size({"width": width, "height": 800})
        assert page.evaluate(WIDER_THAN_THE_SCREEN) == [], width
        assert page.evaluate("document.documentElement.scrollWidth") <= width, width
    page.context.close()
    assert tab.errors == []


# Each language link's text that is seen (not the name kept for screen readers), and its size.
LANGUAGE_LINKS = """() => [...document.querySelectorAll('.lang-switch a')].map(a => {
  const r = a.getBoundingClientRect();
  const seen = [...a.children].filter(part => part.getBoundingClientRect().width > 1);
  return [seen.map(part => part.textContent).join(''), r.width, r.height];
})"""


@pytest.mark.parametrize("hl", ["en", "de"])
def test_on_a_phone_the_language_switch_stays_beside_the_logo(
    browser: Any,  # noqa: F811 - the fixture imported above
    small: LiveServer,
    hl: str,
) -> None:
    """At 390 px the languages' names did not fit beside the logo and took a line
    of the header of their own, above the links. On a phone the switch shows the
    languages' codes beside the logo, each a target of at least 24 px, while
    screen readers still hear the languages' names."""
    from playwright.sync_api import expect

    tab = _open(browser, viewport={"width": 390, "height": 844}, is_mobile=True)
    page = tab.page
    for signed_in in (False, True):
        if signed_in:
            page.goto(small.url + "/?hl=en")  # the sign-in form in English
            sign_in(tab, small, "emma")
        page.goto(small.url + f"/?hl={hl}")
        for width in (390, 360, 320):
            page.set_viewport_size({"width": width, "height": 844})
            brand, _, switch = page.evaluate(HEADER_PARTS)
            assert _on_one_line([brand, switch]), (signed_in, width)
            assert page.evaluate("document.documentElement.scrollWidth") <= width
            links = page.evaluate(LANGUAGE_LINKS)
            assert [text for text, _, _ in links] == ["EN", "DE"]
            assert all(w >= 24 and h >= 24 for _, w, h in links), links
        expect(page.get_by_role("link", name="Deutsch", exact=True)).to_be_visible()
    page.get_by_role("link", name="English", exact=True).click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    page.set_viewport_size({"width": 1024, "height": 800})
    assert [text for text, _, _ in page.evaluate(LANGUAGE_LINKS)] == ["English", "Deutsch"]
    page.context.close()
    assert tab.errors == []


# The period filter's box and that of what follows it on the page.
FILTER_AND_NEXT = """() => {
  const form = document.querySelector('.insights-filter');
  const box = el => { const r = el.getBoundingClientRect(); return [r.left, r.right, r.top, r.bottom]; };
  return [box(form.querySelector('fieldset')), box(form.nextElementSibling)];
}"""


def test_the_period_filter_stands_apart_from_the_chart_below_it(
    tab: Tab, small: LiveServer
) -> None:
    """On the gaps and requests pages the period filter's frame touched the first
    chart's frame, and stood two pixels inside it on either side."""
    page = tab.page
    sign_in(tab, small, "anna")
    for path in ("/insights/", "/insights/gaps", "/insights/requests", "/insights/content"):
        page.goto(small.url + path)
        (left, right, _, bottom), (next_left, next_right, next_top, _) = page.evaluate(
            FILTER_AND_NEXT
        )
        assert next_top - bottom >= 12, path
        assert (round(left), round(right)) == (round(next_left), round(next_right)), path


# Past the right edge of the panel it stands in (inside its padding).
PAST_ITS_PANEL = """() => [...document.querySelectorAll('.panel *')]
  .filter(el => el.offsetParent !== null && !el.closest('.table-wrap, pre'))
  .filter(el => {
    const panel = el.closest('.panel'), s = getComputedStyle(panel);
    const inner = panel.getBoundingClientRect().right - parseFloat(s.paddingRight);
    return el.getBoundingClientRect().right > inner + 1;
  })
  .map(el => el.tagName + '#' + el.id + ' ' + el.textContent.trim().slice(0, 30))"""


def test_the_german_queue_fits_a_phone(browser: Any, small: LiveServer) -> None:  # noqa: F811
    """At 360 px the bulk change's fieldset took the width of its widest German
    option ("(unverändert lassen)", "Notiz (optional, …)") and ran off the screen;
    the queue's status filter and a request's list of canned replies, as wide as
    their longest option, stood past the right edge of their panel."""
    from playwright.sync_api import expect

    tab = _open(browser, viewport={"width": 360, "height": 740})
    request_url = _file_a_request(tab, small)
    sign_in(tab, small, "ivan")
    page = tab.page
    page.goto(small.url + "/requests/queue/it?hl=de")
    expect(page.locator("fieldset.bulk-actions")).to_be_visible()
    assert page.evaluate(WIDER_THAN_THE_SCREEN) == []
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    assert page.evaluate(PAST_ITS_PANEL) == []
    page.goto(request_url + "?hl=de")
    expect(page.locator("#canned-select")).to_be_visible()
    assert page.evaluate(PAST_ITS_PANEL) == []
    page.context.close()
    assert tab.errors == []


def test_without_javascript_the_editor_offers_nothing_that_needs_it(
    browser: Any,  # noqa: F811 - the fixture imported above
    small: LiveServer,
) -> None:
    """Without JavaScript the editor showed an "Insert link" button that did
    nothing (the stylesheet undid its `hidden`) and a preview panel that stayed
    empty. Both now show only where the script makes them work."""
    from playwright.sync_api import expect

    for javascript in (False, True):
        tab = _open(browser, java_script_enabled=javascript)
        page = tab.page
        sign_in(tab, small, "hella")
        page.goto(small.url + "/manage/edit/hr/sick-leave.md")
        insert = page.get_by_role("button", name="Insert link", include_hidden=True)
        preview = page.get_by_role("heading", name="Preview", include_hidden=True)
        if javascript:
            expect(insert).to_be_visible()
            expect(preview).to_be_visible()
        else:
            expect(insert).to_be_hidden()
            expect(preview).to_be_hidden()
            page.get_by_role("button", name="Save draft").click()  # still saves
            expect(page.locator(".flash").first).to_contain_text("Saved as version 2")
        page.context.close()
        assert tab.errors == []


def test_the_link_picker_inserts_only_an_article_it_knows(tab: Tab, small: LiveServer) -> None:
    """A word typed into the link picker and not chosen from its list ("vpn")
    went into the text as [vpn](../vpn), a link that names no article. It is
    now refused beside the picker; an article's title typed in full is taken."""
    from playwright.sync_api import expect

    page = tab.page
    sign_in(tab, small, "hella")
    page.goto(small.url + "/manage/edit/hr/sick-leave.md")
    body = page.get_by_label("Text (Markdown)")
    expect(page.locator("#e-preview")).not_to_be_empty()  # the script runs
    before = body.input_value()
    picker = page.get_by_label("Link to another article")
    picker.fill("vpn")
    picker.press("Enter")
    refused = page.get_by_role("alert").filter(has_text="No article has this id or title")
    expect(refused).to_be_visible()
    expect(picker).to_have_attribute("aria-invalid", "true")
    expect(picker).to_be_focused()
    assert body.input_value() == before
    picker.fill("setting up the vpn")  # the title, typed in full
    expect(refused).to_be_hidden()
    page.get_by_role("button", name="Insert link").click()
    expect(body).to_have_value("[Setting up the VPN](../it/vpn-setup.md)" + before)
    expect(picker).to_have_value("")


def test_a_wrong_text_field_is_marked_like_a_wrong_list(tab: Tab, small: LiveServer) -> None:
    """A service form sent with its fields empty framed its lists in red and
    left its text field grey, as if that one were fine."""
    from playwright.sync_api import expect

    page = tab.page
    sign_in(tab, small, "emma")
    page.goto(small.url + "/catalogue/laptop")
    page.get_by_role("button", name="Send request").click()
    expect(page.locator(".error-summary")).to_be_visible()
    tab.errors.remove(  # a refused form is answered with a 400, as it should be
        "Failed to load resource: the server responded with a status of 400 (BAD REQUEST)"
    )
    marked = page.evaluate(
        """() => [...document.querySelectorAll('[aria-invalid=true]')]
             .map(el => [el.tagName, getComputedStyle(el).borderTopColor])"""
    )
    assert sorted(tag for tag, _ in marked) == ["INPUT", "SELECT"]
    assert len({colour for _, colour in marked}) == 1, marked


def test_a_wrong_date_is_framed_as_every_wrong_field(tab: Tab, small: LiveServer) -> None:
    """A date field kept a thin pale frame of its own: refused, it stayed grey
    beside the red text fields and lists, as if it were fine."""
    from playwright.sync_api import expect

    page = tab.page
    sign_in(tab, small, "emma")
    page.goto(small.url + "/catalogue/laptop")
    page.get_by_label("Needed by").fill("2020-01-01")
    page.get_by_role("button", name="Send request").click()
    expect(page.locator(".error-summary")).to_be_visible()
    tab.errors.remove(
        "Failed to load resource: the server responded with a status of 400 (BAD REQUEST)"
    )
    marked = page.evaluate(
        """() => [...document.querySelectorAll('[aria-invalid=true]')].map(el =>
             [el.type || el.tagName, getComputedStyle(el).borderTopColor,
              getComputedStyle(el).borderTopWidth])"""
    )
    assert "date" in [kind for kind, _, _ in marked], marked
    assert len({(colour, width) for _, colour, width in marked}) == 1, marked


RESTORE_COLOURS = """() => [...document.querySelectorAll('main form button')]
  .filter(b => b.textContent.trim().startsWith('Restore'))
  .map(b => {
    let under = b, background = 'rgba(0, 0, 0, 0)';
    while (under && /rgba\\(.*, 0\\)|transparent/.test(background)) {
      background = getComputedStyle(under).backgroundColor;
      under = under.parentElement;
    }
    return [b.textContent.trim(), getComputedStyle(b).color, background];
  })"""


def _hex(rgb: str) -> str:
    return "#" + "".join(f"{int(n):02x}" for n in re.findall(r"\d+", rgb)[:3])


def test_the_restore_buttons_of_a_history_can_be_read(tab: Tab, small: LiveServer) -> None:
    """ "Restore 1" on an article's history was drawn as the header's Sign out is,
    white, on the white page: the way back to an earlier version could not be seen."""
    from playwright.sync_api import expect

    page = tab.page
    sign_in(tab, small, "hella")
    page.goto(small.url + "/manage/edit/hr/sick-leave.md")
    body = page.get_by_label("Text (Markdown)")
    body.fill(body.input_value() + "\n\nCall in before nine.")
    page.get_by_label("What changed (optional)").fill("a second version")
    page.get_by_role("button", name="Publish").click()
    expect(page.locator(".flash").first).to_contain_text("Saved as version")
    page.goto(small.url + "/manage/history/hr/sick-leave.md")
    colours = page.evaluate(RESTORE_COLOURS)
    assert "Restore 1" in [label for label, _, _ in colours], colours
    for label, colour, background in colours:
        assert contrast(_hex(colour), _hex(background)) >= 4.5, (label, colour, background)


def test_enter_in_a_field_of_the_editor_keeps_the_article_s_status(
    tab: Tab, small: LiveServer
) -> None:
    """Enter in a field sends a form with its first button, and the editor's first
    was Save draft: a content owner who mended a published article's title and
    pressed Enter took the article out of search."""
    from playwright.sync_api import expect

    from webapp.services import services

    page = tab.page
    sign_in(tab, small, "hella")
    page.goto(small.url + "/manage/edit/hr/annual-leave.md")
    title = page.get_by_label("Title")
    title.fill("Requesting annual leave in time")
    title.press("Enter")
    expect(page.locator(".flash").first).to_contain_text("(Published)")
    text = (services(small.app).settings.content_path / "hr" / "annual-leave.md").read_text()
    assert "title: Requesting annual leave in time" in text and "status: published" in text
    body = page.get_by_label("Text (Markdown)")
    body.press("Control+End")
    picker = page.get_by_label("Link to another article")
    picker.fill("hr/sick-leave.md")
    picker.press("Enter")  # inserts the link, sends nothing
    expect(body).to_have_value(re.compile(r"\(sick-leave\.md\)$"))
    expect(body).to_be_focused()
    page.goto(small.url + "/manage/new?department=hr")  # a new article is saved as a draft
    page.get_by_label("Title").fill("Carrying over leave")
    page.get_by_label("Text (Markdown)").fill("Up to five days move to the next year.")
    page.get_by_label("Title").press("Enter")
    expect(page.locator(".flash").first).to_contain_text("created")
    expect(page.locator(".editor-meta")).to_contain_text("Draft")


def test_the_upload_button_follows_the_upload_fields(tab: Tab, small: LiveServer) -> None:
    """The upload form took the editor's two columns: with no text to edit, its
    Upload button and the way back stood at the top of the empty second column,
    beside "File", instead of after the fields it sends."""
    from playwright.sync_api import expect

    page = tab.page
    sign_in(tab, small, "hella")
    page.goto(small.url + "/manage/upload?department=hr")
    button = page.get_by_role("button", name="Upload")
    expect(button).to_be_visible()
    last_field = page.get_by_label("What changed (optional)").bounding_box()
    first_field = page.get_by_label("File", exact=True).bounding_box()
    placed = button.bounding_box()
    assert last_field and first_field and placed
    assert placed["y"] >= last_field["y"] + last_field["height"]
    assert abs(placed["x"] - first_field["x"]) <= 1


# Each label of the article list's filter and where its field stands from it.
LABEL_AND_FIELD = """() => [...document.querySelectorAll('.manage-filter label[for]')].map(l => {
  const a = l.getBoundingClientRect(), b = document.getElementById(l.htmlFor).getBoundingClientRect();
  const beside = b.left >= a.right && b.top < a.bottom && b.bottom > a.top;
  const under = b.top >= a.bottom - 1 && Math.abs(b.left - a.left) <= 1;
  return [l.htmlFor, beside || under];
})"""


def test_the_article_filter_keeps_each_label_with_its_field_on_a_phone(
    browser: Any,  # noqa: F811 - the fixture imported above
    small: LiveServer,
) -> None:
    """On a phone the filter of the article list wrapped anywhere: "Status" stood
    at the end of the search field's line, its list at the start of the next, and
    "Language" likewise, so each label seemed to name the field before it."""
    tab = _open(browser, viewport={"width": 390, "height": 844})
    page = tab.page
    sign_in(tab, small, "hella")
    for hl in ("en", "de"):
        page.goto(small.url + f"/manage/?department=hr&hl={hl}")
        placed = page.evaluate(LABEL_AND_FIELD)
        assert [name for name, _ in placed] == ["f-q", "f-status", "f-lang"]
        assert all(kept for _, kept in placed), (hl, placed)
    page.context.close()
    assert tab.errors == []


# Each card label whose longest word is wider than the label column it stands in
# (which would break it inside the word, "Verantwortlic / h").
LABEL_WORDS_SPLIT = """() => {
  const canvas = document.createElement('canvas').getContext('2d');
  return [...document.querySelectorAll('.requests-table td[data-label]')]
    .filter(td => td.offsetParent !== null)
    .filter(td => {
      const label = getComputedStyle(td, '::before');
      canvas.font = `${label.fontWeight} ${label.fontSize} ${label.fontFamily}`;
      const widest = Math.max(...td.dataset.label.split(/\\s+/).map(w => canvas.measureText(w).width));
      return widest > parseFloat(getComputedStyle(td).gridTemplateColumns.split(' ')[0]) + 0.5;
    })
    .map(td => td.dataset.label)
}"""


@pytest.mark.parametrize("width", [320, 390])
def test_german_card_labels_break_between_words_on_a_phone(
    browser: Any,  # noqa: F811 - the fixture imported above
    small: LiveServer,
    width: int,
) -> None:
    """On a phone the article list's cards broke "Verantwortlich" inside the word:
    its label column was narrower than the word and the cell wrapped anywhere."""
    tab = _open(browser, viewport={"width": width, "height": 800})
    page = tab.page
    sign_in(tab, small, "hella")
    page.goto(small.url + "/manage/?department=hr&hl=de")
    assert page.evaluate("document.documentElement.lang") == "de"
    labels = page.evaluate(
        "[...document.querySelectorAll('.requests-table td[data-label]')].map(td => td.dataset.label)"
    )
    assert "Verantwortlich" in labels
    assert page.evaluate(LABEL_WORDS_SPLIT) == []
    assert page.evaluate(WIDER_THAN_THE_SCREEN) == []
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    page.context.close()
    assert tab.errors == []
