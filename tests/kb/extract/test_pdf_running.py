"""Running heads and feet of a file of two pages: a short line repeated exactly
at the same place on both pages goes; a heading that opens both pages, or a
line of the text both pages share, stays."""

from __future__ import annotations

from kb.extract import Limits, extract
from kb.extract.document import ExtractedDocument
from tests.kb.extract.test_pdf_page_breaks import END, INTRO, LAST, START
from tests.pdf_layouts import write_pages_pdf

HEAD = "Nordlicht Werke - Staff guide"
FOOT = "Internal - do not forward"


def _extract(pdf: bytes) -> ExtractedDocument:
    return extract(pdf, "hr/health.pdf", Limits())


def _texts(document: ExtractedDocument) -> list[str]:
    return [b.text for s in document.sections for b in s.blocks if b.text]


def test_a_two_page_files_running_head_and_foot_are_dropped() -> None:
    """Only files of three pages or more had their running lines found: the
    head atop the second page parted the paragraph that runs on onto it."""
    document = _extract(write_pages_pdf([INTRO, START], [END, LAST], head=HEAD, foot=FOOT))
    assert _texts(document) == [INTRO, f"{START} {END}", LAST]
    assert HEAD not in document.text and FOOT not in document.text


def test_a_heading_that_opens_both_pages_is_kept() -> None:
    """Repeated exactly, at the same place, at the pages' top edge: a heading's
    font tells it from a running head."""
    pages = [("heading", "Opening hours"), INTRO], [("heading", "Opening hours"), LAST]
    document = _extract(write_pages_pdf(*pages, head=""))
    headings = [s.headings[-1] for s in document.sections if s.blocks]
    assert headings == ["Opening hours", "Opening hours"]
    assert _texts(document) == [INTRO, LAST]


def test_a_line_of_text_both_pages_share_is_kept_unless_short_and_in_place() -> None:
    """A sentence of ten words opening both pages at one height, and a short
    line closing both at different heights, are the text's own."""
    document = _extract(write_pages_pdf([LAST, INTRO], [LAST, END], head=""))
    assert _texts(document) == [LAST, INTRO, LAST, END]
    ask = "Questions? Ask HR."
    document = _extract(write_pages_pdf([INTRO, ask], [START, ask], head=""))
    assert _texts(document) == [INTRO, ask, START, ask]
