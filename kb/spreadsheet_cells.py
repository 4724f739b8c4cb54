"""CSV cells that a spreadsheet shows as text and never evaluates.

Exports carry text that employees and visitors typed (questions, request
descriptions, comments) and are opened by analysts, agents and operators in
Excel or LibreOffice, where a cell that starts with `=`, `+`, `-` or `@` (or
a tab or carriage return before one) is a formula: `=HYPERLINK(…)` sends the
sheet's other cells to a web address, and DDE formulas start programs ("CSV
injection"). Such a text cell gets a leading apostrophe, which the
spreadsheet shows as text and does not display; numbers, and text that is
just a number ("-3", "+12.5"), are written unchanged.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: Any) -> Any:
    """`value`, with an apostrophe before text a spreadsheet would evaluate."""
    if not isinstance(value, str) or not value.startswith(FORMULA_STARTS):
        return value
    try:
        float(value)
    except ValueError:
        return "'" + value
    return value


def safe_row(values: Iterable[Any]) -> list[Any]:
    """A CSV row of `safe_cell`s."""
    return [safe_cell(v) for v in values]
