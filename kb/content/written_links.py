"""The texts of an article's Markdown that may be links' targets, read as the page reads them.

Every reader of an article's links reads them here: content health and the
editor's warnings (`kb.content.dropped_links`, `kb.content.moved_links`'s
`linked_articles`) and a rename's changes (`kb.content.moved_links`), so that
what one reports another changes. A link may be written inline,
`[text](../it/vpn.md#part "title")` (whatever its text holds, brackets too;
its target in `<>` with spaces, `[text](<vpn setup.md>)`), as a reference
definition `[vpn]: ../it/vpn.md` that `[text][vpn]` uses, or as an HTML
anchor `<a href="vpn.md">`.

A target is taken as the page takes it: in an inline link a backslash
escapes punctuation (`vpn\\.md`), and in every form a character reference
names a character (`vpn&#46;md`, `&period;`, `&amp;`): the renderer keeps it,
and the HTML it makes links `vpn.md`. Whether a text is shown as a link at all
(not in code, a reference some link uses) only the renderer says
(`kb.content.rendered_code`); the expressions here find the texts to ask it
about. None scans past a `[`, `]`, `<`, `>`, quote or the line's end from
where it starts, so reading a body takes time linear in its length.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from dataclasses import dataclass

from kb.content.markdown_text import escaped_characters

# An inline link's target (or a picture's: the renderer tells), whatever its
# text, and only where the link closes (a title between): `[a](b.md` is text.
# A target in `<>` is read to its `>`, spaces and all (`[a](<a b.md>)`).
_INLINE = re.compile(
    r"\]\(\s*(?:<([^<>\n]*)>|([^)\s<>\]\"]+))"
    r"(?=(?:\s+(?:\"[^\"\n]*\"|'[^'\n]*'))?\s*\))"
)
# A reference definition, `[label]: target`: at a line's start, in a list item
# or a quote, as the renderer reads it there; its target in `<>` as above.
_REFERENCE = re.compile(r"\[[^\[\]\n]+\]:[ \t]*(?:<([^<>\n]*)>|([^\s<>]+))")
# An HTML anchor written into the Markdown.
_ANCHOR = re.compile(r"<a\s[^<>]*?\bhref\s*=\s*[\"']([^\"'<>]+)[\"']", re.IGNORECASE)
# A picture whose alt text holds no bracket, up to its target's `](`: its
# address is no link. (Others are found out by the renderer, at a render's cost.)
_PICTURE = re.compile(r"(?<!\\)!\[[^\[\]]*\]\(")
_ESCAPE = re.compile(r"\\(.)")


@dataclass(frozen=True)
class WrittenLink:
    """One text of a body that may be a link's target."""

    start: int  # where it is written in the body
    end: int
    target: str  # what the page makes of it: escapes and character references read
    picture: bool  # written as a picture's address, `![alt](…)`


def written_links(body: str) -> Iterator[WrittenLink]:
    """Every text of `body` that may be a link's target, each place once."""
    pictures = {found.end() - 2 for found in _PICTURE.finditer(body)}
    seen: set[int] = set()
    for expression in (_INLINE, _REFERENCE, _ANCHOR):
        for match in expression.finditer(body):
            # The one group that matched: `<>` around the target, or none.
            group = next(g for g in range(1, expression.groups + 1) if match.group(g) is not None)
            start, end = match.span(group)
            if start in seen:
                continue
            seen.add(start)
            written = match.group(group)
            if expression is _INLINE:
                written = _ESCAPE.sub(_unescaped, written)
            yield WrittenLink(
                start,
                end,
                html.unescape(written).strip(),
                expression is _INLINE and match.start() in pictures,
            )


def _unescaped(found: re.Match[str]) -> str:
    return found.group(1) if found.group(1) in escaped_characters() else found.group(0)
