"""PDF layout that is not text of the article (running heads and feet, a printed
table of contents) is dropped; headings that open each page are not."""

from __future__ import annotations

from kb.extract import Limits, extract
from tests.documents import Outline, write_ledger_pdf, write_pdf

BODY = "Receipts must show the date, the amount and the vendor of each expense."
TOPICS = ["working hours", "annual leave", "business travel", "expense claims", "leaving"]


def _read(outline: Outline):  # type: ignore[no-untyped-def]
    return extract(write_pdf(outline, outline_bookmarks=False), "finance/guide.pdf", Limits())


def test_chapter_headings_that_open_each_page_are_kept() -> None:
    """Every chapter starts a page with "Chapter N Working here": the same words
    at the top of most pages, with another number, read as a running head and
    dropped, so the chapters lost their headings (and the file its outline)."""
    outline = Outline(
        title="Staff guide",
        sections=[
            (1, f"Chapter {n} Working here", [f"This chapter is about {topic}.", ("pagebreak",)])
            for n, topic in enumerate(TOPICS, start=1)
        ],
    )
    document = _read(outline)
    headings = [s.headings[-1] for s in document.sections if s.headings]
    assert [f"Chapter {n} Working here" for n in range(1, 6)] == [
        h for h in headings if h.startswith("Chapter")
    ]
    assert "This chapter is about leaving." in document.text
    assert "Page 2" not in document.text  # the running foot still goes


def test_table_of_contents_entries_are_left_out() -> None:
    outline = Outline(
        title="Staff guide",
        sections=[
            (1, "Contents", ["Booking travel . . . . . . . . . . . . . . 2", "Claims ........ 3"]),
            (1, "Booking travel", [BODY]),
        ],
    )
    document = _read(outline)
    assert "Booking travel . ." not in document.text and "Claims" not in document.text
    assert BODY in document.text


def test_a_tables_rows_repeated_on_each_page_are_kept() -> None:
    """A table's header row printed again atop each page and its total at each
    page's foot repeat on most pages, at their edges, and were dropped as a
    running head and foot: the table lost its column names and its totals."""
    text = extract(write_ledger_pdf(), "finance/budget.pdf", Limits()).text
    assert text.count("Cost centre Owner Budget (EUR)") == 4
    assert text.count("Total of this page") == 4
    assert "Total of this page 285,000.00" in text and "CC-1032 Workshop Team 32" in text
    assert "Nordlicht Werke GmbH" not in text and "Page 2 of 4" not in text


def test_a_running_foot_in_the_tables_columns_still_goes() -> None:
    """A foot laid out in the table's columns is still a running foot: it sits in
    the margin, apart from the rows, not next to them."""
    pdf = write_ledger_pdf(footer="Nordlicht Werke GmbH | Confidential | Finance")
    text = extract(pdf, "finance/budget.pdf", Limits()).text
    assert "Confidential" not in text
    assert text.count("Total of this page") == 4
