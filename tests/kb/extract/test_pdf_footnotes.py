"""Footnotes at the foot of a PDF page are given after the paragraph they
interrupt, so a paragraph that runs on from one page onto the next is read
whole; small print that is not a footnote stays where it is."""

from __future__ import annotations

from kb.extract.pdf_footnotes import footnotes
from kb.extract.pdf_tables import Cell
from tests.kb.extract.test_pdf_page_breaks import END, INTRO, LAST, START, _paragraphs
from tests.kb.extract.test_pdf_paragraphs import Line

NOTE = "1 The voucher is valid at every pharmacy of the chain in Greater London."
LONG_NOTE = (
    "* Working time is recorded as usual; employees on flexitime book the ten minutes "
    "as a doctor's appointment in the time recording system, and employees on shifts "
    "agree the time with their team lead."
)


def test_a_footnote_between_the_parts_of_a_paragraph_comes_after_it() -> None:
    """The footnote at the foot of the first page stood between the two halves
    of the sentence, which stayed two paragraphs."""
    pages = [INTRO, START, ("footnotes", [NOTE])], [END, LAST], [LAST]
    assert _paragraphs(*pages) == [INTRO, f"{START} {END}", NOTE, LAST, LAST]


def test_footnotes_written_before_the_page_text_and_wrapped_are_read_so_too() -> None:
    """The file writes the notes before the page's text; a note wraps over
    lines, each note is a paragraph of its own."""
    pages = [("footnotes", [NOTE, LONG_NOTE]), INTRO, START], [END, LAST], [LAST]
    assert _paragraphs(*pages) == [INTRO, f"{START} {END}", NOTE, LONG_NOTE, LAST, LAST]


def test_a_footnote_after_a_paragraph_that_ends_with_its_page_stays_after_it() -> None:
    ended = f"{START} pharmacy."
    pages = [INTRO, ended, ("footnotes", [NOTE])], [LAST], [LAST]
    assert _paragraphs(*pages) == [INTRO, ended, NOTE, LAST, LAST]


def test_small_print_without_a_mark_or_above_the_text_is_not_a_footnote() -> None:
    """Small print at the foot without a note's mark, and a numbered line in
    small print above the page's last paragraph, stay where they are."""
    printed = "Printed on recycled paper."
    ended = f"{START} pharmacy."
    pages = [INTRO, ended, ("footnotes", [printed])], [END, LAST], [LAST]
    assert _paragraphs(*pages) == [INTRO, ended, printed, END, LAST, LAST]
    caption = "2 vaccination rooms, one in each office"
    pages = [INTRO, ("small", caption), START], [END, LAST], [LAST]
    assert _paragraphs(*pages) == [INTRO, caption, f"{START} {END}", LAST, LAST]


def test_a_footnote_ends_at_a_wide_gap_below_it() -> None:
    """A line far below the notes (a footer) is not part of them."""
    page = [
        Line(START, 700),
        Line(NOTE, 60, 8.0),
        Line("the chain in Greater London.", 50, 8.0),
        Line("Nordlicht Werke", 20, 8.0),
    ]
    assert footnotes(page, 10.0) == [1, 2]
    assert footnotes([page[0], page[3]], 10.0) == []


def test_a_table_in_small_print_at_the_foot_is_not_a_footnote() -> None:
    """Numbered rows of cells at the foot are a table's, left to the table reader;
    a mark set apart before a note's text is still a note."""
    row = (Cell(56, 60, "1"), Cell(120, 160, "Hamburg"), Cell(220, 270, "Tue 9-12"))
    table = [Line(START, 700), Line("1 Hamburg Tue 9-12", 60, 8.0, cells=row)]
    assert footnotes(table, 10.0) == []
    apart = (Cell(56, 60, "1"), Cell(72, 300, NOTE[2:]))
    assert footnotes([Line(START, 700), Line(NOTE, 60, 8.0, cells=apart)], 10.0) == [1]
