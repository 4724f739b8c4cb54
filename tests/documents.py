"""Writing real documents of every readable format from one small outline.

Tests, the sample-content script and the indexing benchmark make their PDF,
DOCX, ODT, HTML and text files here, with the writing side of well-kept
libraries (reportlab, python-docx, odfdo), so what the extractors read is
what those programs really produce.

An outline is a list of `(level, heading, blocks)`; a block is a paragraph
string, `("list", [items])`, `("olist", [items])`, `("table", [[cells]])` or `("pagebreak",)` (PDF only).
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from datetime import datetime
from html import escape
from typing import Any

Block = Any


@dataclass
class Outline:
    title: str
    sections: list[tuple[int, str, list[Block]]]
    author: str = ""
    lang: str = "en"
    modified: datetime | None = None
    numbered: bool = False  # headings carry numbers like "2.1"
    extra: dict[str, Any] = field(default_factory=dict)

    def heading_text(self, index: int) -> str:
        return self.sections[index][1]


def write_pdf(outline: Outline, *, encrypt: str = "", outline_bookmarks: bool = True) -> bytes:
    from reportlab.lib import pdfencrypt
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.platypus import (
        ListFlowable,
        ListItem,
        PageBreak,
        Paragraph,
        SimpleDocTemplate,
        Spacer,
        Table,
    )

    styles = getSampleStyleSheet()
    buf = io.BytesIO()
    doc = SimpleDocTemplate(
        buf,
        pagesize=A4,
        title=outline.title,
        author=outline.author,
        encrypt=pdfencrypt.StandardEncryption(encrypt) if encrypt else None,
    )
    story: list[Any] = [Paragraph(escape(outline.title), styles["Title"])]
    for n, (level, heading, blocks) in enumerate(outline.sections):
        para = Paragraph(escape(heading), styles[f"Heading{min(level + 1, 6)}"])
        if outline_bookmarks:
            para._bookmark = (f"s{n}", heading, level)  # type: ignore[attr-defined]
        story.append(para)
        for block in blocks:
            if isinstance(block, str):
                story.append(Paragraph(escape(block), styles["BodyText"]))
            elif block[0] == "pagebreak":
                story.append(PageBreak())
            elif block[0] in ("list", "olist"):
                story.append(
                    ListFlowable(
                        [ListItem(Paragraph(escape(i), styles["BodyText"])) for i in block[1]],
                        bulletType="1" if block[0] == "olist" else "bullet",
                        start=None if block[0] == "olist" else "•",
                    )
                )
            else:
                story.append(Table([[escape(c) for c in row] for row in block[1]]))
            story.append(Spacer(1, 4))

    def on_page(canvas: Any, doc: Any) -> None:
        canvas.setFont("Helvetica", 8)
        canvas.drawString(270, 20, f"Page {doc.page}")
        if outline.modified:
            canvas.setDateFormatter(lambda *_: outline.modified.strftime("D:%Y%m%d%H%M%S"))

    class _Doc(SimpleDocTemplate):
        def afterFlowable(self, flowable: Any) -> None:  # noqa: N802 - reportlab's hook
            mark = getattr(flowable, "_bookmark", None)
            if mark:
                key, text, level = mark
                self.canv.bookmarkPage(key)
                self.canv.addOutlineEntry(text, key, level=level - 1)

    doc.__class__ = _Doc
    doc.build(story, onFirstPage=on_page, onLaterPages=on_page)
    return buf.getvalue()


def write_image_only_pdf(pages: int = 2) -> bytes:
    """A 'scanned' PDF: every page is a picture, there is no text layer."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4)
    for _ in range(pages):
        for row in range(40):
            c.rect(60, 780 - row * 18, 300 + (row * 37) % 160, 9, fill=1, stroke=0)
        c.showPage()
    c.save()
    return buf.getvalue()


def write_ledger_pdf(pages: int = 4, rows: int = 8, *, footer: str = "") -> bytes:
    """A budget list as accounting prints it: on each page a running head, the
    table's header row again, its rows (three columns, amounts right-aligned),
    the page's total right below them, and "Page N of M" at the foot; `footer`,
    in the table's columns, sits in the bottom margin 40 points below the total."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4)
    number = 0
    for page in range(1, pages + 1):
        c.setFont("Helvetica", 8)
        c.drawString(72, 810, "Nordlicht Werke GmbH - Cost centres 2026")
        y = 760
        c.setFont("Helvetica-Bold", 10)
        c.drawString(72, y, "Cost centre")
        c.drawString(250, y, "Owner")
        c.drawRightString(520, y, "Budget (EUR)")
        c.setFont("Helvetica", 10)
        total = 0
        for _ in range(rows):
            number += 1
            total += number * 1250
            y -= 14
            c.drawString(72, y, f"CC-{1000 + number} Workshop")
            c.drawString(250, y, f"Team {number}")
            c.drawRightString(520, y, f"{number * 1250:,}.00")
        y -= 14
        c.setFont("Helvetica-Bold", 10)
        c.drawString(72, y, "Total of this page")
        c.drawRightString(520, y, f"{total:,}.00")
        if footer:
            c.setFont("Helvetica", 8)
            left, middle, right = footer.split("|")
            c.drawString(72, y - 40, left.strip())
            c.drawString(250, y - 40, middle.strip())
            c.drawRightString(520, y - 40, right.strip())
        c.setFont("Helvetica", 8)
        c.drawString(270, 30, f"Page {page} of {pages}")
        c.showPage()
    c.save()
    return buf.getvalue()


def write_ruled_table_pdf(rows: list[list[str]], *, intro: str = "") -> bytes:
    """A page with a heading, `intro` and a table ruled on every side of every
    cell, as a report generator lays one out (reportlab's grid)."""
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Table, TableStyle

    styles = getSampleStyleSheet()
    buf = io.BytesIO()
    table = Table(rows)  # plain strings: drawn as they are
    table.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.5, colors.black)]))
    story = [Paragraph("Hotel limits", styles["Heading1"])]
    if intro:
        story.append(Paragraph(escape(intro), styles["BodyText"]))
    story.append(table)
    SimpleDocTemplate(buf, pagesize=A4, title="Hotel limits").build(story)
    return buf.getvalue()


def write_columns_pdf(
    *columns: str,
    heading: str = "",
    intro: str = "",
    table: list[list[str]] | None = None,
    footer: str = "",
    in_rows: bool = True,
) -> bytes:
    """A page of prose set in columns side by side (two, three, …), as a newsletter
    or leaflet is, written row by row (a line of each column from left to right,
    then the next row), so that a reader of the page's text finds the columns'
    lines on one line, apart; with `in_rows` false, a column at a time. A blank line in a column's text ("\n\n") parts two
    of its paragraphs by a blank line. Above the columns `heading` (16 points) and
    `intro` across the page; below them, `table` (three columns, no rules) and
    then `footer` across the page."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.utils import simpleSplit
    from reportlab.pdfgen import canvas

    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4)
    y = 780.0
    if heading:
        c.setFont("Helvetica-Bold", 16)
        c.drawString(56, y, heading)
        y -= 28
    c.setFont("Helvetica", 10)
    for line in simpleSplit(intro, "Helvetica", 10, 484) if intro else []:
        c.drawString(56, y, line)
        y -= 13
    y -= 13 if intro else 0
    gutter = 24
    width = (484 - gutter * (len(columns) - 1)) / len(columns)
    placed: list[tuple[float, int, str]] = []  # baseline, column, text
    for number, text in enumerate(columns):
        top = y
        for paragraph in text.split("\n\n"):
            for line in simpleSplit(paragraph, "Helvetica", 10, width):
                placed.append((top, number, line))
                top -= 13
            top -= 13
    order = (lambda p: (-p[0], p[1])) if in_rows else (lambda p: (p[1], -p[0]))
    for top, number, line in sorted(placed, key=order):
        c.drawString(56 + number * (width + gutter), top, line)
    y = min((top for top, _, _ in placed), default=y) - 13
    for row in table or []:
        y -= 14
        for x, cell in zip((56, 220, 400), row, strict=True):
            c.drawString(x, y, cell)
    for line in simpleSplit(footer, "Helvetica", 10, 484) if footer else []:
        y -= 26
        c.drawString(56, y, line)
    c.showPage()
    c.save()
    return buf.getvalue()


def write_one_object_table_pdf(rows: list[list[str]]) -> bytes:
    """A table as some report writers draw it: each row one text object (one TJ),
    its cells placed at 72, 200 and 330 points by the characters' positions."""
    from reportlab.pdfbase.pdfmetrics import stringWidth
    from reportlab.pdfgen import canvas

    buf = io.BytesIO()
    c = canvas.Canvas(buf)
    c.setFont("Helvetica", 10)
    c.drawString(72, 730, "Hotel costs are reimbursed up to the limit of the city.")
    for number, row in enumerate(rows):
        text = c.beginText(72, 700 - 14 * number)
        shown, x = [], 72.0
        for cell, column in zip(row, (72, 200, 330), strict=True):
            # A TJ number moves the next character left by 1/1000 of the font size.
            shown.append(f"{(x - column) * 100:.0f} ({cell})")
            x = column + stringWidth(cell, "Helvetica", 10)
        text._code.append(f"[{' '.join(shown)}] TJ")
        c.drawText(text)
    c.showPage()
    c.save()
    return buf.getvalue()


def write_docx(outline: Outline) -> bytes:
    import docx

    document = docx.Document()
    props = document.core_properties
    props.title, props.author = outline.title, outline.author
    props.language = outline.lang
    if outline.modified:
        props.modified = outline.modified
    for level, heading, blocks in outline.sections:
        document.add_heading(heading, level=level)
        for block in blocks:
            if block == ("pagebreak",):
                continue
            if isinstance(block, str):
                document.add_paragraph(block)
            elif block[0] in ("list", "olist"):
                style = "List Number" if block[0] == "olist" else "List Bullet"
                for item in block[1]:
                    document.add_paragraph(item, style=style)
            else:
                rows = block[1]
                table = document.add_table(rows=len(rows), cols=len(rows[0]))
                for r, row in enumerate(rows):
                    for c, cell in enumerate(row):
                        table.cell(r, c).text = cell
    buf = io.BytesIO()
    document.save(buf)
    return buf.getvalue()


def _level_types(items: list[tuple[int, bool, str]]) -> list[tuple[int, bool]]:
    """Each level of a list, outermost first, numbered or not as its first item is."""
    kinds: dict[int, bool] = {}
    for level, numbered, _ in items:
        kinds.setdefault(level, numbered)
    return sorted(kinds.items())


def write_docx_list(items: list[tuple[int, bool, str]], *, before: str = "") -> bytes:
    """A Word document holding one list as Word makes it: each item `(level,
    numbered, text)` a paragraph numbered at its level (`w:ilvl`) of one numbering
    definition, whose level says decimal or bullet as the first item there does
    (a numbered list nested in a bulleted one is one list, two levels)."""
    import docx
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls

    document = docx.Document()
    if before:
        document.add_paragraph(before)
    levels = "".join(
        f'<w:lvl w:ilvl="{level}"><w:start w:val="1"/>'
        f'<w:numFmt w:val="{"decimal" if numbered else "bullet"}"/>'
        f'<w:lvlText w:val="{f"%{level + 1}." if numbered else "•"}"/></w:lvl>'
        for level, numbered in _level_types(items)
    )
    numbering = document.part.numbering_part.element
    abstract = parse_xml(
        f'<w:abstractNum {nsdecls("w")} w:abstractNumId="90">'
        f'<w:multiLevelType w:val="hybridMultilevel"/>{levels}</w:abstractNum>'
    )
    numbering.insert(0, abstract)  # abstract definitions come before the w:num
    numbering.append(
        parse_xml(f'<w:num {nsdecls("w")} w:numId="90"><w:abstractNumId w:val="90"/></w:num>')
    )
    for level, _, text in items:
        paragraph = document.add_paragraph(text, style="List Paragraph")
        ppr = paragraph._p.get_or_add_pPr()
        ppr.append(
            parse_xml(
                f'<w:numPr {nsdecls("w")}><w:ilvl w:val="{level}"/><w:numId w:val="90"/></w:numPr>'
            )
        )
    buf = io.BytesIO()
    document.save(buf)
    return buf.getvalue()


def write_odt_list(items: list[tuple[int, bool, str]]) -> bytes:
    """An OpenDocument text holding one list as LibreOffice writes it: each level a
    `text:list` in the item before it, the outer list naming a `text:list-style`
    whose level says number or bullet as the first item there does."""
    from odfdo import Document, Element

    document = Document("text")
    levels = "".join(
        f'<text:list-level-style-number text:level="{level + 1}" style:num-suffix="." '
        f'style:num-format="1"/>'
        if numbered
        else f'<text:list-level-style-bullet text:level="{level + 1}" text:bullet-char="•"/>'
        for level, numbered in _level_types(items)
    )
    document.insert_style(
        Element.from_tag(f'<text:list-style style:name="L1">{levels}</text:list-style>'),
        automatic=True,
    )
    xml, open_lists = ['<text:list text:style-name="L1">'], 1
    for number, (level, _, text) in enumerate(items):
        if number:
            while open_lists > level + 1:
                xml.append("</text:list-item></text:list>")
                open_lists -= 1
            xml.append("<text:list>" if open_lists == level else "</text:list-item>")
            open_lists = max(open_lists, level + 1)
        xml.append(f"<text:list-item><text:p>{text}</text:p>")
    xml.append("</text:list-item></text:list>" * open_lists)
    document.body.append(Element.from_tag("".join(xml)))
    buf = io.BytesIO()
    document.save(buf)
    return buf.getvalue()


def write_odt(outline: Outline) -> bytes:
    from odfdo import Document, Header, List, ListItem, Paragraph, Table

    document = Document("text")
    body = document.body
    body.clear()
    meta = document.meta
    meta.title = outline.title
    meta.creator = outline.author
    meta.language = outline.lang
    if outline.modified:
        meta.date = outline.modified
    for level, heading, blocks in outline.sections:
        body.append(Header(level, heading))
        for block in blocks:
            if block == ("pagebreak",):
                continue
            if isinstance(block, str):
                body.append(Paragraph(block))
            elif block[0] in ("list", "olist"):
                listing = List([ListItem(i) for i in block[1]])
                if block[0] == "olist":
                    listing.set_attribute("text:style-name", "Numbering 123")
                body.append(listing)
            else:
                table = Table("t", width=len(block[1][0]), height=len(block[1]))
                table.set_values([list(r) for r in block[1]])
                body.append(table)
    buf = io.BytesIO()
    document.save(buf)
    return buf.getvalue()


def write_html(outline: Outline, *, chrome: bool = True) -> bytes:
    """An intranet page: navigation and footer around the article (when `chrome`)."""
    parts = [
        f'<!DOCTYPE html><html lang="{outline.lang}"><head><meta charset="utf-8">',
        f"<title>{escape(outline.title)}</title>",
    ]
    if outline.author:
        parts.append(f'<meta name="author" content="{escape(outline.author)}">')
    if outline.modified:
        parts.append(f'<meta name="dcterms.modified" content="{outline.modified:%Y-%m-%d}">')
    parts.append("</head><body>")
    if chrome:
        parts.append(
            '<nav><a href="/">Intranet home</a> | <a href="/it">IT</a></nav>'
            "<header><p>Nordlicht intranet – internal use</p></header>"
        )
    parts.append(f"<main><h1>{escape(outline.title)}</h1>")
    for level, heading, blocks in outline.sections:
        parts.append(f"<h{level + 1}>{escape(heading)}</h{level + 1}>")
        for block in blocks:
            if block == ("pagebreak",):
                continue
            if isinstance(block, str):
                parts.append(f"<p>{escape(block)}</p>")
            elif block[0] in ("list", "olist"):
                tag = "ol" if block[0] == "olist" else "ul"
                parts.append(
                    f"<{tag}>" + "".join(f"<li>{escape(i)}</li>" for i in block[1]) + f"</{tag}>"
                )
            else:
                parts.append(
                    "<table>"
                    + "".join(
                        "<tr>" + "".join(f"<td>{escape(c)}</td>" for c in row) + "</tr>"
                        for row in block[1]
                    )
                    + "</table>"
                )
    parts.append("</main>")
    if chrome:
        parts.append("<footer><p>© Nordlicht Werke GmbH · Impressum</p></footer>")
    parts.append("</body></html>")
    return "\n".join(parts).encode("utf-8")


def write_txt(outline: Outline, encoding: str = "utf-8") -> bytes:
    lines = [outline.title, "=" * len(outline.title), ""]
    for _level, heading, blocks in outline.sections:
        lines += [heading, "-" * len(heading), ""]
        for block in blocks:
            if block == ("pagebreak",):
                continue
            if isinstance(block, str):
                lines += [block, ""]
            elif block[0] in ("list", "olist"):
                lines += [
                    f"{n}. {i}" if block[0] == "olist" else f"- {i}"
                    for n, i in enumerate(block[1], 1)
                ] + [""]
            else:
                lines += [" | ".join(row) for row in block[1]] + [""]
    return "\r\n".join(lines).encode(encoding)


WRITERS = {
    "pdf": write_pdf,
    "docx": write_docx,
    "odt": write_odt,
    "html": write_html,
    "txt": write_txt,
}


def travel_outline() -> Outline:
    """A small, realistic policy used by the format tests."""
    return Outline(
        title="Travel expenses policy",
        author="Finance Team",
        lang="en",
        modified=datetime(2025, 3, 14, 9, 30),
        sections=[
            (
                1,
                "Booking travel",
                [
                    "Book trains and flights through the travel portal at least two weeks ahead. "
                    "Second class is the standard for train journeys under four hours.",
                    (
                        "list",
                        ["Use the corporate card for bookings", "Attach the booking confirmation"],
                    ),
                ],
            ),
            (
                2,
                "Hotel limits",
                [
                    "Hotel costs are reimbursed up to the city limit per night, breakfast included.",
                    (
                        "table",
                        [
                            ["City", "Limit per night"],
                            ["Hamburg", "120 EUR"],
                            ["London", "180 GBP"],
                        ],
                    ),
                ],
            ),
            (
                1,
                "Claiming expenses",
                [
                    "Submit the expense claim within thirty days after the trip with every receipt.",
                    ("olist", ["Open the expense form", "Add receipts", "Send it to your manager"]),
                ],
            ),
        ],
    )


# What LibreOffice's manifest says of a part it encrypted ("Save with password").
ODT_ENCRYPTED_MANIFEST = (
    b'<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0">'
    b'<manifest:file-entry manifest:full-path="/" manifest:media-type='
    b'"application/vnd.oasis.opendocument.text"/>'
    b'<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml">'
    b'<manifest:encryption-data manifest:checksum-type="SHA1/1K" manifest:checksum="AA=="/>'
    b"</manifest:file-entry></manifest:manifest>"
)


def repacked(data: bytes, parts: dict[str, bytes]) -> bytes:
    """The zip package `data` (DOCX, ODT) with the named parts' bytes replaced,
    every other part and the order of all of them kept."""
    import zipfile

    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for item in source.infolist():
            target.writestr(item, parts.get(item.filename, source.read(item.filename)))
    return out.getvalue()


def write_encrypted_odt(outline: Outline) -> bytes:
    """An ODT as LibreOffice saves it with a password: the manifest describes the
    encryption, and content.xml holds what encryption leaves, no XML."""
    return repacked(
        write_odt(outline),
        {"META-INF/manifest.xml": ODT_ENCRYPTED_MANIFEST, "content.xml": bytes(range(256)) * 4},
    )
