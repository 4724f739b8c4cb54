"""A document's table keeps the header row its source marks (Word's "repeat as
header row", ODT's header rows, HTML's `th` or `thead`, a PDF's first row set
in bold or a larger font): the page shows it as header cells that say they head
their column, which screen readers announce with each cell below. Tables showed
every row as plain cells."""

from __future__ import annotations

import io
import re

import pytest

from kb.content.sanitize import sanitize_article_html
from kb.extract import Block, BlockKind, Limits, document_html, extract
from kb.extract.structure import OutlineBuilder

ROWS = [["City", "Limit", "Note"], ["Berlin", "120 EUR", "city tax"], ["Rome", "110 EUR", "none"]]
HEAD = '<thead><tr><th scope="col">City</th><th scope="col">Limit</th><th scope="col">Note</th>'


def _html(data: bytes, name: str) -> str:
    return document_html(extract(data, name, Limits()))


def _docx(header: str | None) -> bytes:
    """A Word table whose first row carries `w:tblHeader` with this value (None: none)."""
    import docx
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    document = docx.Document()
    document.add_paragraph("Hotel limits per night.")
    table = document.add_table(rows=len(ROWS), cols=3)
    for r, row in enumerate(ROWS):
        for c, text in enumerate(row):
            table.cell(r, c).text = text
    if header is not None:
        flag = OxmlElement("w:tblHeader")
        if header:
            flag.set(qn("w:val"), header)
        table.rows[0]._tr.get_or_add_trPr().append(flag)
    buf = io.BytesIO()
    document.save(buf)
    return buf.getvalue()


@pytest.mark.parametrize(
    ("header", "marked"), [("", True), ("1", True), ("0", False), (None, False)]
)
def test_a_word_table_s_repeated_header_row_is_its_header(header: str | None, marked: bool) -> None:
    html = _html(_docx(header), "finance/hotels.docx")
    assert (HEAD in html) is marked
    assert "<td>Berlin</td>" in html and ("<td>City</td>" in html) is not marked


def _odt(header: bool) -> bytes:
    from odfdo import Document, Element, Table

    document = Document("text")
    table = Table("Hotels", width=3, height=len(ROWS))
    for r, row in enumerate(ROWS):
        for c, text in enumerate(row):
            table.set_value((c, r), text)
    if header:
        first = table.get_elements("table:table-row")[0]
        table.delete(first)
        rows = Element.from_tag("table:table-header-rows")
        rows.append(first)
        table.insert(rows, position=table.index(table.get_elements("table:table-row")[0]))
    document.body.append(table)
    buf = io.BytesIO()
    document.save(buf)
    return buf.getvalue()


@pytest.mark.parametrize("header", [True, False])
def test_an_odt_table_s_header_rows_are_its_header(header: bool) -> None:
    html = _html(_odt(header), "ops/hotels.odt")
    assert (HEAD in html) is header and "<td>Rome</td>" in html


HTML_TABLES = [
    # (the table's markup, whether its first row is a header)
    ("<thead><tr><td>City</td><td>Limit</td><td>Note</td></tr></thead><tbody>{body}</tbody>", True),
    ("<tr><th>City</th><th>Limit</th><th>Note</th></tr>{body}", True),
    ("<tbody><tr><th>City</th><th>Limit</th><th>Note</th></tr>{body}</tbody>", True),
    ("<tr><td>City</td><td>Limit</td><td>Note</td></tr>{body}", False),
    # a header cell opening each row heads its row, not a column
    ("<tr><th>City</th><td>Limit</td><td>Note</td></tr>{body}", False),
]


@pytest.mark.parametrize(("table", "header"), HTML_TABLES)
def test_an_html_table_s_header_cells_stay_header_cells(table: str, header: bool) -> None:
    body = "".join(
        "<tr>" + "".join(f"<td>{cell}</td>" for cell in row) + "</tr>" for row in ROWS[1:]
    )
    page = f"<html><body><main><p>Limits.</p><table>{table.format(body=body)}</table></main></body></html>"
    html = _html(page.encode(), "it/hotels.html")
    assert (HEAD in html) is header and "<td>Berlin</td>" in html


def _pdf(header_style: list[tuple[object, ...]]) -> bytes:
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Table, TableStyle

    buf = io.BytesIO()
    table = Table(ROWS)
    table.setStyle(TableStyle([*header_style, ("GRID", (0, 0), (-1, -1), 0.5, colors.black)]))
    story = [Paragraph("Hotel limits", getSampleStyleSheet()["Heading1"]), table]
    SimpleDocTemplate(buf, pagesize=A4).build(story)
    return buf.getvalue()


PDF_HEADERS = [
    ([("FONTNAME", (0, 0), (-1, 0), "Helvetica-Bold")], True),
    ([("FONTSIZE", (0, 0), (-1, 0), 13)], True),
    ([], False),
    # every row in bold: nothing sets the first apart
    ([("FONTNAME", (0, 0), (-1, -1), "Helvetica-Bold")], False),
    # the first column in bold (row headings): no row is the header
    ([("FONTNAME", (0, 0), (0, -1), "Helvetica-Bold")], False),
]


@pytest.mark.parametrize(("style", "header"), PDF_HEADERS)
def test_a_pdf_table_s_first_row_set_apart_is_its_header(
    style: list[tuple[object, ...]], header: bool
) -> None:
    html = _html(_pdf(style), "finance/hotels.pdf")
    assert "<table>" in html and "<td>Berlin</td>" in html
    assert (HEAD in html) is header


def test_the_header_survives_the_page_s_sanitiser_and_the_cache() -> None:
    document = extract(_docx(""), "finance/hotels.docx", Limits())
    again = type(document).from_dict(document.to_dict())
    assert again == document
    shown = sanitize_article_html(document_html(again), "finance/hotels.docx")
    assert re.search(r'<th scope="col">City</th>', shown)
    # the passages keep the Markdown table, its first row the header, as before
    assert "| City | Limit | Note |\n| --- | --- | --- |" in document.text


def test_the_builder_counts_the_header_among_the_rows_it_keeps() -> None:
    builder = OutlineBuilder(10_000)
    builder.table([["", ""], ["City", "Limit"], ["Rome", "110"]], header_rows=2)
    builder.table([["City", "Limit"], ["Rome", "110"]], header_rows=2)  # all header: none
    first, second = (b for s in builder.sections() for b in s.blocks)
    assert first.rows == (("City", "Limit"), ("Rome", "110")) and first.header_rows == 1
    assert second.header_rows == 0
    with pytest.raises(ValueError, match="header rows"):
        Block(BlockKind.TABLE, rows=(("a",),), header_rows=2)
