"""Columns of prose of different widths (a sidebar beside the main text) are
read a column at a time; a table whose columns differ in width stays a table."""

from __future__ import annotations

import pytest

from kb.extract import BlockKind, Limits, extract
from tests.pdf_layouts import Band, write_bands_pdf, write_table_pdf

SIDEBAR = (
    "Opening hours of the canteen change in December, when the kitchen is renovated "
    "and only cold dishes are served, so bring your own lunch if you can."
)
MAIN = (
    "Parking spaces in the yard are given out again in January. Ask the facilities team "
    "for a space in good time; cyclists find a locked shed behind the entrance, with room "
    "for forty bicycles and a pump. The shed is open from six in the morning until ten at "
    "night, and the key card that opens the main door opens the shed too."
)
SHOWERS = (
    "Cyclists find showers and lockers in the basement, next to the fitness room, "
    "and towels at the reception desk."
)


def _blocks(pdf: bytes) -> list[tuple[BlockKind, str]]:
    document = extract(pdf, "facilities/news.pdf", Limits())
    return [(b.kind, b.text) for s in document.sections for b in s.blocks]


@pytest.mark.parametrize(
    ("width", "shares"),
    [(300.0, (1.0, 2.0)), (360.0, (1.0, 2.0)), (484.0, (1.0, 3.0)), (484.0, (2.0, 1.0))],
)
def test_a_sidebar_beside_the_main_text_is_read_a_column_at_a_time(
    width: float, shares: tuple[float, float]
) -> None:
    """A narrow sidebar of three or four words a line beside a main column twice
    or three times as wide: their lines were read across, or, short and of
    different widths, as the rows of a table."""
    columns = (SIDEBAR, MAIN) if shares[0] < shares[1] else (MAIN, SIDEBAR)
    pdf = write_bands_pdf(Band(columns, shares), width=width)
    assert _blocks(pdf) == [(BlockKind.PARAGRAPH, text) for text in columns]


@pytest.mark.parametrize("shares", [(1.0, 2.0, 1.0), (1.0, 1.0, 2.0)])
def test_three_columns_of_different_widths_are_read_one_after_the_other(
    shares: tuple[float, float, float],
) -> None:
    columns = (SIDEBAR, MAIN, SHOWERS) if shares[1] == 2.0 else (SIDEBAR, SHOWERS, MAIN)
    pdf = write_bands_pdf(Band(columns, shares))
    assert _blocks(pdf) == [(BlockKind.PARAGRAPH, text) for text in columns]


def _table(pdf: bytes) -> tuple[tuple[str, ...], ...]:
    [table] = [
        b
        for s in extract(pdf, "it/devices.pdf", Limits()).sections
        for b in s.blocks
        if b.kind is BlockKind.TABLE
    ]
    return table.rows


def test_a_table_with_a_wide_column_of_text_stays_a_table() -> None:
    """A narrow code, a wide description of eight to ten words and a price: columns
    of different widths, but records with figures, not lines of running text."""
    rows = [
        ["Code", "Description", "Price"],
        ["NB-14", "Notebook with a fourteen inch screen and a docking station", "1,240 EUR"],
        ["NB-16", "Notebook with a larger screen for design and video work", "1,890 EUR"],
        ["MON-27", "Second monitor for the desk, delivered with its own cable", "310 EUR"],
        ["HS-01", "Headset with a microphone for calls in open offices", "95 EUR"],
    ]
    pdf = write_table_pdf(rows, (56, 110, 450), intro="Devices you can order:")
    assert _table(pdf) == tuple(tuple(row) for row in rows)


def test_a_table_of_sentences_in_columns_of_different_widths_stays_a_table() -> None:
    """Each row a short label and a sentence of its own: the sentences start with
    capitals after a full stop, as running text does, but they are not wrapped
    at the column's width, and the labels are a word or two."""
    rows = [
        ["Topic", "What to do"],
        ["Leave", "Book your leave in the portal two weeks ahead."],
        ["Sick leave", "Call your manager before nine on the first day."],
        ["Travel", "Ask for approval before you book a flight."],
        ["Expenses", "Hand in every receipt within thirty days."],
    ]
    pdf = write_table_pdf(rows, (56, 200))
    assert _table(pdf) == tuple(tuple(row) for row in rows)
