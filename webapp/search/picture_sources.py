"""The addresses of the pictures a section's Markdown names, in linear time.

A picture is Markdown's `![alt](src "title")` (its alt text may hold one level
of brackets) or HTML's `<img … src="…">`. They were found with

    !\\[(?:[^\\[\\]]|\\[[^\\]]*\\])*\\]\\(\\s*(?:<([^>]+)>|([^\\s)]+))
    |<img\\b[^>]*\\bsrc\\s*=\\s*["']?([^"'\\s>]+)

which read the rest of the text again from every `![` whose alt text never
closed and from every `<img` of a tag without a source: a section of 16,000
`![` took 0.2 s, one of 8,000 `<img ` 3 s, on every answer card that asked.
`picture_sources` finds what that expression's `findall` found, in order,
reading each part of the text a bounded number of times: an alt text is read
as the expression reads it, one way only, and what a failed reading showed
is not read again.
"""

from __future__ import annotations

import re

_START = re.compile(r"!\[|<img\b")
_BRACKET = re.compile(r"[\[\]]")
_SPACE = re.compile(r"\s*")
_BARE = re.compile(r"[^\s)]+")
_SOURCE = re.compile(r"""\bsrc\s*=\s*["']?([^"'\s>]+)""")


def _alt_end(text: str, at: int, last_close: int) -> int:
    """Where the alt text from `at` ends: at its `]`, at a `[` that never closes,
    or at the end of the text. Each `[` takes all up to the next `]`."""
    while bracket := _BRACKET.search(text, at):
        at = bracket.start()
        if text[at] == "]" or at > last_close:
            return at
        at = text.index("]", at) + 1
    return len(text)


def _address(text: str, at: int, last_angle: int) -> tuple[str, int] | None:
    """The address after `](` at `at`, `<…>` or bare, and where it ends."""
    at = _SPACE.match(text, at).end()  # type: ignore[union-attr]
    if text.startswith("<", at) and at + 1 < last_angle and text[at + 1] != ">":
        close = text.index(">", at + 1)
        return text[at + 1 : close], close + 1
    bare = _BARE.match(text, at)
    return (bare.group(0), bare.end()) if bare else None


def _last_source(text: str, start: int, end: int) -> re.Match[str] | None:
    """The last `src=…` of a tag's attributes, as `[^>]*` giving back finds it."""
    at = text.rfind("src", start, end)
    while at >= 0:
        if found := _SOURCE.match(text, at):
            return found
        at = text.rfind("src", start, at)
    return None


def picture_sources(markdown: str) -> list[str]:
    """The address of each picture the Markdown names, in order."""
    found: list[str] = []
    last_close, last_angle = markdown.rfind("]"), markdown.rfind(">")
    # An alt text that failed, read from any "![" before `alt_failed` whose
    # first bracket is a "[", runs into that failure again; and no "<img"
    # before `tag_read` has a source the reading of its tag did not find.
    alt_failed = tag_read = 0
    at = 0
    while start := _START.search(markdown, at):
        begin, at = start.start(), start.start() + 1
        if markdown[begin] == "<":
            if begin < tag_read:
                continue
            tag_end = markdown.find(">", begin + 4) if begin + 4 <= last_angle else -1
            tag_read = tag_end if tag_end >= 0 else len(markdown)
            if source := _last_source(markdown, begin + 4, tag_read):
                found.append(source.group(1))
                at = source.end()
            continue
        first = _BRACKET.search(markdown, begin + 2)
        if first and markdown[first.start()] == "]":
            end = first.start()
        elif begin < alt_failed:
            continue
        else:
            end = _alt_end(markdown, begin + 2, last_close)
        address = (
            _address(markdown, end + 2, last_angle) if markdown.startswith("](", end) else None
        )
        if address is None:
            alt_failed = max(alt_failed, end)
            continue
        found.append(address[0])
        at = address[1]
    return found
