"""The reading order of a page's lines when it is set in two or three columns."""

from __future__ import annotations

from dataclasses import dataclass

from kb.extract import BlockKind, Limits, extract
from kb.extract.pdf_columns import reading_order
from kb.extract.pdf_tables import Cell
from tests.documents import write_columns_pdf

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


def _line3(top: float, *columns: str) -> Line:
    """A line with text at x 56, 222 and 388, 140 points wide each ("" for none)."""
    cells = [
        Cell(x, x + 140, text, 10.0)
        for x, text in zip((56, 222, 388), columns, strict=False)
        if text
    ]
    return Line(tuple(cells), top)


SHORT = "staff book rail travel"  # four words, about 140 points


def test_three_columns_are_read_one_at_a_time_and_each_after_the_first_starts_a_column() -> None:
    lines = [
        _line3(780 - 13 * n, f"a{n} {SHORT}", f"b{n} {SHORT}", f"c{n} {SHORT}") for n in range(4)
    ]
    parts = reading_order(lines)
    assert [part.text.split()[0] for part in parts] == [
        *("a0", "a1", "a2", "a3"),
        *("b0", "b1", "b2", "b3"),
        *("c0", "c1", "c2", "c3"),
    ]
    assert [part.text.split()[0] for part in parts if part.column_start] == ["b0", "c0"]


def test_a_title_and_a_footer_across_three_columns_keep_their_places() -> None:
    lines = [Line((Cell(56, 528, f"title {WORDS} {WORDS}", 10.0),), 793)]
    lines += [
        _line3(780 - 13 * n, f"a{n} {SHORT}", f"b{n} {SHORT}", f"c{n} {SHORT}") for n in range(3)
    ]
    lines.append(Line((Cell(56, 500, f"footer {WORDS} {WORDS}", 10.0),), 728))
    firsts = [t.split()[0] for t in _texts(lines)]
    assert firsts == ["title", "a0", "a1", "a2", "b0", "b1", "b2", "c0", "c1", "c2", "footer"]


def test_a_heading_across_two_of_three_columns_opens_them_after_the_first() -> None:
    """The first column runs the page's height; a heading over the second and
    third opens the text below it: first column, heading, second, third."""
    lines = [
        _line3(780, f"a0 {SHORT}", ""),
        Line((Cell(56, 196, f"a1 {SHORT}", 10.0), Cell(222, 528, f"heading {WORDS}", 10.0)), 767),
    ]
    lines += [
        _line3(754 - 13 * n, f"a{n + 2} {SHORT}", f"b{n} {SHORT}", f"c{n} {SHORT}")
        for n in range(3)
    ]
    firsts = [t.split()[0] for t in _texts(lines)]
    assert firsts == ["a0", "a1", "a2", "a3", "a4", "heading", "b0", "b1", "b2", "c0", "c1", "c2"]


def test_the_rows_of_a_table_below_three_columns_are_never_split() -> None:
    """A table's rows cross the gaps between the columns above: never split."""
    lines = [
        _line3(780 - 13 * n, f"a{n} {SHORT}", f"b{n} {SHORT}", f"c{n} {SHORT}") for n in range(3)
    ]
    rows = [
        ("City", "Limit", "Breakfast"),
        ("Hamburg", "120 EUR", "included"),
        ("Paris", "150 EUR", "extra"),
    ]
    lines += [
        Line(
            tuple(
                Cell(x, x + 40, cell, 10.0) for x, cell in zip((200, 300, 420), row, strict=True)
            ),
            700 - 14 * n,
        )
        for n, row in enumerate(rows)
    ]
    texts = _texts(lines)
    assert texts[-3:] == [" ".join(row) for row in rows]
    assert [t.split()[0] for t in texts[:9]] == [f"{c}{n}" for c in "abc" for n in range(3)]


CANTEEN = (
    "The canteen now serves a vegetarian dish every day of the week, and the salad "
    "bar is open from eleven until two."
)
PARKING = (
    "Parking spaces in the yard are given out again in January. Ask the facilities "
    "team for a space in good time."
)
BICYCLES = (
    "Cyclists find a locked shed behind the main entrance, with room for forty bicycles and a pump."
)
INTRO = "This issue brings news from the facilities team about the canteen, the yard and bicycles."
FOOTER = "Facilities news is published by the facilities team for all staff of the company."


def _blocks(pdf: bytes) -> list[tuple[BlockKind, str]]:
    document = extract(pdf, "facilities/news.pdf", Limits())
    return [(b.kind, b.text) for s in document.sections for b in s.blocks]


def test_a_leaflet_of_three_columns_is_read_a_column_at_a_time() -> None:
    """Three columns of five or six words a line, under a title and an
    introduction across the page and above a footer: the lines of the three
    columns were read across, and, short as they are, as the rows of a table."""
    pdf = write_columns_pdf(
        CANTEEN, PARKING, BICYCLES, heading="Facilities news", intro=INTRO, footer=FOOTER
    )
    document = extract(pdf, "facilities/news.pdf", Limits())
    assert document.sections[0].headings[-1] == "Facilities news"
    paragraphs = [
        (BlockKind.PARAGRAPH, text) for text in (INTRO, CANTEEN, PARKING, BICYCLES, FOOTER)
    ]
    assert _blocks(pdf) == paragraphs


def test_a_sentence_runs_on_from_one_of_three_columns_into_the_next() -> None:
    start, end = CANTEEN.split(" from ")
    pdf = write_columns_pdf(f"{BICYCLES} {start}", f"from {end} {PARKING}", BICYCLES)
    assert [text for _, text in _blocks(pdf)] == [f"{BICYCLES} {CANTEEN} {PARKING}", BICYCLES]


def test_a_table_below_three_columns_is_still_a_table() -> None:
    rows = [["City", "Limit per night", "Breakfast"], ["Hamburg", "120 EUR", "included"]]
    rows += [["London", "180 GBP", "extra"], ["Paris", "150 EUR", "included"]]
    pdf = write_columns_pdf(CANTEEN, PARKING, BICYCLES, table=rows)
    document = extract(pdf, "facilities/news.pdf", Limits())
    [table] = [b for s in document.sections for b in s.blocks if b.kind is BlockKind.TABLE]
    assert table.rows == tuple(tuple(row) for row in rows)
    assert [text for kind, text in _blocks(pdf) if kind is BlockKind.PARAGRAPH] == [
        CANTEEN,
        PARKING,
        BICYCLES,
    ]


def test_a_table_of_a_few_words_a_cell_stays_a_table() -> None:
    """Cells of three words or more, but records, not prose wrapped at the
    column's width: the next row's first word would mostly have fit."""
    rows = [
        ["Hamburg city centre", "up to 120 EUR", "breakfast is included"],
        ["Berlin near the station", "up to 110 EUR", "breakfast costs extra"],
        ["Munich at the fair", "up to 150 EUR", "breakfast is included"],
        ["Cologne old town", "up to 100 EUR", "no breakfast served"],
    ]
    pdf = write_columns_pdf(CANTEEN, PARKING, table=rows)
    [table] = [
        b
        for s in extract(pdf, "x/hotels.pdf", Limits()).sections
        for b in s.blocks
        if b.kind is BlockKind.TABLE
    ]
    assert table.rows == tuple(tuple(row) for row in rows)


def test_a_footer_that_ends_inside_the_gap_does_not_hide_it() -> None:
    """The footer ends a few points short of the right column: fewer lines reach
    into that sliver of the gap than into the rest, but it is too narrow to be a
    band, and the columns were read across."""
    lines = [_line(780 - 13 * n, f"a{n} {WORDS}", f"b{n} {WORDS}") for n in range(3)]
    lines.append(Line((Cell(56, 306, f"footer {WORDS} {WORDS}", 10.0),), 741))
    firsts = [t.split()[0] for t in _texts(lines)]
    assert firsts == ["a0", "a1", "a2", "b0", "b1", "b2", "footer"]
