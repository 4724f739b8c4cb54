"""Word documents as Word shows them: tracked changes, content controls, notes,
text boxes and generated tables of contents (written as Word writes them)."""

from __future__ import annotations

import io
import re
import zipfile

import docx

from kb.extract import BlockKind, Limits, extract

_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def _p(text: str, style: str = "") -> str:
    ppr = f'<w:pPr><w:pStyle w:val="{style}"/></w:pPr>' if style else ""
    return f'<w:p>{ppr}<w:r><w:t xml:space="preserve">{text}</w:t></w:r></w:p>'


def _docx(body: str, footnotes: str = "") -> bytes:
    """A document made by python-docx whose body is `body` (WordprocessingML),
    with `footnotes` (their `w:footnote` elements) in a footnotes part."""
    buf = io.BytesIO()
    docx.Document().save(buf)
    source = zipfile.ZipFile(io.BytesIO(buf.getvalue()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for item in source.infolist():
            if not item.filename.endswith((".xml", ".rels")):
                target.writestr(item, source.read(item.filename))
                continue
            data = source.read(item.filename).decode()
            if item.filename == "word/document.xml":
                data = re.sub(r"<w:body>.*?(<w:sectPr)", f"<w:body>{body}\\1", data, flags=re.S)
            elif item.filename == "word/_rels/document.xml.rels" and footnotes:
                data = data.replace(
                    "</Relationships>",
                    f'<Relationship Id="rIdNotes" Type="{_RELS}/footnotes" '
                    'Target="footnotes.xml"/></Relationships>',
                )
            elif item.filename == "[Content_Types].xml" and footnotes:
                data = data.replace(
                    "</Types>",
                    '<Override PartName="/word/footnotes.xml" ContentType="application/'
                    'vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml"/></Types>',
                )
            target.writestr(item, data)
        if footnotes:
            target.writestr(
                "word/footnotes.xml", f'<w:footnotes xmlns:w="{_W}">{footnotes}</w:footnotes>'
            )
    return out.getvalue()


def _read(data: bytes):  # type: ignore[no-untyped-def]
    return extract(data, "finance/travel.docx", Limits())


def test_tracked_insertions_are_read_and_deletions_left_out() -> None:
    """A reviewer's insertion was missing from the index, so a search for the
    new hotline found nothing; the deleted fax number stays out."""
    body = (
        '<w:p><w:r><w:t xml:space="preserve">Book through the portal </w:t></w:r>'
        '<w:ins w:id="1" w:author="Anna" w:date="2026-01-05T00:00:00Z">'
        "<w:r><w:t>or the TravelDesk hotline</w:t></w:r></w:ins>"
        '<w:del w:id="2" w:author="Anna" w:date="2026-01-05T00:00:00Z">'
        "<w:r><w:delText>or by fax to 040 555</w:delText></w:r></w:del>"
        "<w:r><w:t>.</w:t></w:r></w:p>"
    )
    document = _read(_docx(body))
    assert "Book through the portal or the TravelDesk hotline." in document.text
    assert "fax" not in document.text
    assert any("tracked changes are not yet accepted" in w for w in document.warnings)


def test_hidden_text_is_left_out() -> None:
    """Text formatted as hidden (a template's instructions) is shown to no reader."""
    body = (
        '<w:p><w:r><w:t xml:space="preserve">Claim within 30 days.</w:t></w:r>'
        "<w:r><w:rPr><w:vanish/></w:rPr><w:t>[Writer: check the limit]</w:t></w:r></w:p>"
        '<w:p><w:r><w:rPr><w:vanish w:val="0"/></w:rPr><w:t>Shown.</w:t></w:r></w:p>'
    )
    assert _read(_docx(body)).text == "Claim within 30 days.\nShown."


def test_a_document_without_tracked_changes_has_no_warning() -> None:
    document = _read(_docx(_p("Book through the portal.")))
    assert document.warnings == ()


def test_content_controls_are_read_and_the_generated_contents_left_out() -> None:
    """Templates wrap whole sections in content controls: their text was lost.
    The table of contents Word generates repeats the headings with page numbers."""
    toc = (
        "<w:sdt><w:sdtPr><w:docPartObj>"
        '<w:docPartGallery w:val="Table of Contents"/></w:docPartObj></w:sdtPr>'
        f"<w:sdtContent>{_p('Contents')}{_p('Booking trips 1')}</w:sdtContent></w:sdt>"
    )
    scope = (
        '<w:sdt><w:sdtPr><w:alias w:val="Scope"/></w:sdtPr>'
        f"<w:sdtContent>{_p('This policy applies to every employee.')}</w:sdtContent></w:sdt>"
    )
    body = toc + _p("Booking trips", "Heading1") + scope
    document = _read(_docx(body))
    assert "This policy applies to every employee." in document.text
    assert "Contents" not in document.text and "Booking trips 1" not in document.text
    assert document.sections[0].headings == ("Booking trips",)


def test_contents_paragraphs_of_a_toc_field_are_left_out() -> None:
    """A table of contents made by the TOC field (no content control) is
    paragraphs styled "toc 1", "toc 2"…"""
    word = docx.Document()
    word.styles.add_style("toc 1", 1)
    word.add_paragraph("Booking trips\t1", style="toc 1")
    word.add_heading("Booking trips", 1)
    word.add_paragraph("Use the portal.")
    buf = io.BytesIO()
    word.save(buf)
    document = _read(buf.getvalue())
    assert [(s.headings, s.text) for s in document.sections] == [
        (("Booking trips",), "Use the portal.")
    ]


def test_footnotes_follow_the_text_of_their_section() -> None:
    body = (
        _p("Trains", "Heading1")
        + '<w:p><w:r><w:t xml:space="preserve">Trains below 600 km</w:t></w:r>'
        '<w:r><w:footnoteReference w:id="1"/></w:r><w:r><w:t>.</w:t></w:r></w:p>'
        + _p("Hotels", "Heading1")
        + _p("Capped at 150 EUR.")
    )
    notes = (
        '<w:footnote w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p>'
        "</w:footnote>"
        '<w:footnote w:id="1"><w:p><w:r><w:footnoteRef/></w:r>'
        "<w:r><w:t>Measured door to door; exceptions need approval.</w:t></w:r></w:p>"
        "</w:footnote>"
    )
    document = _read(_docx(body, notes))
    trains, hotels = document.sections
    assert trains.headings == ("Trains",)
    assert "Trains below 600 km[1]." in trains.text
    assert "[1] Measured door to door; exceptions need approval." in trains.text
    assert "Measured" not in hotels.text


def test_text_boxes_and_tables_in_cells_are_read() -> None:
    box = (
        "<w:p><w:r><w:t>See the box.</w:t></w:r><w:r><w:pict><v:shape "
        'xmlns:v="urn:schemas-microsoft-com:vml"><v:textbox><w:txbxContent>'
        f"{_p('Call 4455 in an emergency.')}</w:txbxContent></v:textbox></v:shape>"
        "</w:pict></w:r></w:p>"
    )
    inner = f"<w:tbl><w:tr><w:tc>{_p('Taxi 50 EUR')}</w:tc></w:tr></w:tbl>"
    table = f"<w:tbl><w:tr><w:tc>{_p('Limits')}{inner}{_p('')}</w:tc></w:tr></w:tbl>"
    document = _read(_docx(box + table))
    assert "Call 4455 in an emergency." in document.text
    tables = [b for s in document.sections for b in s.blocks if b.kind is BlockKind.TABLE]
    assert tables and "Taxi 50 EUR" in tables[0].rows[0][0]


def _typed(paragraphs: list[tuple[str, bool | None, float | None]], styled: bool = False) -> bytes:
    """A document typed without heading styles: (text, bold, size in points)."""
    from docx.shared import Pt

    word = docx.Document()
    if styled:
        word.add_heading("Scope", 1)
    for text, bold, size in paragraphs:
        run = word.add_paragraph().add_run(text)
        run.bold = bold
        if size:
            run.font.size = Pt(size)
    buf = io.BytesIO()
    word.save(buf)
    return buf.getvalue()


TYPED = [
    ("Travel policy 2027", True, 20),
    ("This policy says how to book and claim business travel.", None, None),
    ("Booking trips", True, 14),
    ("Book every trip through the travel portal two weeks ahead.", None, None),
    ("Hotels", True, None),
    ("Hotel costs are capped at 150 EUR per night.", None, None),
    ("Note:", True, None),
    ("Exceptions need approval.", None, None),
    ("Claiming costs", None, 14),
    ("Submit claims within 30 days.", None, None),
]


def test_headings_typed_in_bold_or_larger_type_are_headings() -> None:
    """A file without heading styles was one section: no passage could say
    which part of the policy it came from."""
    document = _read(_typed(TYPED))
    assert document.title == "Travel policy 2027"
    assert [(s.headings, s.text) for s in document.sections] == [
        (("Travel policy 2027",), "This policy says how to book and claim business travel."),
        (
            ("Travel policy 2027", "Booking trips"),
            "Book every trip through the travel portal two weeks ahead.",
        ),
        (
            ("Travel policy 2027", "Booking trips", "Hotels"),
            "Hotel costs are capped at 150 EUR per night.\nNote:\nExceptions need approval.",
        ),
        (("Travel policy 2027", "Claiming costs"), "Submit claims within 30 days."),
    ]


def test_with_heading_styles_bold_text_stays_text() -> None:
    document = _read(_typed(TYPED, styled=True))
    assert [s.headings for s in document.sections] == [("Scope",)]


def test_a_document_all_in_bold_has_no_headings_by_formatting() -> None:
    document = _read(_typed([(text, True, None) for text, _, _ in TYPED]))
    assert [s.headings for s in document.sections] == [()]


def _bare_docx(body: str) -> bytes:
    """A Word document of three parts only, as some generators write it: no
    properties (`docProps/core.xml`), styles or settings."""
    types = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" '
        'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/word/document.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>'
    )
    rels = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        f'<Relationship Id="rId1" Type="{_RELS}/officeDocument" Target="word/document.xml"/>'
        "</Relationships>"
    )
    document = f'<w:document xmlns:w="{_W}"><w:body>{body}</w:body></w:document>'
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        target.writestr("[Content_Types].xml", types)
        target.writestr("_rels/.rels", rels)
        target.writestr("word/document.xml", document)
    return out.getvalue()


def test_a_document_without_properties_has_none_made_up() -> None:
    """python-docx gives a file without properties the title "Word Document",
    python-docx as its author and the moment of reading as its date: none of
    them is the document's, so its first heading (or file name) names it."""
    heading = (
        '<w:p><w:pPr><w:outlineLvl w:val="0"/></w:pPr><w:r><w:t>Travel policy</w:t></w:r></w:p>'
    )
    titled = _read(_bare_docx(heading + _p("Book trains.")))
    assert titled.title == "Travel policy"
    plain = _read(_bare_docx(_p("Book trains.")))
    assert (plain.title, plain.author, plain.modified) == ("", "", None)
    assert "Book trains." in plain.sections[0].text
