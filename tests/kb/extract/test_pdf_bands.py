"""A page whose upper part is set in two columns and lower part in three (or
the other way round) is cut into horizontal bands, each read a column at a
time, band by band."""

from __future__ import annotations

import pytest

from kb.extract import BlockKind, Limits, extract
from tests.pdf_layouts import LEADING, Band, write_bands_pdf

CANTEEN = (
    "The canteen now serves a vegetarian dish every day of the week, and the salad bar "
    "is open from eleven until two, with soup on Mondays and fish on Fridays."
)
PARKING = (
    "Parking spaces in the yard are given out again in January. Ask the facilities team "
    "for a space in good time, and say whether you share a car with a colleague."
)
BICYCLES = "Cyclists find a locked shed behind the main entrance, with room for forty bicycles."
LIBRARY = "The library on the third floor lends books, films and games to every employee."
SHOWERS = "Showers and lockers are in the basement, next to the fitness room and the lifts."
ACROSS = (
    "What changes at the sites in the new year: the canteen, the yard, the bicycle shed, "
    "the library and the showers."
)
TWO, THREE = Band((CANTEEN, PARKING)), Band((BICYCLES, LIBRARY, SHOWERS))


def _paragraphs(pdf: bytes) -> list[str]:
    document = extract(pdf, "facilities/news.pdf", Limits())
    return [b.text for s in document.sections for b in s.blocks if b.kind is BlockKind.PARAGRAPH]


@pytest.mark.parametrize("gap", [3.5 * LEADING, 5 * LEADING])
def test_two_columns_above_three_are_read_band_by_band(gap: float) -> None:
    """No gap runs down the whole page: the halves were parted at none, and the
    upper half's two columns were read across, line by line."""
    pdf = write_bands_pdf(TWO, THREE, gap=gap)
    assert _paragraphs(pdf) == [CANTEEN, PARKING, BICYCLES, LIBRARY, SHOWERS]


def test_three_columns_above_two_are_read_band_by_band() -> None:
    pdf = write_bands_pdf(THREE, TWO, gap=4 * LEADING)
    assert _paragraphs(pdf) == [BICYCLES, LIBRARY, SHOWERS, CANTEEN, PARKING]


def test_a_line_across_the_page_parts_the_bands_without_a_gap() -> None:
    """A line across the page, a blank line above it, opens the lower band."""
    pdf = write_bands_pdf(TWO, Band(THREE.columns, title=ACROSS))
    text = " ".join(_paragraphs(pdf))
    order = [text.index(p) for p in (CANTEEN, PARKING, ACROSS, BICYCLES, LIBRARY, SHOWERS)]
    assert order == sorted(order)


def test_bands_of_two_columns_each_read_as_before() -> None:
    """Two bands of the same two columns, a wide gap between: read band by band,
    as a page of two columns parted by a figure was."""
    pdf = write_bands_pdf(TWO, Band((SHOWERS + " " + LIBRARY, BICYCLES + " " + SHOWERS)), gap=60)
    assert _paragraphs(pdf) == [
        CANTEEN,
        PARKING,
        f"{SHOWERS} {LIBRARY}",
        f"{BICYCLES} {SHOWERS}",
    ]


def test_a_rule_across_the_page_parts_the_bands_without_a_gap() -> None:
    """A line drawn across the page, a blank line apart from either band."""
    pdf = write_bands_pdf(TWO, THREE, rule=True)
    assert _paragraphs(pdf) == [CANTEEN, PARKING, BICYCLES, LIBRARY, SHOWERS]
