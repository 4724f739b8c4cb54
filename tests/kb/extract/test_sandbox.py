"""Extraction in worker processes: time and memory budgets, recovery, the cache."""

from __future__ import annotations

import io
import struct
import zipfile
import zlib
from pathlib import Path

import pytest

from kb.extract import DocumentReader, ExtractionError, Limits
from kb.extract.sandbox import ExtractionSandbox
from tests.documents import Outline, travel_outline, write_docx, write_html, write_pdf


def _many_pages_pdf(pages: int) -> bytes:
    text = "Every receipt is kept for ten years in the archive of the finance department. " * 30
    return write_pdf(
        Outline(title="Archive", sections=[(1, f"Part {n}", [text]) for n in range(pages)])
    )


def _huge_docx(paragraphs: int) -> bytes:
    """A valid DOCX whose body is large once parsed (small on disk)."""
    body = "<w:p><w:r><w:t>word word word word</w:t></w:r></w:p>" * paragraphs
    document = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
        f"<w:body>{body}</w:body></w:document>"
    )
    source = io.BytesIO(write_docx(travel_outline()))
    out = io.BytesIO()
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as new:
        for item in old.infolist():
            data = document.encode() if item.filename == "word/document.xml" else old.read(item)
            new.writestr(item.filename, data)
    return out.getvalue()


def test_a_file_over_the_time_budget_is_stopped_and_the_next_one_read() -> None:
    slow = _many_pages_pdf(150)
    with ExtractionSandbox(Limits(seconds=0.05)) as sandbox:
        with pytest.raises(ExtractionError) as caught:
            sandbox.extract(slow, "finance/archive.pdf")
        assert caught.value.kind == "timeout"
        assert "extract_seconds" in caught.value.hint
    with ExtractionSandbox(Limits(seconds=30)) as sandbox:
        assert sandbox.extract(write_html(travel_outline()), "x.html").title


def test_a_file_over_the_memory_budget_fails_alone() -> None:
    huge = _huge_docx(400_000)  # about 22 MB of XML, a few hundred MB as a parsed tree
    assert len(huge) < 2_000_000
    limits = Limits(memory_mb=64, max_unpacked_bytes=500_000_000, seconds=60)
    with ExtractionSandbox(limits) as sandbox:
        with pytest.raises(ExtractionError) as caught:
            sandbox.extract(huge, "it/huge.docx")
        assert caught.value.kind == "memory"
        assert "64 MB" in caught.value.message
        # The sandbox replaces the worker and goes on.
        assert sandbox.extract(write_docx(travel_outline()), "it/ok.docx").title


def test_many_files_in_parallel_workers_keep_their_order() -> None:
    outline = travel_outline()
    jobs = [
        (n, write_html(Outline(title=f"Page {n}", sections=outline.sections)), f"p{n}.html")
        for n in range(12)
    ]
    jobs.insert(5, ("bad", b"%PDF-1.4 broken", "bad.pdf"))
    with ExtractionSandbox(Limits(), workers=2) as sandbox:
        results = list(sandbox.extract_many(jobs))
    assert [k for k, _ in results] == [k for k, _, _ in jobs]
    assert isinstance(dict(results)["bad"], ExtractionError)
    assert dict(results)[11].title == "Page 11"  # type: ignore[union-attr]


def test_the_cache_answers_known_content_without_a_worker(tmp_path: Path) -> None:
    good = write_pdf(travel_outline())
    encrypted = write_pdf(travel_outline(), encrypt="pw")
    jobs = [("a", good, "hr/a.pdf"), ("b", encrypted, "hr/b.pdf")]
    with DocumentReader(Limits(), cache_path=tmp_path / "x.db") as reader:
        first = dict(reader.read_many(jobs))
        assert reader.stats.extracted == 2
    with DocumentReader(Limits(), cache_path=tmp_path / "x.db") as reader:
        # Same content under another name: still known.
        second = dict(reader.read_many([("a", good, "it/copy.pdf"), ("b", encrypted, "hr/b.pdf")]))
        assert reader.stats.extracted == 0 and reader.stats.cached == 2
        assert not reader.sandbox._all  # no worker was started
    assert second["a"] == first["a"]
    assert isinstance(second["b"], ExtractionError) and second["b"].kind == "encrypted"


def test_workers_report_their_peak_memory() -> None:
    with ExtractionSandbox(Limits()) as sandbox:
        sandbox.extract(write_pdf(travel_outline()), "x.pdf")
        [peak] = sandbox.worker_peaks_mb()
    assert 5 < peak < 512


def _member_lying_about_its_size(inflated: int) -> bytes:
    """A DOCX whose `word/document.xml` declares 5,000 bytes but inflates to
    `inflated`: `zipfile` cuts at the declared size only after inflating."""
    packer = zlib.compressobj(9, zlib.DEFLATED, -15)
    chunk = b"<" * (1 << 20)
    stream = b"".join(packer.compress(chunk) for _ in range(inflated >> 20)) + packer.flush()
    source = io.BytesIO(write_docx(travel_outline()))
    out = io.BytesIO()
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(out, "w") as new:
        for item in old.infolist():
            if item.filename != "word/document.xml":
                new.writestr(item.filename, old.read(item))
        new.writestr(zipfile.ZipInfo("word/document.xml"), stream)  # stored, for now
    data = bytearray(out.getvalue())
    for signature, method, size, name in ((b"PK\x03\x04", 8, 22, 30), (b"PK\x01\x02", 10, 24, 46)):
        at = 0
        while (at := data.find(signature, at)) >= 0:
            if data[at + name : at + name + 17] == b"word/document.xml":
                struct.pack_into("<H", data, at + method, zipfile.ZIP_DEFLATED)
                struct.pack_into("<I", data, at + size, 5_000)
            at += 4
    return bytes(data)


@pytest.mark.parametrize(
    ("budget_mb", "inflated_mb"),
    [
        (64, 128),
        # Here the allocation that fails is one of zlib's 64 MB output blocks,
        # 52 MB short of the cap: only the MemoryError itself tells.
        (224, 256),
    ],
)
def test_a_member_that_lies_about_its_size_stops_at_the_memory_budget(
    budget_mb: int, inflated_mb: int
) -> None:
    """Tried in the review of 6 December: the declared sizes pass the zip bomb
    check, and one read inflates the member whole; the worker's memory budget
    stops it, the file is refused as too large (not as damaged: without the
    budget the read ends in a CRC error) and the next one is read."""
    bomb = _member_lying_about_its_size(inflated_mb << 20)
    assert len(bomb) < 2_000_000
    with ExtractionSandbox(Limits(memory_mb=budget_mb, seconds=60)) as sandbox:
        with pytest.raises(ExtractionError) as caught:
            sandbox.extract(bomb, "it/bomb.docx")
        assert caught.value.kind == "memory"
        assert f"{budget_mb} MB" in caught.value.message
        assert sandbox.extract(write_docx(travel_outline()), "it/ok.docx").title


# Reading these 4 MB of text takes a worker's peak 89 MB above what it used at
# start (measured; VmPeak, as the worker reads it): under a budget of 104 MB it
# is read, and its peak stands 15 MB short of the cap.
_TEXT_NEAR_THE_CAP = ("Every receipt is kept for ten years in the archive.\n" * 80_000).encode()
_NEAR_THE_CAP = Limits(memory_mb=104, max_chars=5_000_000, seconds=60)


def test_a_damaged_file_after_one_that_came_near_the_memory_budget_is_reported_as_damaged() -> None:
    """Found in the review of 6 December: a parse error counts as the memory
    budget when the worker's peak stands near its cap (a C library's failed
    allocation looks like a parse error), and the peak read was the worker's
    whole life's: a damaged PDF read after a large text that came near the cap
    (and was read) was refused as too big, not as damaged."""
    with ExtractionSandbox(_NEAR_THE_CAP) as sandbox:
        sandbox.extract(_TEXT_NEAR_THE_CAP, "finance/archive.txt")
        with pytest.raises(ExtractionError) as caught:
            sandbox.extract(b"%PDF-1.7\n" + b"\x00garbage" * 1000, "finance/damaged.pdf")
        assert caught.value.kind == "malformed"


def test_a_worker_whose_peak_came_near_its_cap_takes_no_further_file() -> None:
    """Its peak cannot be reset, so a file that fails later would look as if it
    ran out of memory; a fresh worker reads the next file."""
    with ExtractionSandbox(_NEAR_THE_CAP) as sandbox:
        sandbox.extract(_TEXT_NEAR_THE_CAP, "finance/archive.txt")
        # Not so, and the text no longer tests the worker near its cap: adjust them.
        assert sandbox.worker_peaks_mb() == []
        assert sandbox.extract(write_pdf(travel_outline()), "finance/travel.pdf").title
        assert len(sandbox.worker_peaks_mb()) == 1
