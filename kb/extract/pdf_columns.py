"""Columns of prose on a PDF page, read one after the other, for `kb.extract.pdf`.

A page set in columns, written row by row (a line of the left column, then
the line beside it, as many layout programs do), comes from PDFium as lines
that each hold a line of every column, some 20-40 points apart: read as they
come, the columns' sentences interleave. Columns are found by the gaps between
them, one gap at a time: the band of x, between `MIDDLE` and 1 - `MIDDLE` of
the width of the text, that the fewest lines reach into, at least a font size
wide (`kb.extract.pdf_gutters`), parts the text into a left and a right side; each side is then looked at
the same way, so a page of three columns (a newsletter, a leaflet) is parted
twice. A line that crosses a band is full-width for the text the band parts (a
title or footer across the page, a heading across two of three columns) and
stays where it is; it parts that text into stretches, as does a gap of more
than `BREAK` font sizes between two of its lines (a figure across the
columns). In each stretch the left side is read top to bottom, then the right.

Only clear columns are read so: at least `MIN_LINES` lines on each side of a
band, of prose (`MIN_WORDS` words a line on average, or, for a narrow sidebar,
lines of running text wrapped at its width:
`kb.extract.pdf_tables.wrapped_prose`), each side's lines mostly no more than
`BREAK` font sizes apart (headings set in the margin beside the text they open
lie several lines apart, and stay beside it). The rows of a table
(`kb.extract.pdf_tables`: at least three rows, every cell in a column) count as
full-width lines, so a table keeps its rows and is never split. A page of one
column has no band that lines on both sides respect, and is left as it is; a
side whose lines all start at its left edge is not looked at for a band.

The first line read of each column but the first is marked (`Part.column_start`):
the line before it ended a column, which ends a paragraph unless the text
clearly runs on (`kb.extract.pdf_paragraphs`).

A page is first cut into horizontal bands (`_horizontal_bands`), one below the
other, at each line across the middle half of the text (a title or an
introduction across the page), at each rule drawn across it and at each gap of
more than `BREAK` font sizes, and each band is parted by its own gaps, so a
page whose upper half is set in two columns and lower half in three reads the
upper half's two columns, then the lower half's three. A band too small to show
columns of its own (fewer than `MIN_LINES` lines a side) is parted at the gaps
the whole page shares, as before bands were found.

Limits: columns whose lines are short (`MAX_CELL_WORDS` words or fewer on
average, `kb.extract.pdf_tables`) and set like a table (lines not wrapped at
the column's width, or, in columns of different widths, records rather than
running text) are read as a table; bands parted only by a gap of a blank line
or by a short heading are parted at the gaps both share only.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from statistics import median

from kb.extract.pdf_gutters import MIDDLE, PlacedLine, gutter
from kb.extract.pdf_tables import Cell, in_one_table, table_rows, wrapped_prose

BREAK = 3.0
MIN_LINES, MIN_WORDS = 3, 4.0


@dataclass(frozen=True)
class Part:
    """What to read next: the cells `cells` of the page's line number `line`
    (all of them for a line read whole, one column's for a line split), and
    whether it is the first line read of a column after another column."""

    line: int
    cells: tuple[Cell, ...]
    column_start: bool = False

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


@dataclass(frozen=True)
class _Row:
    """Some cells of the page's line number `line`, at its baseline and size."""

    line: int
    cells: tuple[Cell, ...]
    top: float
    size: float

    def part(self, cells: tuple[Cell, ...]) -> _Row:
        """The row of some of these cells."""
        return _Row(self.line, cells, self.top, self.size)


@dataclass(frozen=True)
class _Split:
    """A band between columns, and how the text on either side of it is parted in turn."""

    band: tuple[float, float]
    left: _Split | None
    right: _Split | None


Sides = tuple[tuple[Cell, ...], tuple[Cell, ...]]
# A horizontal rule drawn on the page: its left and right x and its y.
Rule = tuple[float, float, float]


def reading_order(
    lines: Sequence[PlacedLine], rules: Callable[[], Sequence[Rule]] = tuple
) -> list[Part]:
    """The page's lines in reading order: as they come, or, on a page of
    columns, band by band, each stretch's columns from left to right (module
    docstring). A band without columns of its own is parted as the page is.
    `rules` gives the page's horizontal rules, asked for only on a page that
    may have columns."""
    rows = [_Row(n, tuple(line.cells), line.top, line.size) for n, line in enumerate(lines)]
    whole = [Part(row.line, row.cells) for row in rows]
    if len(lines) < MIN_LINES or not _may_have_columns(lines):
        return whole
    tables = _table_lines(lines)
    fixed = tables | {row.line for row in rows if not row.cells}
    page = _split([row for row in rows if row.line not in fixed])
    parts: list[Part] = []
    for band in _horizontal_bands(rows, fixed, rules()):
        own = (
            _split([row for row in band if row.line not in fixed])
            if len(band) < len(rows)
            else None
        )
        parts += _read(band, own or page, fixed)
    return parts


def _horizontal_bands(
    rows: Sequence[_Row], fixed: set[int], rules: Sequence[Rule]
) -> list[Sequence[_Row]]:
    """The page's rows cut into bands, each of its own columns: at a line across
    the middle half of the text (a title or a paragraph across the page), at a
    rule drawn across it and at a gap of more than `BREAK` font sizes between
    two lines."""
    cells = [cell for row in rows if row.line not in fixed for cell in row.cells]
    if not cells:
        return [rows]
    low, high = min(cell.left for cell in cells), max(cell.right for cell in cells)
    middle = (low + MIDDLE * (high - low), high - MIDDLE * (high - low))
    ruled = [y for left, right, y in rules if left <= middle[0] and right >= middle[1]]
    bands: list[Sequence[_Row]] = []
    start = 0
    for number, row in enumerate(rows):
        across = row.line not in fixed and any(
            cell.left <= middle[0] and cell.right >= middle[1] for cell in row.cells
        )
        above = rows[number - 1].top if number else row.top
        gap = above - row.top > BREAK * max(row.size, 1.0)
        if across or gap or any(above > y > row.top for y in ruled):
            bands += [rows[start:number]] if number > start else []
            start = number + 1 if across else number
            bands += [rows[number : number + 1]] if across else []
    return bands + ([rows[start:]] if start < len(rows) else [])


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


def _split(rows: Sequence[_Row]) -> _Split | None:
    """The band that parts `rows` into two sides of clear columns, with each
    side parted in turn; None when the rows are one column."""
    band = gutter(rows) if _may_have_columns(rows) else None
    if band is None:
        return None
    sides = [_sides(row.cells, band) for row in rows]
    pairs = [(row, side) for row, side in zip(rows, sides, strict=True) if side]
    left = [row.part(side[0]) for row, side in pairs if side[0]]
    right = [row.part(side[1]) for row, side in pairs if side[1]]
    if not all(_prose(side) and _set_as_column(side) for side in (left, right)):
        return None
    return _Split(band, _split(left), _split(right))


def _sides(cells: Sequence[Cell], band: tuple[float, float]) -> Sides | None:
    """A line's cells left and right of the band, or None when one crosses it."""
    left = tuple(cell for cell in cells if cell.right <= band[0])
    right = tuple(cell for cell in cells if cell.left >= band[1])
    return (left, right) if len(left) + len(right) == len(cells) else None


def _prose(rows: Sequence[_Row]) -> bool:
    """Whether a side holds prose: `MIN_LINES` lines of `MIN_WORDS` words on
    average, or, narrower, lines of running text wrapped at the side's width (a
    sidebar beside the main text, `kb.extract.pdf_tables.wrapped_prose`)."""
    if len(rows) < MIN_LINES:
        return False
    words = [len(cell.text.split()) for row in rows for cell in row.cells]
    if sum(words) / len(rows) >= MIN_WORDS:
        return True
    if any(len(row.cells) != 1 for row in rows):
        return False
    return wrapped_prose([row.cells[0] for row in rows], max(row.cells[0].right for row in rows))


def _set_as_column(rows: Sequence[_Row]) -> bool:
    """Whether the lines of one side follow each other as a column's do: most of
    them no more than `BREAK` font sizes below the one before. Headings set in a
    margin beside the text they open (side heads) lie several lines apart: read
    as a column they would all come before the text, each far from its own."""
    gaps = [
        (above.top - below.top) / max(below.size, 1.0)
        for above, below in zip(rows, rows[1:], strict=False)
    ]
    return not gaps or median(gaps) <= BREAK


def _read(rows: Sequence[_Row], split: _Split | None, fixed: set[int]) -> list[Part]:
    """The rows in reading order: each stretch between lines across the band
    (and the `fixed` ones, a table's rows) and wide gaps, left side, then right."""
    if split is None:
        return [Part(row.line, row.cells) for row in rows]
    parts: list[Part] = []
    left: list[_Row] = []
    right: list[_Row] = []
    for number, row in enumerate(rows):
        side = None if row.line in fixed else _sides(row.cells, split.band)
        gap = number > 0 and rows[number - 1].top - row.top > BREAK * max(row.size, 1.0)
        if side is None or gap:
            parts += _columns(_read(left, split.left, fixed), _read(right, split.right, fixed))
            left, right = [], []
        if side is None:
            parts.append(Part(row.line, row.cells))
            continue
        left += [row.part(side[0])] if side[0] else []
        right += [row.part(side[1])] if side[1] else []
    return parts + _columns(_read(left, split.left, fixed), _read(right, split.right, fixed))


def _columns(left: list[Part], right: list[Part]) -> list[Part]:
    """The left side's parts, then the right's, whose first starts a column."""
    if left and right:
        right = [Part(right[0].line, right[0].cells, column_start=True), *right[1:]]
    return left + right
