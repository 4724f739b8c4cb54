"""Two columns of prose on a PDF page, read one after the other, for `kb.extract.pdf`.

A page set in two columns, written row by row (a line of the left column, then
the line beside it, as many layout programs do), comes from PDFium as lines
that each hold a line of both columns, some 20-40 points apart: read as they
come, the two columns' sentences interleave. The columns are found by the gap
between them: the band of x, between `MIDDLE` and 1 - `MIDDLE` of the width
of the page's text, that the fewest lines reach into, at least a font size
wide. A line that crosses the band is full-width (a heading, a paragraph or a
caption across the page) and stays where it is; it parts the page into
stretches, as does a gap of more than `BREAK` font sizes between two lines
(a figure across both columns). In each stretch the left column is read top to
bottom, then the right one.

Only clear columns are read so: at least `MIN_LINES` lines on each side of the
band, of prose (`MIN_WORDS` words a line on average), each side's lines mostly
no more than `BREAK` font sizes apart (headings set in the margin beside the
text they open lie several lines apart, and stay beside it). The rows of a table
(`kb.extract.pdf_tables`: at least three rows, every cell in a column) count
as full-width lines, so a table keeps its rows and is never split. A page of
one column has no band that lines on both sides respect, and is left as it is.

Limits: two columns only (a third column stays beside the second); a
paragraph that ends at the foot of the left column and one that starts atop
the right are read as one; columns whose lines are short (`MAX_CELL_WORDS` words or
fewer on average, `kb.extract.pdf_tables`) and set like a table are read as a
table.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from statistics import median
from typing import Protocol

from kb.extract.pdf_tables import Cell, in_one_table, table_rows

MIDDLE, BREAK = 0.25, 3.0
MIN_LINES, MIN_WORDS = 3, 4.0


class PlacedLine(Protocol):
    """A line of a page as `kb.extract.pdf` reads it: its cells, baseline and font size."""

    @property
    def cells(self) -> Sequence[Cell]: ...

    @property
    def top(self) -> float: ...

    @property
    def size(self) -> float: ...


@dataclass(frozen=True)
class Part:
    """What to read next: the cells `cells` of the page's line number `line`
    (all of them for a line read whole, one column's for a line split)."""

    line: int
    cells: tuple[Cell, ...]

    @property
    def text(self) -> str:
        return " ".join(cell.text for cell in self.cells)

    @property
    def size(self) -> float:
        """The font size most of the part's characters have."""
        weight: Counter[float] = Counter()
        for cell in self.cells:
            weight[round(cell.size * 2) / 2] += len(cell.text)
        return weight.most_common(1)[0][0] if weight else 0.0


def reading_order(lines: Sequence[PlacedLine]) -> list[Part]:
    """The page's lines in reading order: as they come, or, on a page of two
    columns, each stretch's left column and then its right (module docstring)."""
    whole = [Part(n, tuple(line.cells)) for n, line in enumerate(lines)]
    if len(lines) < MIN_LINES or not _may_have_columns(lines):
        return whole
    tables = _table_lines(lines)
    text = [line for n, line in enumerate(lines) if n not in tables and line.cells]
    band = _band(text)
    if band is None:
        return whole
    sides = [
        _sides(line.cells, band) if n not in tables and line.cells else None
        for n, line in enumerate(lines)
    ]
    left = [side[0] for side in sides if side and side[0]]
    right = [side[1] for side in sides if side and side[1]]
    if not (_prose(left) and _prose(right)):
        return whole
    if not all(_runs_on(lines, sides, n) for n in (0, 1)):
        return whole
    return _ordered(lines, sides)


def _may_have_columns(lines: Sequence[PlacedLine]) -> bool:
    """Whether `MIN_LINES` lines hold prose that starts right of the page's left
    quarter: a quick test that spares pages of one column looking for tables."""
    cells = [cell for line in lines for cell in line.cells]
    if not cells:
        return False
    low, high = min(cell.left for cell in cells), max(cell.right for cell in cells)
    inset = low + MIDDLE * (high - low)
    starts = sum(
        any(cell.left >= inset and len(cell.text.split()) >= MIN_WORDS for cell in line.cells)
        for line in lines
    )
    return starts >= MIN_LINES


def _table_lines(lines: Sequence[PlacedLine]) -> set[int]:
    """The numbers of the lines that are rows of a clear table."""
    rows: set[int] = set()
    start = 0
    while start < len(lines):
        end = start + 1
        while end < len(lines) and _one_table(lines[end - 1], lines[end]):
            end += 1
        if end - start > 1 and table_rows([lines[n].cells for n in range(start, end)]):
            rows.update(range(start, end))
        start = end
    return rows


def _one_table(line: PlacedLine, other: PlacedLine) -> bool:
    return in_one_table(line.cells, other.cells, line.top, other.top, max(line.size, other.size))


def _band(lines: Sequence[PlacedLine]) -> tuple[float, float] | None:
    """The widest run of x near the middle of the lines' text that the fewest
    lines reach into, when it is at least a font size wide."""
    if not lines:
        return None
    events: list[tuple[float, int]] = []
    for line in lines:
        for cell in line.cells:
            events += [(cell.left, 1), (cell.right, -1)]
    events.sort()
    low, high = events[0][0], events[-1][0]
    middle = (low + MIDDLE * (high - low), high - MIDDLE * (high - low))
    # Runs of x between edges, each with how many lines' cells reach over it.
    runs: list[tuple[float, float, int]] = []
    depth = 0
    for (x, step), (after, _) in zip(events, events[1:], strict=False):
        depth += step
        if after > x:
            if runs and runs[-1][2] == depth and runs[-1][1] == x:
                runs[-1] = (runs[-1][0], after, depth)
            else:
                runs.append((x, after, depth))
    near = [run for run in runs if run[0] < middle[1] and run[1] > middle[0]]
    if not near:
        return None
    fewest = min(run[2] for run in near)
    start, end, _ = max((run for run in near if run[2] == fewest), key=lambda r: r[1] - r[0])
    if end - start < median(line.size for line in lines):
        return None
    return start, end


def _sides(
    cells: Sequence[Cell], band: tuple[float, float]
) -> tuple[tuple[Cell, ...], tuple[Cell, ...]] | None:
    """A line's cells left and right of the band, or None when one crosses it."""
    left = tuple(cell for cell in cells if cell.right <= band[0])
    right = tuple(cell for cell in cells if cell.left >= band[1])
    return (left, right) if len(left) + len(right) == len(cells) else None


def _prose(parts: list[tuple[Cell, ...]]) -> bool:
    words = [len(cell.text.split()) for cells in parts for cell in cells]
    return len(parts) >= MIN_LINES and sum(words) / len(parts) >= MIN_WORDS


def _runs_on(
    lines: Sequence[PlacedLine],
    sides: list[tuple[tuple[Cell, ...], tuple[Cell, ...]] | None],
    side: int,
) -> bool:
    """Whether the lines of one side follow each other as a column's do: most of
    them no more than `BREAK` font sizes below the one before. Headings set in a
    margin beside the text they open (side heads) lie several lines apart: read
    as a column they would all come before the text, each far from its own."""
    placed = [line for line, parts in zip(lines, sides, strict=True) if parts and parts[side]]
    gaps = [
        (above.top - below.top) / max(below.size, 1.0)
        for above, below in zip(placed, placed[1:], strict=False)
    ]
    return not gaps or median(gaps) <= BREAK


def _ordered(
    lines: Sequence[PlacedLine], sides: list[tuple[tuple[Cell, ...], tuple[Cell, ...]] | None]
) -> list[Part]:
    """Each stretch between full-width lines and wide gaps: left column, then right."""
    parts: list[Part] = []
    left: list[Part] = []
    right: list[Part] = []
    for number, (line, side) in enumerate(zip(lines, sides, strict=True)):
        previous = lines[number - 1] if number else None
        gap = previous is not None and previous.top - line.top > BREAK * max(line.size, 1.0)
        if side is None or gap:
            parts += left + right
            left, right = [], []
        if side is None:
            parts.append(Part(number, tuple(line.cells)))
            continue
        left += [Part(number, side[0])] if side[0] else []
        right += [Part(number, side[1])] if side[1] else []
    return parts + left + right
