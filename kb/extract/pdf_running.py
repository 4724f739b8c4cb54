"""Running heads and feet of a PDF: the lines repeated at the top or bottom of
its pages, for `kb.extract.pdf` to drop.

A running line is one of the two lines at either edge of a page (in the order
the page is read) whose text, digits masked ("Page 3" reads as "page #"),
opens or closes most pages: at least three, and half of them, in a file of
three pages or more.

A file of two pages cannot show a line on most of its pages, only on both:
there a running line is one that repeats exactly (digits too) at the edge of
both pages, at the same height on each (within `SAME_PLACE` points), in a font
smaller than a heading's, and short (`MAX_RUNNING_WORDS` words at most). A
heading that opens both pages ("Opening hours" atop each) is set in a
heading's font and kept; so is a sentence of the text that both pages happen
to end with, longer than a running line or at another height.

Either way, a running line that is a row of a table reaching into the page's
text (a header row atop each page, a total at each foot) is kept
(`table_rows_at_edges`): it lies in the table's columns next to its other rows, where a
running head or foot sits apart, in the page's margin.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from typing import Protocol

from kb.extract.pdf_gutters import PlacedLine
from kb.extract.pdf_tables import in_one_table
from kb.extract.structure import clean

SAME_PLACE = 1.0
MAX_RUNNING_WORDS = 8


class RunningLine(PlacedLine, Protocol):
    """A line of a PDF page as `kb.extract.pdf` reads it, with its text."""

    @property
    def text(self) -> str: ...


def rows_of_one_table(line: PlacedLine, other: PlacedLine) -> bool:
    """Whether two lines read as rows of one table (`kb.extract.pdf_tables`)."""
    return in_one_table(line.cells, other.cells, line.top, other.top, max(line.size, other.size))


def masked(line: RunningLine) -> str:
    """The line's text, lower case, its digits masked."""
    return re.sub(r"\d+", "#", clean(line.text).lower())


def edges(lines: Sequence[RunningLine]) -> list[RunningLine]:
    """The two lines at the top and the two at the foot of a page."""
    return [*lines[:2], *lines[2:][-2:]]


def running_texts(pages: Sequence[Sequence[RunningLine]], heading_size: float) -> set[str]:
    """Texts (digits masked) of the running heads and feet of the file (module
    docstring); `heading_size` is the smallest font size of a heading."""
    if len(pages) == 2:
        return _repeated_on_both(pages[0], pages[1], heading_size)
    if len(pages) < 3:
        return set()
    seen: Counter[str] = Counter()
    for lines in pages:
        seen.update({masked(line) for line in edges(lines)})
    return {text for text, n in seen.items() if n >= max(3, len(pages) // 2)}


def _repeated_on_both(
    first: Sequence[RunningLine], second: Sequence[RunningLine], heading_size: float
) -> set[str]:
    """Texts at the edges of both pages of a two-page file, the same on both, at
    the same height, short and smaller than a heading."""
    return {
        masked(line)
        for line in edges(first)
        for other in edges(second)
        if clean(line.text) == clean(other.text)
        and abs(line.top - other.top) <= SAME_PLACE
        and max(line.size, other.size) < heading_size
        and len(clean(line.text).split()) <= MAX_RUNNING_WORDS
    }


def table_rows_at_edges(lines: Sequence[RunningLine], running: set[str]) -> set[int]:
    """The ids of the running lines at a page's edges that are rows of a table
    reaching into the page's text: from such a line inwards, each line and the
    next are rows of one table up to a line that is not running."""
    at_edges = {id(line) for line in edges(lines)}

    def running_at_edge(index: int) -> bool:
        return id(lines[index]) in at_edges and masked(lines[index]) in running

    def reaches_text(index: int, step: int) -> bool:
        while 0 <= index + step < len(lines):
            if not rows_of_one_table(lines[index], lines[index + step]):
                return False
            index += step
            if not running_at_edge(index):
                return True
        return False

    top = range(min(2, len(lines)))
    bottom = range(max(0, len(lines) - 2), len(lines))
    return {
        id(lines[index])
        for indices, step in ((top, 1), (bottom, -1))
        for index in indices
        if running_at_edge(index) and reaches_text(index, step)
    }
