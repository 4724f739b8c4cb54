"""Every readable format, written by a real library, read back with its structure."""

from __future__ import annotations

from datetime import date

import pytest

from kb.extract import BlockKind, Limits, document_html, extract, sniff_format
from tests.documents import WRITERS, Outline, travel_outline, write_docx, write_pdf, write_txt

FORMATS = ["pdf", "docx", "odt", "html", "txt"]


def _read(fmt: str, outline: Outline | None = None):  # type: ignore[no-untyped-def]
    data = WRITERS[fmt](outline or travel_outline())
    return extract(data, f"finance/travel.{fmt}", Limits())


@pytest.mark.parametrize("fmt", FORMATS)
def test_headings_and_passages_survive(fmt: str) -> None:
    document = _read(fmt)
    assert document.format == fmt
    assert document.title == "Travel expenses policy"
    by_heading = {s.headings[-1]: s for s in document.sections if s.headings}
    assert {"Booking travel", "Hotel limits", "Claiming expenses"} <= set(by_heading)
    # "Hotel limits" is a sub-heading of "Booking travel" where the format has levels.
    if fmt != "txt":  # plain text has two underline styles, both used for the top level
        assert by_heading["Hotel limits"].headings[-2:] == ("Booking travel", "Hotel limits")
    assert "two weeks ahead" in by_heading["Booking travel"].text
    assert "within thirty days" in by_heading["Claiming expenses"].text
    assert "Hamburg" in by_heading["Hotel limits"].text


@pytest.mark.parametrize("fmt", ["docx", "odt", "html", "txt"])
def test_lists_and_tables_stay_structured(fmt: str) -> None:
    document = _read(fmt)
    blocks = [b for s in document.sections for b in s.blocks]
    lists = [b for b in blocks if b.kind is BlockKind.LIST]
    assert any(
        b.items == ("Use the corporate card for bookings", "Attach the booking confirmation")
        for b in lists
    )
    assert any(b.ordered and b.items[0] == "Open the expense form" for b in lists)
    tables = [b for b in blocks if b.kind is BlockKind.TABLE]
    assert tables and tables[0].rows[1] == ("Hamburg", "120 EUR")


def test_pdf_tables_stay_structured() -> None:
    document = _read("pdf")
    tables = [b for s in document.sections for b in s.blocks if b.kind is BlockKind.TABLE]
    assert [t.rows for t in tables] == [
        (("City", "Limit per night"), ("Hamburg", "120 EUR"), ("London", "180 GBP"))
    ]


def test_pdf_lists_and_pages() -> None:
    document = _read("pdf")
    assert document.pages == 1
    booking = next(s for s in document.sections if s.headings[-1:] == ("Booking travel",))
    assert booking.page == 1
    assert any(
        b.kind is BlockKind.LIST and "Attach the booking confirmation" in b.items
        for b in booking.blocks
    )
    # The running footer "Page 1" is not text of the document.
    assert "Page 1" not in document.text


@pytest.mark.parametrize("fmt", ["pdf", "docx", "odt", "html"])
def test_metadata_from_the_file(fmt: str) -> None:
    document = _read(fmt)
    assert document.author == "Finance Team"
    assert document.modified == date(2025, 3, 14)
    if fmt != "pdf":  # PDF files rarely declare a language
        assert document.language == "en"


def test_pdf_pages_are_cited_per_section() -> None:
    long_text = ("Receipts must show the date, the amount and the vendor. " * 40).strip()
    outline = Outline(
        title="Expense handbook",
        author="Finance",
        sections=[(1, f"Chapter {n}", [long_text]) for n in range(1, 6)],
    )
    document = extract(write_pdf(outline), "finance/handbook.pdf", Limits())
    pages = [s.page for s in document.sections if s.headings[-1:][0].startswith("Chapter")]
    assert pages[0] == 1 and pages[-1] > 1 and pages == sorted(pages)
    assert document.pages is not None and document.pages >= pages[-1]


def test_numbered_headings_give_section_numbers() -> None:
    outline = Outline(
        title="Reisekosten",
        lang="de",
        sections=[
            (1, "3 Reisen buchen", ["Bahnreisen werden über das Reiseportal gebucht."]),
            (2, "3.2 Hotelkosten", ["Hotelkosten werden bis zur Obergrenze erstattet."]),
        ],
    )
    for data, name in ((write_docx(outline), "x.docx"), (write_txt(outline), "x.txt")):
        document = extract(data, name, Limits())
        numbers = {s.headings[-1]: s.number for s in document.sections if s.headings}
        assert numbers["3.2 Hotelkosten"] == "3.2"


def test_html_reads_the_article_not_the_intranet_chrome() -> None:
    document = _read("html")
    assert "Intranet home" not in document.text
    assert "Impressum" not in document.text


def test_text_in_a_legacy_encoding_is_decoded() -> None:
    outline = Outline(
        title="Reisekostenrichtlinie",
        lang="de",
        sections=[
            (1, "Übernachtung", ["Die Übernachtungskosten für Größe und Lage werden erstattet."])
        ],
    )
    document = extract(write_txt(outline, encoding="cp1252"), "finance/reise.txt", Limits())
    assert "Übernachtungskosten für Größe" in document.text


def test_sniffing_tells_formats_by_their_bytes() -> None:
    outline = travel_outline()
    for fmt in FORMATS:
        assert sniff_format(WRITERS[fmt](outline)).name == fmt  # type: ignore[union-attr]
    assert sniff_format(b"\x89PNG\r\n\x1a\n\x00\x00") is None


def test_rendered_html_escapes_the_file_and_keeps_structure() -> None:
    outline = Outline(
        title="Hostile",
        sections=[
            (1, "<script>alert(1)</script>", ['<img src=x onerror="alert(2)">', ("list", ["a<b"])])
        ],
    )
    html = document_html(extract(WRITERS["docx"](outline), "x.docx", Limits()))
    assert "<script>" not in html and "<img" not in html
    assert "&lt;script&gt;" in html and "<ul><li>a&lt;b</li></ul>" in html


def test_documents_round_trip_through_json() -> None:
    from kb.extract import ExtractedDocument

    document = _read("pdf")
    assert ExtractedDocument.from_dict(document.to_dict()) == document
