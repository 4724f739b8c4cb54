"""The reading order of a page's lines when it is set in two columns."""

from __future__ import annotations

from dataclasses import dataclass

from kb.extract.pdf_columns import reading_order
from kb.extract.pdf_tables import Cell

WORDS = "staff may book rail travel in second class"  # seven words, about 200 points


@dataclass
class Line:
    cells: tuple[Cell, ...]
    top: float
    size: float = 10.0


def _line(top: float, *columns: str) -> Line:
    """A line with text `columns[0]` at x 56 and `columns[1]` at x 310 ("" for none)."""
    cells = [
        Cell(x, x + 200, text, 10.0) for x, text in zip((56, 310), columns, strict=False) if text
    ]
    return Line(tuple(cells), top)


def _texts(lines: list[Line]) -> list[str]:
    return [" ".join(c.text for c in part.cells) for part in reading_order(lines)]


def test_lines_of_one_column_each_are_read_a_column_at_a_time() -> None:
    """Columns whose baselines do not meet come as lines of one side each, in turn."""
    lines = [
        _line(780 - 6 * n, *((f"L{n} {WORDS}", "") if n % 2 == 0 else ("", f"R{n} {WORDS}")))
        for n in range(8)
    ]
    texts = _texts(lines)
    assert [t.split()[0] for t in texts] == ["L0", "L2", "L4", "L6", "R1", "R3", "R5", "R7"]


def test_a_wide_gap_parts_the_columns_as_a_full_width_line_does() -> None:
    """A figure across both columns: the columns above it are read before those below."""
    above = [_line(780 - 13 * n, f"a{n} {WORDS}", f"b{n} {WORDS}") for n in range(3)]
    below = [_line(500 - 13 * n, f"c{n} {WORDS}", f"d{n} {WORDS}") for n in range(3)]
    firsts = [t.split()[0] for t in _texts(above + below)]
    assert firsts == ["a0", "a1", "a2", "b0", "b1", "b2", "c0", "c1", "c2", "d0", "d1", "d2"]


def test_short_cells_on_both_sides_are_not_columns() -> None:
    """Two blocks of a few words side by side (addresses, a small form) keep their lines."""
    lines = [_line(780 - 13 * n, f"Street {n}", f"Hamburg {n}") for n in range(4)]
    lines[1].cells = (Cell(56, 90, "Ward", 10.0),)
    assert _texts(lines) == [
        "Street 0 Hamburg 0",
        "Ward",
        "Street 2 Hamburg 2",
        "Street 3 Hamburg 3",
    ]


def test_a_line_across_the_gap_stays_between_the_columns() -> None:
    lines = [_line(780 - 13 * n, f"a{n} {WORDS}", f"b{n} {WORDS}") for n in range(3)]
    lines.append(Line((Cell(56, 510, f"across {WORDS} {WORDS}", 10.0),), 741))
    lines += [_line(728 - 13 * n, f"c{n} {WORDS}", f"d{n} {WORDS}") for n in range(3)]
    firsts = [t.split()[0] for t in _texts(lines)]
    assert firsts == [
        "a0",
        "a1",
        "a2",
        "b0",
        "b1",
        "b2",
        "across",
        "c0",
        "c1",
        "c2",
        "d0",
        "d1",
        "d2",
    ]


def test_headings_in_the_margin_stay_beside_the_text_they_open() -> None:
    """Side heads: a heading of a few words in the left margin atop each block of
    text on the right. Read as a column, every heading came before all the text,
    each far from its own; they lie several lines apart, as a column's lines do not."""
    lines = []
    for block in range(4):
        top = 780 - 91 * block
        lines.append(_line(top, f"How to book rail {block}", f"t{block}0 {WORDS}"))
        lines += [_line(top - 13 * n, "", f"t{block}{n} {WORDS}") for n in range(1, 6)]
    texts = _texts(lines)
    assert texts == [" ".join(c.text for c in line.cells) for line in lines]
    assert texts[6].startswith("How to book rail 1 t10")
