"""A document's title property is its title, unless a tool wrote a placeholder there."""

from __future__ import annotations

import io

import docx
import pytest

from kb.extract import Limits, extract
from kb.extract.titles import property_title
from tests.documents import Outline, write_docx, write_odt

STORAGE = [(1, "Bicycle storage", ["The bike cellar is open from six to ten."])]


@pytest.mark.parametrize(
    "value",
    ["untitled", "Untitled", "Untitled document", "Untitled-3", "Unbenannt 1", "Document1",
     "Dokument 2", "Microsoft Word - travel policy.docx", "Word Document", "  ", None],
)  # fmt: skip
def test_a_placeholder_is_no_title(value: str | None) -> None:
    assert property_title(value) == ""


@pytest.mark.parametrize(
    "value", ["Travel policy", "Untitled spaces in the car park", "Documents to bring"]
)
def test_a_title_is_kept_as_one_line(value: str) -> None:
    assert property_title(f" {value}\n") == value


def test_a_pdf_a_library_called_untitled_takes_its_first_heading() -> None:
    """reportlab, like many PDF writers, sets the Title property to "untitled"
    unless told otherwise: the uploaded file was listed and found as "untitled"."""
    from reportlab.pdfgen import canvas

    buf = io.BytesIO()
    pdf = canvas.Canvas(buf)
    pdf.setFont("Helvetica-Bold", 20)
    pdf.drawString(72, 760, "Bicycle storage")
    pdf.setFont("Helvetica", 11)
    pdf.drawString(72, 730, "The bike cellar is open from six to ten, with your badge.")
    pdf.save()
    document = extract(buf.getvalue(), "facilities/bicycles.pdf", Limits())
    assert document.title == "Bicycle storage"


@pytest.mark.parametrize(("fmt", "write"), [("docx", write_docx), ("odt", write_odt)])
def test_an_office_file_titled_untitled_takes_its_first_heading(fmt: str, write) -> None:  # type: ignore[no-untyped-def]
    data = write(Outline(title="Untitled document", sections=STORAGE))
    assert extract(data, f"facilities/bicycles.{fmt}", Limits()).title == "Bicycle storage"


def test_an_html_page_titled_document_takes_its_first_heading() -> None:
    """An editor's page template says `<title>Document</title>` until someone changes it."""
    data = (
        b'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Document</title>'
        b"</head><body><h1>Bicycle storage</h1><p>The bike cellar is open from six to ten.</p>"
        b"</body></html>"
    )
    assert extract(data, "facilities/bicycles.html", Limits()).title == "Bicycle storage"


def test_a_leading_heading_that_repeats_the_title_is_not_shown_twice() -> None:
    """The page showed "Month-end closing" as its h1 and again as the body's
    first h2, with the document's other headings one level below it."""
    from kb.extract import document_html

    page = (
        "<html><head><title>Month-end Closing</title></head><body><h1>Month-end  closing</h1>"
        "<p>Close by the third day.</p><h2>Contacts</h2><p>Ask the ledger team.</p></body></html>"
    )
    document = extract(page.encode(), "finance/closing.html", Limits())
    html = document_html(document)
    assert "Month-end" not in html and "<h2>Contacts</h2>" in html
    assert "<p>Close by the third day.</p>" in html
    # The index keeps the heading; a title from a sidecar that says otherwise keeps it shown.
    assert document.sections[0].headings == ("Month-end closing",)
    assert "<h2>Month-end closing</h2>" in document_html(document, "Closing the books")


@pytest.mark.parametrize(
    "placeholder",
    ["(anonymous)", "anonymous", "Microsoft Office User", "Windows-Benutzer", "Administrator"],
)
def test_a_placeholder_author_is_no_author(placeholder: str) -> None:
    """The article page of a PDF made by a library said "Author: (anonymous)"."""
    from kb.extract.titles import property_author

    assert property_author(placeholder) == ""
    assert property_author(" Anna  Berg ") == "Anna Berg"
    document = docx.Document()
    document.core_properties.author = placeholder
    document.core_properties.last_modified_by = "Finance Team"
    document.add_paragraph("Expense reports are paid on Thursday.")
    buf = io.BytesIO()
    document.save(buf)
    assert extract(buf.getvalue(), "finance/pay.docx", Limits()).author == "Finance Team"
