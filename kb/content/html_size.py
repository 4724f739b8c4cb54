"""How much HTML one Markdown body may render to, bounded while it renders.

A body may render to at most `MAX_HTML_CHARS` characters of HTML. Checked only
on the finished HTML, the limit bounded what was kept, not what the render
itself held: Markdown copies a reference's address (`[r]: …`, named by
`[text][r]`) and an abbreviation's title (`*[x]: …`, given to every `x`) whole
into each place that names it, and Python-Markdown writes the whole tree into
one list of strings, joins it and runs its post-processors over the result. A
file of `max_file_bytes` (1 MB) naming an address of a megabyte 500 to 2,000
times took 1.5-1.6 GB of memory within the 2 s render budget, and more with a
larger `render_seconds`. The same holds for a table's rows: each is filled up
to the header's number of cells, so a header of 250,000 cells over 100
one-cell rows (1 MB) built 190-290 MB of elements before the budget stopped it.

So the render stops as soon as its HTML provably passes the limit, with the
same error (`HtmlTooLarge`, kind `render_size`):

- `bounded_html` writes the tree as Python-Markdown does, counting what it
  writes, and stops at the first piece past the limit: the render then holds
  at most the limit and the piece being written.
- `TableSizeBound` counts, before a table is built, the cells its rows will
  have (header cells times rows), over the whole body: each writes at least
  `<td></td>`, so past `MAX_HTML_CHARS / CELL_CHARS` cells no element is built.

The finished HTML is still measured (`html_too_large`): post-processors put
raw HTML back in place of its placeholders.
"""

from __future__ import annotations

import xml.etree.ElementTree as etree

from markdown import Markdown
from markdown.blockprocessors import BlockProcessor
from markdown.extensions import Extension
from markdown.serializers import _serialize_html

from kb.content.block_nesting import BlockNestingBound
from kb.content.thematic_breaks import ThematicBreaks

# The most HTML one body may render to (see the module docstring).
MAX_HTML_CHARS = 8_000_000
# The least HTML one table cell renders to: `<td></td>`.
CELL_CHARS = len("<td></td>")


class HtmlTooLarge(Exception):
    """The body renders to more than `MAX_HTML_CHARS` characters of HTML; raised
    while it renders, before the rest of the HTML is written."""


def html_too_large(html: str) -> str | None:
    """What is wrong when `html` is longer than `MAX_HTML_CHARS`; None when it is not."""
    if len(html) <= MAX_HTML_CHARS:
        return None
    return f"it renders to {len(html):,} characters of HTML, more than {MAX_HTML_CHARS:,}"


def bounded_html(root: etree.Element) -> str:
    """`root` written as HTML, as Python-Markdown's own serializer writes it;
    `HtmlTooLarge` as soon as it passes `MAX_HTML_CHARS` characters."""
    parts: list[str] = []
    written = 0

    def write(part: str) -> None:
        nonlocal written
        written += len(part)
        if written > MAX_HTML_CHARS:
            raise HtmlTooLarge(
                f"it renders to more than {MAX_HTML_CHARS:,} characters of HTML "
                "(rendering stopped there)"
            )
        parts.append(part)

    _serialize_html(write, root, "html")
    return "".join(parts)


class _TableCells(BlockProcessor):
    """Counts the cells of each table before the table processor builds it; it
    builds nothing itself (`run` answers False, and the block goes on to the
    table processor)."""

    def __init__(self, md: Markdown) -> None:
        super().__init__(md.parser)
        self.tables = md.parser.blockprocessors["table"]
        self.cells = 0

    def test(self, parent: etree.Element, block: str) -> bool:
        return bool(self.tables.test(parent, block))

    def run(self, parent: etree.Element, blocks: list[str]) -> bool:
        # `test` has just read the separator line: one entry per column. Every row
        # is filled up to it; a table without body rows gets one empty row.
        columns = len(self.tables.separator)
        rows = 1 + max(1, blocks[0].count("\n") - 1)
        self.cells += columns * rows
        if self.cells * CELL_CHARS > MAX_HTML_CHARS:
            raise HtmlTooLarge(
                f"its tables have {self.cells:,} cells, which render to more than "
                f"{MAX_HTML_CHARS:,} characters of HTML"
            )
        return False


def bounded_markdown(extensions: list[str | Extension]) -> Markdown:
    """A renderer of `extensions` (the table extension among them) that stops once
    its HTML passes `MAX_HTML_CHARS`: the HTML written by `bounded_html`, the
    table cells counted before they are built by a `TableSizeBound` of its own
    (it counts per body); its lists and quotes bounded as they are parsed by a
    `BlockNestingBound` (`kb.content.block_nesting`); its thematic breaks found
    in linear memory (`kb.content.thematic_breaks`)."""
    md = Markdown(
        extensions=[*extensions, TableSizeBound(), BlockNestingBound(), ThematicBreaks()],
        output_format="html",
    )
    md.serializer = bounded_html
    return md


class TableSizeBound(Extension):
    """The Markdown extension that refuses a body whose tables have more cells
    than `MAX_HTML_CHARS` allows, before they are built. Listed after the
    table extension (`extra`)."""

    def extendMarkdown(self, md: Markdown) -> None:  # noqa: N802 - Python-Markdown's name
        self.counter = _TableCells(md)
        # Just above the table processor (priority 75), so it sees each table first.
        md.parser.blockprocessors.register(self.counter, "table_size", 76)
        md.registerExtension(self)

    def reset(self) -> None:
        self.counter.cells = 0
