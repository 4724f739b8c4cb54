"""PDF layout that is not text of the article (running heads and feet, a printed
table of contents) is dropped; headings that open each page are not."""

from __future__ import annotations

import random
import re

from kb.extract import BlockKind, Limits, document_html, extract, pdf
from tests.documents import (
    Outline,
    write_columns_pdf,
    write_ledger_pdf,
    write_one_object_table_pdf,
    write_pdf,
    write_ruled_table_pdf,
)
from tests.support import within

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


def test_a_long_line_of_dots_is_read_in_linear_time() -> None:
    """Each line of a PDF is asked whether it is a table of contents entry: the
    dot leader's expression took every dot of the line again from each dot, so
    a content owner's line of 16,000 dots took 5 s to index, growing as the
    square of the line. Checked by what comes back from 400,000 characters,
    which took it many minutes (speed is for `benchmarks/`, not a clock)."""
    for line in ("." * 400_000, ". " * 200_000, "." * 200_000 + " " * 200_000 + "x"):
        assert within(60, lambda line=line: pdf._CONTENTS_ENTRY.search(line)) is None
    assert within(60, lambda: pdf._CONTENTS_ENTRY.search("Claims" + ". " * 200_000 + "14"))


def test_a_contents_entry_is_told_as_the_earlier_expression_told_it() -> None:
    earlier = re.compile(r"(?:\.\s?){4,}\s*\d{1,4}$")
    rng = random.Random(558)
    pieces = [*". \t\n1a٣", "....", "12345", " 14"]
    for _ in range(20_000):
        line = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 14)))
        assert bool(pdf._CONTENTS_ENTRY.search(line)) == bool(earlier.search(line)), repr(line)


def test_a_tables_rows_repeated_on_each_page_are_kept() -> None:
    """A table's header row printed again atop each page and its total at each
    page's foot repeat on most pages, at their edges, and were dropped as a
    running head and foot: the table lost its column names and its totals."""
    text = extract(write_ledger_pdf(), "finance/budget.pdf", Limits()).text
    assert text.count("| Cost centre | Owner | Budget (EUR) |") == 4
    assert text.count("Total of this page") == 4
    assert "| Total of this page |  | 285,000.00 |" in text
    assert "| CC-1032 Workshop | Team 32 | 40,000.00 |" in text
    assert "Nordlicht Werke GmbH" not in text and "Page 2 of 4" not in text


def test_a_running_foot_in_the_tables_columns_still_goes() -> None:
    """A foot laid out in the table's columns is still a running foot: it sits in
    the margin, apart from the rows, not next to them."""
    pdf = write_ledger_pdf(footer="Nordlicht Werke GmbH | Confidential | Finance")
    text = extract(pdf, "finance/budget.pdf", Limits()).text
    assert "Confidential" not in text
    assert text.count("Total of this page") == 4


LIMITS = [
    ["City", "Limit per night", "Breakfast"],
    ["Hamburg", "120 EUR", "included"],
    ["London", "180 GBP", "extra"],
    ["Paris", "150 EUR", "included"],
]


def test_a_ruled_table_is_a_table() -> None:
    """A table was read as lines of text ("Hamburg 120 EUR included"): on the
    article page one run-on paragraph, in passages no columns."""
    intro = "Hotel costs are reimbursed up to the city limit per night."
    document = extract(write_ruled_table_pdf(LIMITS, intro=intro), "finance/hotels.pdf", Limits())
    [section] = document.sections
    paragraph, table = section.blocks
    assert (paragraph.kind, paragraph.text) == (BlockKind.PARAGRAPH, intro)
    assert table.kind is BlockKind.TABLE and table.page == 1
    assert table.rows == tuple(tuple(row) for row in LIMITS)
    assert "<table><tbody><tr><td>City</td><td>Limit per night</td>" in document_html(document)
    assert section.text.splitlines()[1:4] == [
        "| City | Limit per night | Breakfast |",
        "| --- | --- | --- |",
        "| Hamburg | 120 EUR | included |",
    ]


def test_a_column_aligned_table_keeps_its_columns_and_empty_cells() -> None:
    """No rules, figures right-aligned: the page's total leaves the middle column empty."""
    document = extract(write_ledger_pdf(pages=1, rows=3), "finance/budget.pdf", Limits())
    [table] = [b for s in document.sections for b in s.blocks if b.kind is BlockKind.TABLE]
    assert table.rows == (
        ("Cost centre", "Owner", "Budget (EUR)"),
        ("CC-1001 Workshop", "Team 1", "1,250.00"),
        ("CC-1002 Workshop", "Team 2", "2,500.00"),
        ("CC-1003 Workshop", "Team 3", "3,750.00"),
        ("Total of this page", "", "7,500.00"),
    )


def test_two_columns_of_prose_stay_text() -> None:
    """Lines of two columns side by side lie apart and in columns, as a table's
    rows do; but they are lines of many words, not cells."""
    text = (
        "Our canteen now serves a vegetarian dish every day of the week, and the salad "
        "bar is open from eleven until two. Feedback goes to the facilities team. "
    ) * 3
    document = extract(write_columns_pdf(text, text), "facilities/news.pdf", Limits())
    kinds = {b.kind for s in document.sections for b in s.blocks}
    assert kinds == {BlockKind.PARAGRAPH}
    assert "<table>" not in document_html(document) and "| --- |" not in document.text


def test_a_list_with_its_numbers_apart_stays_a_list_of_lines() -> None:
    """reportlab draws a numbered list's numbers apart from the items, in a column
    of their own: a first column of "1", "2", "3" is a list, not a table."""
    outline = Outline(title="Claims", sections=[(1, "Steps", [("olist", ["Open", "Add", "Send"])])])
    document = _read(outline)
    assert BlockKind.TABLE not in {b.kind for s in document.sections for b in s.blocks}


LEFT = (
    "The canteen now serves a vegetarian dish every day of the week. The salad bar "
    "is open from eleven until two, and the coffee machine on the second floor is new."
)
RIGHT = (
    "Parking spaces in the yard are given out again in January. Ask the facilities "
    "team for a space; cyclists find a locked shed behind the main entrance."
)


def _paragraph_texts(document):  # type: ignore[no-untyped-def]
    return [b.text for s in document.sections for b in s.blocks if b.kind is BlockKind.PARAGRAPH]


def test_two_columns_are_read_left_then_right() -> None:
    """Each printed row came as one line holding a line of each column, so the
    columns' sentences were read interleaved: "The canteen ... Parking spaces ...".
    The left column ends its paragraph, so the right column's starts another."""
    document = extract(write_columns_pdf(LEFT, RIGHT), "facilities/news.pdf", Limits())
    assert _paragraph_texts(document) == [LEFT, RIGHT]


def test_a_heading_and_a_paragraph_across_the_page_stay_above_the_columns() -> None:
    intro = (
        "This issue brings news from the facilities team about the canteen, the "
        "parking spaces in the yard and the bicycles that staff bring to work."
    )
    pdf = write_columns_pdf(LEFT, RIGHT, heading="Facilities news", intro=intro)
    document = extract(pdf, "facilities/news.pdf", Limits())
    [section] = document.sections
    assert section.headings[-1] == "Facilities news"
    assert _paragraph_texts(document) == [intro, LEFT, RIGHT]


def test_a_table_below_two_columns_is_still_a_table() -> None:
    pdf = write_columns_pdf(LEFT, RIGHT, table=LIMITS)
    document = extract(pdf, "facilities/news.pdf", Limits())
    [table] = [b for s in document.sections for b in s.blocks if b.kind is BlockKind.TABLE]
    assert table.rows == tuple(tuple(row) for row in LIMITS)
    assert _paragraph_texts(document) == [LEFT, RIGHT]


def test_a_page_of_one_column_is_read_as_it_was() -> None:
    """Short last lines of paragraphs and a list leave the middle of the page
    empty on some lines; with no second column beside them, nothing moves."""
    paragraphs = [LEFT * 2, "Short line.", RIGHT * 2]
    outline = Outline(
        title="News", sections=[(1, "Facilities", [*paragraphs, ("list", ["Canteen", "Yard"])])]
    )
    document = _read(outline)
    assert _paragraph_texts(document) == paragraphs
    assert "- Canteen\n- Yard" in document.text


def test_a_table_whose_rows_are_each_one_text_object_is_a_table() -> None:
    """Each row drawn as one text object, its cells placed apart by the
    characters' positions, was one cell, so the rows were read as lines of text."""
    document = extract(write_one_object_table_pdf(LIMITS), "finance/hotels.pdf", Limits())
    [table] = [b for s in document.sections for b in s.blocks if b.kind is BlockKind.TABLE]
    assert table.rows == tuple(tuple(row) for row in LIMITS)
