"""How deep the elements of rendered HTML nest, counted on the safe side.

The sanitiser's parser (html5ever, inside nh3) checks for most block-level
start and end tags whether an element is "in scope", walking its stack of
open elements: its time grows with the number of tags times their depth.
Nested `<div>`s of a raw HTML block took 1 s to sanitise at 10,000 levels
(110 KB) and 23 s at 50,000, while the Markdown renderer passed them in about
2 s; the web app sanitises an article's stored HTML again on every view of
its page. Rendered HTML nested deeper than `MAX_DEPTH` is therefore refused
before the sanitiser sees it (`kb.content.markdown_text.render_html`); the
sample articles nest at most 5 levels, and at 100 levels the sanitiser's time
stays within that of flat HTML of the same size.

`nesting_depth` follows the tags without building a tree and counts at least
as deep as the parser nests, give or take the elements the parser adds by
itself (a `tbody`, a copy of a formatting element). An end tag closes its
element only when nothing but elements with optional end tags (`p`, `li`,
`td` …) lies above it, and a formatting element (`b`, `em` …) only when it
is the innermost one (the parser's adoption agency may keep elements above
it open); a `<p>`, `<li>`, `<tr>` … ends an open one of its name by the same
rule; `/>` closes a tag only in SVG and MathML, as the parser reads it.
Where the count errs, it counts deeper: text of comments, `<script>` or
`<textarea>` that looks like tags, elements the parser leaves out. It takes
time linear in the HTML, whatever its shape. How long rendered HTML may be
(`kb.content.html_size`) is checked before its depth.
"""

from __future__ import annotations

import re

MAX_DEPTH = 100

# Where html5ever starts a tag: `<` and a letter (`</` and a letter: an end tag),
# to the first `>` (None when there is none: the rest is that tag's attributes).
_TAG = re.compile(r"<(/?)([A-Za-z][^\s/>]*)([^>]*>)?")
_VOID = frozenset(
    (
        "area base br col embed hr img input keygen link meta param source "
        "track wbr basefont bgsound frame image"
    ).split()
)
# Elements whose end tag may be left out: closed by the end tag of an element
# they are in (the parser generates their end tags first).
_OPTIONAL_END = frozenset(
    "p li dt dd tr td th thead tbody tfoot option optgroup colgroup caption rb rt rtc rp".split()
)
# A start tag of one of these ends an open element of the same name, as its end
# tag would.
_SIBLING_CLOSES = frozenset({"p", "li", "dt", "dd", "option", "tr", "td", "th"})
_FORMATTING = frozenset("a b big code em font i nobr s small strike strong tt u".split())
_FOREIGN_ROOTS = frozenset({"svg", "math"})
# Inside SVG or MathML, these hold HTML again (integration points).
_HTML_INSIDE = frozenset(
    {"foreignobject", "desc", "title", "mi", "mo", "mn", "ms", "mtext", "annotation-xml"}
)
# Start tags that end SVG or MathML content: the parser reads them as HTML.
_BREAKOUT = frozenset(
    (
        "b big blockquote body br center code dd div dl dt em embed h1 h2 "
        "h3 h4 h5 h6 head hr i img li listing menu meta nobr ol p pre ruby "
        "s small span strong strike sub sup table tt u ul var font"
    ).split()
)


def nesting_depth(html: str, stop_at: int | None = None) -> int:
    """The deepest nesting of elements in `html` (see the module docstring);
    counting stops once it exceeds `stop_at`."""
    stack: list[tuple[str, bool]] = []  # (name, whether SVG or MathML content)
    deepest = 0
    for match in _TAG.finditer(html):
        closing, name, tail = match.groups()
        if tail is None:
            break  # no `>` follows: the parser reads the rest as this tag's attributes
        name = name.lower()
        if closing:
            _close(stack, name)
            continue
        foreign = _foreign_child(stack, name)
        if name in _VOID or (foreign and tail.endswith("/>")):
            continue
        if name in _SIBLING_CLOSES:
            _close(stack, name)  # `<li>` ends an open `li`, `<tr>` an open row and its cell
        stack.append((name, foreign and name not in _HTML_INSIDE))
        if len(stack) > deepest:
            deepest = len(stack)
            if stop_at is not None and deepest > stop_at:
                break
    return deepest


def _foreign_child(stack: list[tuple[str, bool]], name: str) -> bool:
    """Whether a start tag `name` opens SVG or MathML content here."""
    if name in _FOREIGN_ROOTS:
        return True
    return bool(stack) and stack[-1][1] and name not in _BREAKOUT


def _close(stack: list[tuple[str, bool]], name: str) -> None:
    """Close the innermost open `name` where the parser surely would: with only
    elements of optional end tags above it, and a formatting element only when
    it is the innermost element. Otherwise nothing is closed."""
    if stack and stack[-1][0] == name:
        stack.pop()
        return
    for at in range(len(stack) - 1, -1, -1):
        if stack[at][0] == name:
            if name in _FORMATTING and at != len(stack) - 1:
                return
            del stack[at:]
            return
        if stack[at][0] not in _OPTIONAL_END:
            return
