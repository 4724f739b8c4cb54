"""Tables on a PDF page, from where PDFium puts each character, for `kb.extract.pdf`.

A PDF draws a table as text at positions (and, when ruled, lines that carry no
text): PDFium gives each row as one line of text whose cells lie apart. A line
is cut into cells where its characters are more than `CELL_GAP` font sizes
apart; consecutive lines of one page are rows of one table when they are at
most `ROW_GAP` font sizes apart and two of their cells share a column (an edge
within `ALIGNED` points: left-aligned text, right-aligned figures). A ruled
table is found the same way, by its columns; the rules themselves are not read.

Only what is clearly a table becomes one: at least `MIN_ROWS` rows, every cell
of every row in one column of the table (a row may leave cells empty, as a
total under the last column does), cells of a few words (`MAX_CELL_WORDS` on
average): two columns of prose side by side are lines of many words, and stay
text. Narrow columns of prose (a leaflet's three columns hold five or six
words a line) are told from a table by how their lines end: in every column
cells of `MIN_PROSE_WORDS` words or more on average, most of them (`WRAPPED`)
wrapped, the next row's first word too long to have fit after them within the
column's width. Columns of one width (the narrowest at least `SAME_WIDTH` of
the widest), as a layout sets a page's columns, need no more; a table's columns
are as wide as what they hold, and columns of one width whose cells all fill it
look wrapped. Columns of different widths (a sidebar beside the main text) must
also read as running text: most lines (`WRAPPED`) going on with the sentence
above or starting after a sentence's end, and at most `FIGURES` of the cells
holding a figure, where a table's rows are records (a code, a price, a sentence
to itself). A numbered or bulleted list drawn with its marks apart from the items
(a first column of "1", "2", "•") is a list, not a table.

Only a line PDFium draws as more than one run of text (text objects, which
`count_rects` counts) has its words measured: measuring every line's words
made a 97-page report of text and small tables take 3.1 s to read instead of
2.2 s; with the runs counted first it takes 1.9-2.1 s, as before. A line drawn
as one run is measured too when it is spread: wider than `SPREAD` font sizes a
character, where set text takes about half a font size (a table whose rows are
each one text object, its cells placed apart by the characters' positions).

The first row is the table's header (`header_rows`) where it is set apart:
all in bold while most cells below are not, or in a larger font. The font of a
line's cells is asked only where the line has two cells or more.

pdfplumber was not taken: it reads the same positions through pdfminer.six,
which was 5-19 times slower than PDFium on the measured files
(`kb.extract.pdf`), and its table finder needs the rules or a tuned text
strategy, where the column test here serves both kinds with the line
positions PDFium already gives.
"""

from __future__ import annotations

import ctypes
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from statistics import mean, median

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

CELL_GAP, ALIGNED, ROW_GAP = 1.0, 2.0, 2.5
MIN_ROWS = 3
MAX_CELL_WORDS = 6.0
MIN_PROSE_WORDS, WRAPPED, SAME_WIDTH = 3.0, 2 / 3, 0.8
SPREAD = 0.8
FIGURES = 1 / 3
# A header row: in a font this much larger than the body rows', or bold (a weight
# of 600 or more, PDF's ForceBold flag, or a font named so).
HEADER_SIZE, BOLD_WEIGHT = 1.05, 600
_FORCE_BOLD = 1 << 18
_BOLD_NAME = re.compile(r"bold|black|heavy", re.I)
_SENTENCE_END = re.compile(r"[.!?…:;][\"'”’»)\]]*$")
_LIST_MARK = re.compile(r"^(?:[•●▪◦‣∙·*–-]|\(?\d{1,3}[.)]?|[a-z][.)])$")


@dataclass(frozen=True)
class Cell:
    """A run of a line's characters, apart from the next by more than the gap,
    and the font size of its first character."""

    left: float
    right: float
    text: str
    size: float = 0.0
    # Set in a bold font (measured for the cells of lines of two cells or more).
    bold: bool = False


def line_cells(
    textpage: pdfium.PdfTextPage, text: str, first: int, end: int, gap: float
) -> tuple[Cell, ...]:
    """The cells of the characters `first`..`end` of a page: runs of words that
    lie more than `gap` points apart. PDFium puts a space between characters
    that lie apart, so only the first and last character of each word is
    measured (a box for every character made reading a PDF twice as slow), and
    a line of one run of text, set close, is one cell."""
    words = list(re.finditer(r"\S+", text[first:end]))
    if not words:
        return ()
    if textpage.count_rects(first, end - first) <= 1:
        start = first + words[0].start()
        left = textpage.get_charbox(start)[0]
        right = textpage.get_charbox(first + words[-1].end() - 1)[2]
        characters = words[-1].end() - words[0].start()
        if not _spread(right - left, characters, gap / CELL_GAP):
            # One run of text as PDFium draws it (one text object), set close: one cell.
            text = " ".join(w.group(0) for w in words)
            return (Cell(left, right, text, pdfium_c.FPDFText_GetFontSize(textpage, start)),)
    cells: list[Cell] = []
    starts: list[int] = []
    for word in words:
        start, stop = first + word.start(), first + word.end() - 1
        left = textpage.get_charbox(start)[0]
        right = textpage.get_charbox(stop)[2] if stop > start else textpage.get_charbox(start)[2]
        if cells and left - cells[-1].right <= gap:
            last = cells[-1]
            cells[-1] = Cell(
                last.left, max(right, last.right), f"{last.text} {word.group(0)}", last.size
            )
        else:
            size = pdfium_c.FPDFText_GetFontSize(textpage, start)
            cells.append(Cell(left, right, word.group(0), size))
            starts.append(start)
    if len(cells) < 2:  # no row of a table: its font is never asked
        return tuple(cells)
    return tuple(replace(c, bold=_bold(textpage, i)) for c, i in zip(cells, starts, strict=True))


def _bold(textpage: pdfium.PdfTextPage, index: int) -> bool:
    """Whether character `index` is set in a bold font: by its weight where the
    file gives one, else by its font's flags or name ("Arial-BoldMT")."""
    if pdfium_c.FPDFText_GetFontWeight(textpage, index) >= BOLD_WEIGHT:
        return True
    name = ctypes.create_string_buffer(128)
    flags = ctypes.c_int()
    length = pdfium_c.FPDFText_GetFontInfo(textpage, index, name, len(name), ctypes.byref(flags))
    if flags.value & _FORCE_BOLD:
        return True
    return bool(length) and bool(_BOLD_NAME.search(name.value.decode("latin-1")))


def header_rows(rows: Sequence[Sequence[Cell]]) -> int:
    """How many of a table's first rows are its header: 1 where its first row is
    set apart from the rows below, every cell of it in bold where most of theirs
    are not, or in a larger size than theirs; else 0."""
    first, rest = rows[0], [cell for row in rows[1:] for cell in row]
    if len(first) < 2 or not rest:
        return 0
    if all(cell.bold for cell in first) and 2 * sum(cell.bold for cell in rest) < len(rest):
        return 1
    body = median(cell.size for cell in rest)
    return int(body > 0 and all(cell.size > HEADER_SIZE * body for cell in first))


def _spread(width: float, characters: int, size: float) -> bool:
    """Whether a line of one run of text is far wider than its characters set close."""
    return width > SPREAD * size * characters


def in_one_table(
    cells: Sequence[Cell], other: Sequence[Cell], top: float, other_top: float, size: float
) -> bool:
    """Whether two lines next to each other are rows of one table: each in two
    cells or more, at most `ROW_GAP` font sizes apart, two of the cells of the
    first in columns of the other."""
    if len(cells) < 2 or len(other) < 2:
        return False
    if abs(top - other_top) > ROW_GAP * max(size, 1.0):
        return False
    edges = [edge for cell in other for edge in (cell.left, cell.right)]
    aligned = sum(
        1
        for cell in cells
        if any(abs(e - x) <= ALIGNED for e in (cell.left, cell.right) for x in edges)
    )
    return aligned >= 2


def _column(cell: Cell, columns: list[tuple[float, float]]) -> int | None:
    """The column `cell` lies in: an edge aligned with the column's, or its middle within it."""
    middle = (cell.left + cell.right) / 2
    for number, (left, right) in enumerate(columns):
        if (
            abs(cell.left - left) <= ALIGNED
            or abs(cell.right - right) <= ALIGNED
            or left <= middle <= right
        ):
            return number
    return None


def table_rows(rows: Sequence[Sequence[Cell]]) -> list[list[str]] | None:
    """The rows as a table's cells, when they clearly are one (see the module
    docstring); None when they are not."""
    if len(rows) < MIN_ROWS:
        return None
    width = max(len(row) for row in rows)
    full = [row for row in rows if len(row) == width]
    columns = [
        (min(row[n].left for row in full), max(row[n].right for row in full)) for n in range(width)
    ]
    if any(a[1] >= b[0] for a, b in zip(columns, columns[1:], strict=False)):
        return None  # columns that overlap are no columns
    grid: list[list[Cell | None]] = []
    for row in rows:
        cells: list[Cell | None] = [None] * width
        for cell in row:
            number = _column(cell, columns)
            if number is None or cells[number]:
                return None
            cells[number] = cell
        grid.append(cells)
    table = [[cell.text if cell else "" for cell in row] for row in grid]
    words = [len(cell.split()) for row in table for cell in row if cell]
    if mean(words) > MAX_CELL_WORDS or _set_as_prose(grid, columns):
        return None  # prose in columns
    if width == 2 and all(_LIST_MARK.match(row[0]) for row in table):
        return None  # a list whose marks stand apart from its items
    return table


def _set_as_prose(grid: list[list[Cell | None]], columns: list[tuple[float, float]]) -> bool:
    """Whether the columns are set as a page's columns of prose are: each holding
    lines wrapped at its width (`wrapped_prose`). Columns of one width (within
    `SAME_WIDTH`) need no more; columns of different widths (a sidebar beside
    the main text) must also read as running text, where a table's are records."""
    widths = [right - left for left, right in columns]
    same_width = min(widths) >= SAME_WIDTH * max(widths)
    return all(
        wrapped_prose([row[number] for row in grid], right, running=not same_width)
        for number, (_, right) in enumerate(columns)
    )


def wrapped_prose(cells: Sequence[Cell | None], right: float, *, running: bool = True) -> bool:
    """Whether a column's cells, one a line (None where a line has none), are
    lines of prose wrapped at the column's right edge `right`: cells of
    `MIN_PROSE_WORDS` words or more on average, most of them (`WRAPPED`) followed
    in the next line by a word that would not have fit after them; with
    `running`, also read as running text (`_running_text`)."""
    present = [cell for cell in cells if cell]
    if not present or mean(len(cell.text.split()) for cell in present) < MIN_PROSE_WORDS:
        return False
    pairs = [(cell, below) for cell, below in zip(cells, cells[1:], strict=False) if cell and below]
    wrapped = sum(_wraps(cell, below.text.split()[0], right) for cell, below in pairs)
    if not pairs or wrapped < WRAPPED * len(pairs):
        return False
    return not running or _running_text(present, pairs)


def _running_text(cells: list[Cell], pairs: list[tuple[Cell, Cell]]) -> bool:
    """Whether a column's lines read as running text: most (`WRAPPED`) of them
    going on with the sentence above (starting in lower case) or starting one
    after a sentence's end, and at most `FIGURES` of its cells holding a figure."""
    running = sum(
        below.text[:1].islower() or _SENTENCE_END.search(cell.text) is not None
        for cell, below in pairs
    )
    figures = sum(any(ch.isdigit() for ch in cell.text) for cell in cells)
    return running >= WRAPPED * len(pairs) and figures <= FIGURES * len(cells)


def _wraps(cell: Cell, word: str, right: float) -> bool:
    """Whether `word`, after a space, would reach past `right` set after `cell`
    (in the cell's average width of a character)."""
    per_character = (cell.right - cell.left) / max(len(cell.text), 1)
    return cell.right + per_character * (len(word) + 1) > right
