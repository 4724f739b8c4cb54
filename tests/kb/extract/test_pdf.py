"""PDF layout that is not text of the article (running heads and feet, a printed
table of contents) is dropped; headings that open each page are not."""

from __future__ import annotations

from kb.extract import Limits, extract
from tests.documents import Outline, write_pdf

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
