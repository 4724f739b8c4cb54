"""A paragraph that runs on from one page onto the next is one paragraph, the
running head, foot and page number between its parts left out; a paragraph,
heading, list or table that opens the next page is not glued on."""

from __future__ import annotations

import pytest

from kb.extract import BlockKind, Limits, extract
from tests.documents import Outline, write_pdf
from tests.pdf_layouts import write_pages_pdf

INTRO = "Every employee can take part in the health programme from the first day."
START = (
    "The company doctor offers free flu vaccinations every October and November in "
    "Hamburg and Munich, and employees in London receive a voucher for a high-street"
)
END = "pharmacy instead; the vaccination takes ten minutes and counts as working time."
LAST = "Nobody at Nordlicht learns who used the employee assistance programme."


def _blocks(pdf: bytes) -> list[tuple[BlockKind, str]]:
    document = extract(pdf, "hr/health.pdf", Limits())
    return [
        (b.kind, b.text or " | ".join(b.items) or " | ".join(" ".join(r) for r in b.rows))
        for s in document.sections
        for b in s.blocks
    ]


def _paragraphs(*pages: list[object]) -> list[str]:
    blocks = _blocks(write_pages_pdf(*pages))
    return [text for kind, text in blocks if kind is BlockKind.PARAGRAPH]


def test_a_sentence_that_runs_on_onto_the_next_page_is_one_paragraph() -> None:
    """The page's last line ends mid-sentence and the next page's first starts in
    lower case: the two parts were two paragraphs, the running head and the page
    number between them."""
    paragraphs = _paragraphs([INTRO, START], [END, LAST], [LAST])
    assert paragraphs == [INTRO, f"{START} {END}", LAST, LAST]
    text = " ".join(paragraphs)
    assert "Staff guide" not in text and "Page 1" not in text


def test_a_word_hyphenated_across_the_page_break_is_joined() -> None:
    start, end = "The vaccination is free for every employee and counts as work-", "ing time."
    assert _paragraphs([INTRO, start], [end, LAST], [LAST]) == [
        INTRO,
        "The vaccination is free for every employee and counts as working time.",
        LAST,
        LAST,
    ]


def test_a_paragraph_that_ends_with_its_page_or_opens_the_next_one_is_not_glued_on() -> None:
    """A full stop at the foot of the page, or a capital atop the next: two paragraphs."""
    ended = f"{START} pharmacy."
    assert _paragraphs([INTRO, ended], [END], [LAST]) == [INTRO, ended, END, LAST]
    assert _paragraphs([INTRO, START], [LAST], [LAST]) == [INTRO, START, LAST, LAST]


def test_a_heading_list_or_table_atop_the_next_page_is_not_glued_on() -> None:
    heading = _blocks(write_pages_pdf([INTRO, START], [("heading", "Gym subsidy"), END], [LAST]))
    assert heading[:3] == [
        (BlockKind.PARAGRAPH, INTRO),
        (BlockKind.PARAGRAPH, START),
        (BlockKind.PARAGRAPH, END),
    ]
    items = ["sign up in the benefits portal", "upload the monthly invoice"]
    listed = _blocks(write_pages_pdf([INTRO, START], [("list", items), LAST], [LAST]))
    assert listed[1:3] == [(BlockKind.PARAGRAPH, START), (BlockKind.LIST, " | ".join(items))]
    rows = [["Location", "Doctor", "Hours"], ["Hamburg", "Dr. Meyer", "Tue 9-12"]]
    rows.append(["Munich", "Dr. Aydin", "Wed 13-16"])
    tabled = _blocks(write_pages_pdf([INTRO, START], [("table", rows), LAST], [LAST]))
    assert tabled[1:3] == [
        (BlockKind.PARAGRAPH, START),
        (BlockKind.TABLE, " | ".join(" ".join(row) for row in rows)),
    ]


def test_a_list_item_that_runs_on_onto_the_next_page_stays_one_item() -> None:
    items = ["sign up in the benefits portal under health and", "sports subsidy", "send it"]
    pdf = write_pages_pdf([INTRO, ("list", items[:1])], [items[1], LAST], [LAST])
    assert _blocks(pdf)[1] == (BlockKind.LIST, f"{items[0]} {items[1]}")


def test_a_paragraph_that_reportlab_flows_onto_the_next_page_is_one_paragraph() -> None:
    """A long paragraph laid out by reportlab's page template, which breaks it
    where the page is full, with the page number at each page's foot."""
    long = (
        "Employees aged thirty-five and over can have a preventive check-up every two years, "
        + "with a blood test, an electrocardiogram and a talk about the results, " * 8
        + "booked by e-mail to the practice."
    )
    filler = [f"{INTRO} {LAST}"] * 16  # the page is full four lines into `long`
    outline = Outline(title="Health programme", sections=[(1, "Check-ups", [*filler, long])])
    document = extract(write_pdf(outline), "hr/health.pdf", Limits())
    [block] = [b for s in document.sections for b in s.blocks if b.text.startswith("Employees")]
    assert block.text == long
    assert block.page == 1 and document.pages == 2


# A line as full as the page's width allows: the next word did not fit on it.
FULL = (
    "When you book a slot on the intranet page of the company doctor, the confirmation "
    "comes by e-mail and"
)


@pytest.mark.parametrize(
    "rest",
    [
        "HR keeps no copy of it, so nobody else learns about the appointment.",
        "I send the invitations out the evening before.",
        "Nordlicht pays for the taxi to the practice and back.",
    ],
)
def test_a_sentence_that_runs_on_with_a_capital_after_a_full_line_is_one_paragraph(
    rest: str,
) -> None:
    """An acronym, "I" or a name atop the next page, after a full line that ends
    without a closing mark: the page broke the sentence."""
    assert _paragraphs([INTRO, FULL], [rest, LAST], [LAST]) == [INTRO, f"{FULL} {rest}", LAST, LAST]


def test_a_capital_after_a_short_line_or_a_colon_opens_a_paragraph() -> None:
    """A last line that stops short of the page's width, or ends with a colon,
    ended its paragraph: the capital atop the next page starts another."""
    intro = f"{INTRO} {LAST}"  # a full line, then a short one
    short = "Book a slot on the intranet page of the company doctor"
    assert _paragraphs([intro, short], [LAST], [LAST]) == [intro, short, LAST, LAST]
    colon = f"{FULL[:-4]} says:"
    assert _paragraphs([INTRO, colon], [LAST], [LAST]) == [INTRO, colon, LAST, LAST]


def test_a_heading_or_list_item_after_a_full_line_is_not_glued_on() -> None:
    heading = _blocks(write_pages_pdf([INTRO, FULL], [("heading", "Gym subsidy"), LAST], [LAST]))
    assert heading[1:3] == [(BlockKind.PARAGRAPH, FULL), (BlockKind.PARAGRAPH, LAST)]
    items = ["Sign up in the benefits portal", "Upload the monthly invoice"]
    listed = _blocks(write_pages_pdf([INTRO, FULL], [("list", items), LAST], [LAST]))
    assert listed[1:3] == [(BlockKind.PARAGRAPH, FULL), (BlockKind.LIST, " | ".join(items))]
