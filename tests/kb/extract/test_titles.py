"""A document's title property is its title, unless a tool wrote a placeholder there."""

from __future__ import annotations

import io

import pytest

from kb.extract import Limits, extract
from kb.extract.titles import property_title
from tests.documents import Outline, write_docx, write_odt

STORAGE = [(1, "Bicycle storage", ["The bike cellar is open from six to ten."])]


@pytest.mark.parametrize(
    "value",
    ["untitled", "Untitled", "Untitled document", "Untitled-3", "Unbenannt 1", "Document1",
     "Dokument 2", "Microsoft Word - travel policy.docx", "  ", None],
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
