"""A page's HTML read as assistive technology and a browser without scripts read it.

`problems(html, lang)` lists what is wrong, each as a sentence: the page's language,
one `h1` and headings in order, the landmarks (banner, navigation, main, footer),
the skip link as the first link, a label for every field, references
(`aria-describedby`, `aria-labelledby`, `for`, `aria-controls`) that name
elements of the page, ids used once, a marked field (`aria-invalid`) read with a
message, table headers with a scope and tables with a caption or a name, charts
with a text alternative, no positive `tabindex`, and no control that only a
script can use (a `type=button` shown without a script, `javascript:` links,
inline handlers). Parsed with the standard library, so route tests use it
without a browser.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser

FIELDS = ("input", "select", "textarea")
NOT_FIELDS = ("hidden", "submit", "button", "reset", "image")
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source"}
VOID |= {"track", "wbr"}


@dataclass
class Element:
    tag: str
    attrs: dict[str, str]
    parents: list[Element]
    text: list[str] = field(default_factory=list)

    def get(self, name: str) -> str:
        return self.attrs.get(name) or ""

    def within(self, tag: str) -> Element | None:
        return next((p for p in reversed(self.parents) if p.tag == tag), None)

    @property
    def shown(self) -> bool:
        """Not inside (or itself) an element the page hides until a script shows it."""
        return not any("hidden" in e.attrs for e in [*self.parents, self])


class _Reader(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[Element] = []
        self.open: list[Element] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        element = Element(tag, {k: v or "" for k, v in attrs}, list(self.open))
        self.elements.append(element)
        if tag not in VOID:
            self.open.append(element)

    def handle_endtag(self, tag: str) -> None:
        for i in range(len(self.open) - 1, -1, -1):
            if self.open[i].tag == tag:
                del self.open[i:]
                return

    def handle_data(self, data: str) -> None:
        for element in self.open:
            element.text.append(data)


def read(html: str) -> list[Element]:
    reader = _Reader()
    reader.feed(html)
    reader.close()
    return reader.elements


def _headings(elements: list[Element]) -> list[str]:
    shown = [e for e in elements if e.tag in ("h1", "h2", "h3", "h4", "h5", "h6") and e.shown]
    found = [] if sum(e.tag == "h1" for e in shown) == 1 else ["not one h1"]
    level = 0
    for heading in shown:
        n = int(heading.tag[1])
        if n > level + 1:
            found.append(f"{heading.tag} {''.join(heading.text).strip()!r} after h{level}")
        level = n
    return found


def _landmarks(elements: list[Element]) -> list[str]:
    found = []
    for tag in ("header", "nav", "main", "footer"):
        if not any(e.tag == tag for e in elements):
            found.append(f"no <{tag}>")
    if sum(e.tag == "main" for e in elements) > 1:
        found.append("more than one <main>")
    links = [e for e in elements if e.tag == "a" and e.get("href")]
    if not links or links[0].get("href") != "#main" or "skip-link" not in links[0].get("class"):
        found.append("the first link is not the skip link to #main")
    return found


def _named(element: Element, labelled: set[str]) -> bool:
    return bool(
        element.get("id") in labelled
        or element.within("label")
        or element.get("aria-label")
        or element.get("aria-labelledby")
    )


def _fields(elements: list[Element]) -> list[str]:
    labelled = {e.get("for") for e in elements if e.tag == "label" and e.get("for")}
    found = []
    for e in elements:
        if e.tag not in FIELDS or e.get("type") in NOT_FIELDS:
            continue
        name = e.get("name") or e.get("id")
        if not _named(e, labelled):
            found.append(f"field {name!r} has no label")
        group = e.within("fieldset")
        described = e.get("aria-describedby") or (group and group.get("aria-describedby"))
        if e.get("aria-invalid") == "true" and not described:
            found.append(f"field {name!r} is marked invalid without a message")
    return found


def _references(elements: list[Element]) -> list[str]:
    ids = [e.get("id") for e in elements if e.get("id")]
    found = [f"id {i!r} is used twice" for i in sorted({i for i in ids if ids.count(i) > 1})]
    known = set(ids)
    for e in elements:
        for attr in ("aria-describedby", "aria-labelledby", "aria-controls", "for", "list"):
            if attr == "for" and e.tag != "label":
                continue
            for ref in e.get(attr).split():
                if ref not in known:
                    found.append(f"{attr} of <{e.tag}> names no element {ref!r}")
    return found


def _tables(elements: list[Element]) -> list[str]:
    found = []
    for e in elements:
        if e.tag == "th" and e.get("scope") not in ("row", "col", "colgroup", "rowgroup"):
            found.append(f"th {''.join(e.text).strip()!r} without a scope")
        if e.tag == "table" and e.within("main"):
            named = e.get("aria-label") or e.get("aria-labelledby")
            captioned = any(c.tag == "caption" and c.parents[-1] is e for c in elements)
            if not (named or captioned):
                found.append(f"table {e.get('id') or e.get('class')!r} has no caption")
    return found


def _scripts_only(elements: list[Element]) -> list[str]:
    found = []
    for e in elements:
        chart = e.tag == "svg" and "chart" in e.get("class").split()
        if chart and (e.get("role") != "img" or not e.get("aria-labelledby")):
            found.append("a chart without role=img and a text alternative")
        if e.get("tabindex").lstrip("-").isdigit() and int(e.get("tabindex")) > 0:
            found.append(f"tabindex > 0 on <{e.tag}>")
        if e.tag == "button" and e.get("type") == "button" and e.shown:
            found.append(f"a button only a script can use is shown: {e.get('id')!r}")
        if e.get("href").strip().lower().startswith("javascript:"):
            found.append("a javascript: link")
        if any(name.startswith("on") for name in e.attrs):
            found.append(f"an inline event handler on <{e.tag}>")
    return found


def problems(html: str, lang: str) -> list[str]:
    """Everything the page does wrong by the checks above; [] when nothing."""
    elements = read(html)
    root = next((e for e in elements if e.tag == "html"), None)
    found = [] if root and root.get("lang") == lang else [f"html lang is not {lang!r}"]
    for check in (_headings, _landmarks, _fields, _references, _tables, _scripts_only):
        found += check(elements)
    return found
