"""How deep lists and quotes nest, and how much text their levels hold, bounded
while the body is parsed.

Python-Markdown parses the text of a list item or a quote by handing it, made
anew (each line's `> ` or indent taken off), to the block parser again, one
level down, and every open level keeps its copy until it is done: a body
nested n levels deep holds about n copies of its text at once. A content file
of `max_file_bytes` (1 MB) of `> > > …` on one line, or of list items each
indented one level deeper than the one before, held 53-57 MB within the 2 s
render budget and 200-209 MB within 8 s: its memory was bounded by nothing
but `render_seconds`, although its HTML, nested past `MAX_DEPTH`, was refused
once rendered (`kb.content.nesting`).

So the block parser is watched level by level (`BlockNestingBound`), with the
`render_depth` error of a body nested too deeply (`NestedTooDeep`):

- a level nested deeper than `MAX_DEPTH` is refused as soon as the parser
  opens it: each level is an element of the HTML, which would be refused;
- the text of all open levels together (each level's own copy) may be at most
  `MAX_NESTED_CHARS`, ten times `max_file_bytes`' default: an article of that
  size written whole inside lists and quotes ten levels deep reaches it; the
  sample articles and the 246 pages of a public handbook hold at most 1.7
  times their text. The render then holds about that much text, whatever the
  nesting: the 1 MB bodies above peak at 13-17 MB, refused in 0.1-1.3 s.

Both refuse only bodies whose HTML would be refused or that nest far deeper
than any article: every sample article and handbook page renders to the same
HTML as before.
"""

from __future__ import annotations

import xml.etree.ElementTree as etree
from collections.abc import Callable

from markdown import Markdown
from markdown.extensions import Extension

from kb.content.nesting import MAX_DEPTH

# The most text the open levels of one body's lists and quotes may hold together.
MAX_NESTED_CHARS = 10_000_000
# How much of a level's text a refusal quotes, so that its author can find it.
QUOTED_CHARS = 40


class NestedTooDeep(Exception):
    """The body's lists and quotes nest deeper than `MAX_DEPTH` levels, or their
    levels hold more than `MAX_NESTED_CHARS` characters together; raised as the
    parser opens the level. `text`: the start of that level's text."""

    def __init__(self, message: str, text: str) -> None:
        super().__init__(message)
        self.text = text

    def line_in(self, body: str) -> int | None:
        """The line of `body` where the level's text (its marks and indent taken
        off) first stands; None when it is not found as written."""
        at = body.find(self.text) if self.text else -1
        return None if at < 0 else body.count("\n", 0, at) + 1


class _Levels:
    """The levels the block parser has open, each with its element's depth and
    its text; wraps the parser's `parseBlocks`, which every level goes through."""

    def __init__(self, parse: Callable[[etree.Element, list[str]], None]) -> None:
        self.parse = parse
        self.open: list[tuple[etree.Element, int]] = []
        self.held = 0

    def parse_blocks(self, parent: etree.Element, blocks: list[str]) -> None:
        depth = self._depth(parent)
        text = sum(map(len, blocks))
        self.held += text
        try:
            if depth > MAX_DEPTH:
                raise NestedTooDeep(
                    f"lists, quotes or HTML elements are nested too deeply: more than "
                    f"{MAX_DEPTH} levels",
                    _start(blocks),
                )
            if self.held > MAX_NESTED_CHARS:
                raise NestedTooDeep(
                    f"lists and quotes {depth} levels deep hold more than "
                    f"{MAX_NESTED_CHARS:,} characters of text together (each level its "
                    "own copy of the text inside it)",
                    _start(blocks),
                )
            self.open.append((parent, depth))
            try:
                self.parse(parent, blocks)
            finally:
                self.open.pop()
        finally:
            self.held -= text

    def _depth(self, parent: etree.Element) -> int:
        """How deep `parent` stands in the tree (the root: 0). A level opens an
        element the level above it has just made: the parent itself or one at
        the end of its last children. One made apart from the tree (a footnote's
        text) counts one deeper than the level above."""
        if not self.open:
            return 0
        above, depth = self.open[-1]
        element = above
        for below in range(MAX_DEPTH + 2):
            if element is parent:
                return depth + below
            if not len(element):
                break
            element = element[-1]
        return depth + 1


def _start(blocks: list[str]) -> str:
    """The start of the first line of text in `blocks`, for a message."""
    for block in blocks:
        if text := block.lstrip():
            return text[:QUOTED_CHARS].split("\n")[0].rstrip()
    return ""


class BlockNestingBound(Extension):
    """The Markdown extension that refuses a body whose lists and quotes nest too
    deeply or hold too much text together, as the parser opens the level."""

    def extendMarkdown(self, md: Markdown) -> None:  # noqa: N802 - Python-Markdown's name
        self.levels = _Levels(md.parser.parseBlocks)
        md.parser.parseBlocks = self.levels.parse_blocks
        md.registerExtension(self)

    def reset(self) -> None:
        self.levels.open.clear()
        self.levels.held = 0
