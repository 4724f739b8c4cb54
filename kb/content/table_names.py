"""Article tables named for screen readers by the heading of their section.

A Markdown table has no caption, so a screen reader announces "table" and
nothing more. On the page, each table without a `<caption>` of its own is
named by the nearest heading before it: `aria-labelledby` points at that
heading's id, and a heading without one gets one here (`body-h1`, `body-h2`…:
the content's own ids all start with `c-`, the sanitiser's prefix, so the two
never meet). A table before any heading is named by `fallback` (the article's
title, as `aria-label`) where one is given.

This runs on HTML that is already sanitised, as the last step before a page
shows it (`webapp.articles.sanitize`): the sanitiser keeps no `aria-*`
attribute of the content, so every name comes from here, never from an
author's raw HTML, and the sanitiser's allow-list stays as it is.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator

from kb.content.html_parsing import HtmlToken, html_tokens

_HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
_ID = re.compile(r'\sid="([^"]*)"')
GENERATED_ID = "body-h{n}"
# A name said for a table is cut to this (at a word, with "…"): a heading or title
# of a content owner's is as long as they like, and each of thousands of tables
# named by one of 100,000 characters made a page of gigabytes.
MAX_LABEL_CHARS = 200


class _Heading:
    """A heading met on the way: its start tag's index, the id it goes by and
    its words (read up to its end tag)."""

    def __init__(self, index: int, token: HtmlToken) -> None:
        self.index = index
        self.tag = token.tag
        found = _ID.search(token.raw)
        self.id = html.unescape(found.group(1)) if found else ""
        self.words: list[str] = []
        self.open = True
        self._text: tuple[int, str] = (-1, "")

    @property
    def text(self) -> str:
        """Its words as one line, read once for all the tables it names (a long
        heading read again for each of thousands of tables took seconds)."""
        if self._text[0] != len(self.words):
            self._text = (len(self.words), " ".join(html.unescape("".join(self.words)).split()))
        return self._text[1]


def _has_caption(tokens: list[HtmlToken], start: int) -> bool:
    """Whether the table opened at `start` begins with a `<caption>`: only the
    tokens up to its first one of substance are read (copying all the tokens
    after each table made thousands of tables take time growing as their square)."""
    for index in range(start + 1, len(tokens)):
        token = tokens[index]
        if token.tag or token.raw.strip():
            return token.tag == "caption" and not token.end
    return False


def _with_attribute(start_tag: str, name: str, value: str) -> str:
    """`start_tag` (`<table>`, `<h2 id="x">`) with one more attribute."""
    tag_end = re.match(r"<[A-Za-z0-9]+", start_tag)
    cut = tag_end.end() if tag_end else len(start_tag) - 1
    said = html.escape(value, quote=True)
    return f'{start_tag[:cut]} {name}="{said}"{start_tag[cut:]}'


def named_tables(sanitised: str, fallback: str = "") -> str:
    """`sanitised` with every table that has no caption named by the heading
    before it (`aria-labelledby`), or by `fallback` (`aria-label`) before any
    heading; HTML without a table comes back as it is."""
    if "<table" not in sanitised:
        return sanitised
    tokens = html_tokens(sanitised)
    raws = [t.raw for t in tokens]
    used = {found for t in tokens if t.tag and not t.end for found in _ID.findall(t.raw)}
    fresh = (GENERATED_ID.format(n=n) for n in range(1, len(tokens) + 1))
    heading: _Heading | None = None
    for index, token in enumerate(tokens):
        if heading is not None and heading.open:
            if token.tag == heading.tag and token.end:
                heading.open = False
            elif not token.tag:
                heading.words.append(token.raw)
        if token.end or not token.tag:
            continue
        if token.tag in _HEADINGS:
            heading = _Heading(index, token)
        elif token.tag == "table" and not _has_caption(tokens, index):
            raws[index] = _named(raws, index, heading, fresh, used) or _with_label(
                raws[index], fallback
            )
    return "".join(raws)


def _with_label(start_tag: str, name: str) -> str:
    """A table's start tag named `name` (`aria-label`, at most `MAX_LABEL_CHARS`);
    as it is for no name."""
    name = name.strip()
    if len(name) > MAX_LABEL_CHARS:
        name = name[: MAX_LABEL_CHARS - 1].rsplit(" ", 1)[0].rstrip() + "…"
    return _with_attribute(start_tag, "aria-label", name) if name else start_tag


def _named(
    raws: list[str],
    index: int,
    heading: _Heading | None,
    fresh: Iterator[str],
    used: set[str],
) -> str:
    """The start tag of the table at `index` named by `heading` ("" for none):
    labelled by its id, given one where it has none; by its words where its
    id cannot be referred to (it holds a space) or is too long to repeat at
    each table (over `MAX_LABEL_CHARS`)."""
    if heading is None:
        return ""
    if not heading.id:
        heading.id = next(name for name in fresh if name not in used)
        raws[heading.index] = _with_attribute(raws[heading.index], "id", heading.id)
    if heading.id.split() != [heading.id] or len(heading.id) > MAX_LABEL_CHARS:
        return _with_label(raws[index], heading.text)
    return _with_attribute(raws[index], "aria-labelledby", heading.id)
