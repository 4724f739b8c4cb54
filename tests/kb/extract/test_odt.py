"""OpenDocument text as its reader sees it: comments left out, footnotes after
the text of their section (written by odfdo, as LibreOffice writes them)."""

from __future__ import annotations

import io
import random
import tracemalloc
import zipfile
from pathlib import Path

import pytest
from odfdo import Document, Element, Header, Paragraph

from kb.extract import Limits, extract
from kb.extract.base import ExtractionError
from kb.extract.structure import clean


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


def _with_paragraph(xml: str) -> tuple[bytes, Element]:
    """An ODT of one paragraph written as `xml`, and the paragraph."""
    document = Document("text")
    paragraph = Element.from_tag(f"<text:p>{xml}</text:p>")
    document.body.append(paragraph)
    buf = io.BytesIO()
    document.save(buf)
    return buf.getvalue(), paragraph


def test_a_run_of_spaces_is_read_as_one_whatever_its_count() -> None:
    """`text:s text:c="2000000000"` in a file of a kilobyte made the reader
    build two billion spaces: seconds, then past the memory budget, at every
    index run. Measured by the memory the read takes, not by a clock."""
    data, _ = _with_paragraph('Reset the<text:s text:c="2000000000"/>VPN password')
    tracemalloc.start()
    try:
        assert extract(data, "it/vpn.odt", Limits()).text == "Reset the VPN password"
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 50_000_000  # two billion spaces would take 2 GB


def test_spaces_tabs_and_breaks_read_as_odfdo_reads_them() -> None:
    rng = random.Random(486)
    pieces = [
        "vpn", " ", "a b", '<text:s text:c="3"/>', '<text:s text:c="0"/>', "<text:s/>",
        "<text:tab/>", "<text:line-break/>", "<text:span>mail<text:s/>box</text:span>",
    ]  # fmt: skip
    for _ in range(60):
        xml = "".join(rng.choices(pieces, k=rng.randint(1, 8)))
        data, paragraph = _with_paragraph(xml)
        expected = paragraph.text_recursive  # as odfdo reads it
        read = extract(data, "it/x.odt", Limits()) if clean(expected) else None
        assert (read.text if read else "") == clean(expected), xml


def test_an_entity_declared_in_the_document_is_never_read(tmp_path: Path) -> None:
    """Tried and held (review of 5 December): a content owner's ODT whose
    content.xml declares an entity naming a file of the server (and one that
    expands text) is refused as malformed; neither is ever read or expanded."""
    secret = tmp_path / "secret.txt"
    secret.write_text("hunter2-on-the-server", encoding="utf-8")
    with zipfile.ZipFile(io.BytesIO(_odt())) as source:
        parts = {name: source.read(name) for name in source.namelist()}
    declared = (
        f'<!DOCTYPE office:document-content [<!ENTITY xxe SYSTEM "{secret.as_uri()}">'
        '<!ENTITY lol "lollollol">]>'
    ).encode()
    content = parts["content.xml"].replace(b"?>", b"?>" + declared, 1)
    parts["content.xml"] = content.replace(b"Claim within 30 days.", b"[&xxe;] [&lol;]")
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as target:
        for name, data in parts.items():
            target.writestr(name, data)
    with pytest.raises(ExtractionError) as refused:
        extract(buf.getvalue(), "ops/booking.odt", Limits())
    assert "hunter2" not in str(refused.value) and "lollol" not in str(refused.value)
