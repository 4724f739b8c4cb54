"""A table as passages hold it: a Markdown table, its first row the header.

The rule under the header is the only line of a table made of dashes. A cell
that is only dashes (a "-", "--" or "---" for "none", a ":-:") would make a
row of such cells read as a rule, to Markdown and to every reader of passages
(`kb.content.sections`, `search.highlight`): the row was dropped or became a
second rule. Such a cell's dashes are therefore escaped ("\\-", which Markdown
shows as "-"), as is a '|' within a cell; `cell_text` reads a cell back.
"""

from __future__ import annotations

import re

# A cell of dashes (and colons, which align a rule's columns): what a rule is made of.
_RULE_CELL = re.compile(r"[\s:]*-[\s:-]*")
_ESCAPED_RULE_CELL = re.compile(r"[\s:]*\\-(?:[\s:]|\\-)*")
_CELL_SPLIT = re.compile(r"(?<!\\)\|")


def is_rule_cell(cell: str) -> bool:
    """Whether `cell` is made of dashes (and colons) only, as a rule's cells are."""
    return _RULE_CELL.fullmatch(cell) is not None


def escape_rule_cell(cell: str) -> str:
    """`cell` with its dashes escaped when it is made of dashes only, so that it
    cannot be part of a rule; any other cell as it is."""
    return cell.replace("-", "\\-") if is_rule_cell(cell) else cell


def escape_cell(cell: str) -> str:
    """A cell's text as a Markdown table holds it: '|' and a cell of dashes escaped."""
    return escape_rule_cell(cell.replace("|", "\\|"))


def cell_text(cell: str) -> str:
    """The text of a cell written by `escape_cell`."""
    cell = cell.replace("\\|", "|")
    return cell.replace("\\-", "-") if _ESCAPED_RULE_CELL.fullmatch(cell) else cell


def split_cells(row: str) -> list[str]:
    """The cells' texts of a row without its outer pipes ("a | b \\| c" → a, b | c)."""
    return [cell_text(cell.strip()) for cell in _CELL_SPLIT.split(row)]


def is_rule(cells: list[str]) -> bool:
    """Whether a row's cells (`split_cells`) are those of a rule."""
    return all(is_rule_cell(cell) for cell in cells)


def markdown_table(rows: tuple[tuple[str, ...], ...]) -> str:
    """`rows` as a Markdown table: the first row its header, then the rule, a
    short row filled with empty cells, each cell escaped (`escape_cell`)."""
    width = max(len(row) for row in rows)

    def line(cells: tuple[str, ...]) -> str:
        padded = [escape_cell(c) for c in cells] + [""] * (width - len(cells))
        return "| " + " | ".join(padded) + " |"

    rule = "| " + " | ".join(("---",) * width) + " |"
    return "\n".join([line(rows[0]), rule, *(line(r) for r in rows[1:])])
