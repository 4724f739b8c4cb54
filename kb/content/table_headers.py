"""Header cells of Markdown tables say which cells they head, for screen readers.

Python-Markdown's table extension writes a table's first line as `<th>` cells
in a `<thead>` without a `scope`, so a screen reader cannot tell a column's
heading from a cell (and the page audit, tests/webapp/page_audit.py, flags
every such table). This tree processor gives each header cell the renderer
writes `scope="col"` and a `<th>` that opens a body row `scope="row"`. Raw
HTML an author writes is not in the tree (Python-Markdown keeps it aside) and
is left as written; the sanitiser keeps a `scope` only with the values `col`
and `row` (`kb.content.sanitize`).
"""

from __future__ import annotations

import xml.etree.ElementTree as etree

from markdown import Markdown
from markdown.extensions import Extension
from markdown.treeprocessors import Treeprocessor


def scope_header_cells(root: etree.Element) -> None:
    """Set `scope` on the `<th>` cells of every table below `root`."""
    for table in root.iter("table"):
        for part in table:
            for row in part.iter("tr"):
                for number, cell in enumerate(row):
                    if cell.tag != "th":
                        continue
                    if part.tag == "thead":
                        cell.set("scope", "col")
                    elif number == 0:
                        cell.set("scope", "row")


class _HeaderScopes(Treeprocessor):
    def run(self, root: etree.Element) -> None:
        scope_header_cells(root)


class TableHeaderScopes(Extension):
    """The Markdown extension that runs `scope_header_cells` after the tables are built."""

    def extendMarkdown(self, md: Markdown) -> None:  # noqa: N802 - Python-Markdown's name
        # Below the inline processor (priority 20), after tables are complete.
        md.treeprocessors.register(_HeaderScopes(md), "table_header_scopes", 5)
