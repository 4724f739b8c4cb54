"""Extraction in worker processes: time and memory budgets, recovery, the cache."""

from __future__ import annotations

import io
import zipfile
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
