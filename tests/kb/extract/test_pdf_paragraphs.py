"""Where a paragraph of a PDF ends when its page is set in columns: at the
foot of a column, unless the sentence clearly runs on into the next."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from kb.extract import BlockKind, Limits, extract
from kb.extract.pdf_paragraphs import Structurer, runs_on
from kb.extract.pdf_tables import Cell
from kb.extract.structure import OutlineBuilder
from tests.documents import write_columns_pdf

CANTEEN = (
    "The canteen now serves a vegetarian dish every day of the week, with soup on "
    "Mondays and fish on Fridays, and the salad bar next to the windows is open"
)
HOURS = (
    "from eleven until two. The coffee machine on the second floor is new and takes "
    "cards; the old one in the hall goes back to its maker at the end of the month."
)
PARKING = (
    "Parking spaces in the yard are given out again in January. Ask the facilities "
    "team for a space in good time; cyclists find a locked shed behind the entrance."
)


def _paragraphs(pdf: bytes) -> list[str]:
    document = extract(pdf, "facilities/news.pdf", Limits())
    return [b.text for s in document.sections for b in s.blocks if b.kind is BlockKind.PARAGRAPH]


@pytest.mark.parametrize(
    ("before", "after", "expected"),
    [
        ("and the salad bar is open", "from eleven until two.", True),
        ("the salad bar is open,", "(see the notice) from eleven", True),
        ("and the coffee machine is vegetar-", "ian dishes", True),
        ("and the coffee machine is new.", "from eleven until two", False),
        ('the notice says "closed on Mondays."', "and then", False),
        ("behind the main entrance", "Parking spaces", False),
        ("Is the canteen open?", "yes, from eleven", False),
        ("", "from eleven", False),
    ],
)
def test_text_runs_on_across_a_column_only_mid_sentence(
    before: str, after: str, expected: bool
) -> None:
    assert runs_on(before, after) is expected


def test_a_paragraph_that_ends_at_the_foot_of_the_left_column_ends_there() -> None:
    """The right column's first paragraph was glued to the left column's last."""
    first = "Opening hours change in December. The canteen closes at two."
    pdf = write_columns_pdf(
        f"{first}\n\n{CANTEEN} {HOURS}", f"{PARKING}\n\nBicycles go in the shed."
    )
    assert _paragraphs(pdf) == [first, f"{CANTEEN} {HOURS}", PARKING, "Bicycles go in the shed."]


def test_a_sentence_that_runs_on_into_the_right_column_stays_one_paragraph() -> None:
    assert _paragraphs(write_columns_pdf(CANTEEN, HOURS)) == [f"{CANTEEN} {HOURS}"]


def test_a_word_hyphenated_at_the_foot_of_a_column_is_joined() -> None:
    pdf = write_columns_pdf(
        f"{CANTEEN} from eleven until two. Every dish is vegetar-", f"ian on Fridays. {PARKING}"
    )
    assert _paragraphs(pdf) == [
        f"{CANTEEN} from eleven until two. Every dish is vegetarian on Fridays. {PARKING}"
    ]


def test_a_new_paragraph_atop_the_right_column_is_not_glued_on() -> None:
    """The left column ends without a full stop (a heading set in the body's font,
    a list's last line), and the right column starts with a capital: no run-on."""
    left = f"{CANTEEN} from eleven until two, with soup and salad and a vegetarian dish"
    assert _paragraphs(write_columns_pdf(left, PARKING)) == [left, PARKING]


def test_columns_written_one_after_the_other_end_their_paragraphs_too() -> None:
    """A file that lists the left column's lines before the right's: the right
    column's first line lies above the left's last, and a new paragraph starts."""
    left = f"{CANTEEN} {HOURS}"
    assert _paragraphs(write_columns_pdf(left, PARKING, in_rows=False)) == [left, PARKING]
    assert _paragraphs(write_columns_pdf(CANTEEN, HOURS, in_rows=False)) == [f"{CANTEEN} {HOURS}"]


@dataclass
class Line:
    text: str
    top: float
    size: float = 10.0
    page: int = 1
    column_start: bool = False
    right: float = 500.0
    cells: tuple[Cell, ...] = ()


def _structured(lines: list[Line]) -> list[str]:
    builder = OutlineBuilder(10_000)
    reader = Structurer({}, {}, builder)
    for line in lines:
        reader.add(line)
    reader.finish()
    return [block.text for section in builder.sections() for block in section.blocks]


def test_a_line_above_the_one_before_opens_a_column_without_a_mark() -> None:
    """Columns too narrow to be parted (`kb.extract.pdf_columns`) still come one
    after the other when the file lists them so: a line higher up the page than
    the one before starts a column, and a paragraph, unless the text runs on."""
    column = [Line("Opening hours change.", 700), Line("The canteen closes at two.", 687)]
    assert _structured([*column, Line("Parking spaces are free.", 700)]) == [
        "Opening hours change. The canteen closes at two.",
        "Parking spaces are free.",
    ]
    column[-1].text = "The canteen closes at"
    assert _structured([*column, Line("two on Fridays.", 700)]) == [
        "Opening hours change. The canteen closes at two on Fridays."
    ]


def test_a_marked_column_start_ends_a_paragraph_even_level_with_the_line_before() -> None:
    lines = [
        Line("The canteen closes at two.", 700),
        Line("Parking is free.", 700, column_start=True),
    ]
    assert _structured(lines) == ["The canteen closes at two.", "Parking is free."]


def _headings(lines: list[Line]) -> list[tuple[str, ...]]:
    builder = OutlineBuilder(10_000)
    reader = Structurer({}, {16.0: 1}, builder)
    for line in lines:
        reader.add(line)
    reader.finish()
    return [section.headings for section in builder.sections()]


def test_a_numbered_heading_below_a_title_of_its_size_is_a_heading_of_its_own() -> None:
    """A travel policy's title and its first heading, "1. Scope", set in one
    size: they were read as one heading, "Travel Policy 1. Scope"."""
    body = Line("This policy applies to every business trip.", 640)
    title, scope = Line("Travel Policy", 700, size=16), Line("1. Scope", 680, size=16)
    assert _headings([title, scope, body]) == [("Travel Policy",), ("1. Scope",)]
    wrapped = [
        Line("Travel and expense policy for", 700, size=16),
        Line("field staff", 680, size=16),
    ]
    assert _headings([*wrapped, body]) == [("Travel and expense policy for field staff",)]
    rates = Line("2.3 Per-diem rates", 680, size=16)
    assert _headings([title, rates, body]) == [("Travel Policy",), ("2.3 Per-diem rates",)]
