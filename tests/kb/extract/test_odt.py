"""OpenDocument text as its reader sees it: comments left out, footnotes after
the text of their section (written by odfdo, as LibreOffice writes them)."""

from __future__ import annotations

import io

from odfdo import Document, Header, Paragraph

from kb.extract import Limits, extract


def _odt() -> bytes:
    document = Document("text")
    document.body.append(Header(1, "Booking"))
    trains = Paragraph("Trains are preferred below 600 km.")
    trains.insert_note(after="600 km", note_id="ftn1", citation="1", body="Door to door.")
    document.body.append(trains)
    hotels = Paragraph("Hotels are capped at 150 EUR.")
    hotels.insert_annotation(after="capped", body="Still right? Ask Bob", creator="Anna Reviewer")
    document.body.append(hotels)
    document.body.append(Header(1, "Claims"))
    document.body.append(Paragraph("Claim within 30 days."))
    buf = io.BytesIO()
    document.save(buf)
    return buf.getvalue()


def test_comments_are_not_text_of_the_document() -> None:
    """A reviewer's comment, with its author and date, was read into the middle
    of the sentence it was anchored to, and shown to every reader."""
    document = extract(_odt(), "ops/booking.odt", Limits())
    assert "Hotels are capped at 150 EUR." in document.text
    assert "Bob" not in document.text and "Anna" not in document.text


def test_footnotes_follow_the_text_of_their_section() -> None:
    """A footnote's text was read into the sentence at its citation."""
    booking, claims = extract(_odt(), "ops/booking.odt", Limits()).sections
    assert "Trains are preferred below 600 km[1]." in booking.text
    assert booking.text.endswith("[1] Door to door.")
    assert "Door" not in claims.text
