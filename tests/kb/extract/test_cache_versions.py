"""The extraction cache keyed by the extractor's version: a problem an older
extractor kept for a file (a Word style id with a quote read as "malformed")
is not answered once that format's extractor is fixed and its version raised;
a cache written when the version was a number is still read."""

from __future__ import annotations

import json
import sqlite3
from dataclasses import replace
from pathlib import Path

import pytest

from kb.extract import DocumentReader, ExtractionError, Limits, factory
from kb.extract.cache import ExtractionCache
from kb.extract.factory import EXTRACTION_VERSION, extractor_version
from kb.extract.problem_texts import malformed
from kb.extract.reader import content_key
from tests.documents import travel_outline, write_docx, write_pdf


def raise_version(monkeypatch: pytest.MonkeyPatch, suffix: str) -> None:
    """The extractor of the format of `suffix` fixed: its version raised."""
    fmt = factory.BY_EXTENSION[suffix]
    monkeypatch.setitem(factory.BY_EXTENSION, suffix, replace(fmt, version=fmt.version + 1))


def test_a_fixed_extractor_reads_again_what_an_older_one_kept(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    word, pdf = write_docx(travel_outline()), write_pdf(travel_outline())
    cache = ExtractionCache(tmp_path / "x.db")
    # What an extractor before the fix kept: the Word file is "malformed".
    key = content_key(word, "hr/policy.docx")
    cache.put(key, extractor_version("hr/policy.docx"), malformed("Word document", "bad XPath"))
    cache.close()
    jobs = [("word", word, "hr/policy.docx"), ("pdf", pdf, "hr/travel.pdf")]
    with DocumentReader(Limits(), cache_path=tmp_path / "x.db") as reader:
        kept = dict(reader.read_many(jobs))
        assert isinstance(kept["word"], ExtractionError) and kept["word"].kind == "malformed"
        assert reader.stats.extracted == 1  # the PDF
    raise_version(monkeypatch, ".docx")
    with DocumentReader(Limits(), cache_path=tmp_path / "x.db") as reader:
        again = dict(reader.read_many(jobs))
        # The Word file is read by the fixed extractor; the PDF's reading stays.
        assert (reader.stats.extracted, reader.stats.cached) == (1, 1)
    assert not isinstance(again["word"], ExtractionError)
    assert again["word"].title == "Travel expenses policy"
    with DocumentReader(Limits(), cache_path=tmp_path / "x.db") as reader:
        assert dict(reader.read_many(jobs)) == again  # kept under the new version
        assert reader.stats.extracted == 0


def test_versions_of_formats_never_raised_are_the_shared_one(tmp_path: Path) -> None:
    """Keys kept before formats had versions stay valid for those formats: the
    cache's old rows (an integer version) are still found."""
    assert extractor_version("hr/a.txt") == str(EXTRACTION_VERSION)
    assert extractor_version("hr/a.docx") != str(EXTRACTION_VERSION)
    path = tmp_path / "old.db"
    with sqlite3.connect(path) as db:
        db.execute(
            "CREATE TABLE extractions (key TEXT PRIMARY KEY, version INTEGER NOT NULL,"
            " result TEXT NOT NULL) WITHOUT ROWID"
        )
        db.execute(
            "INSERT INTO extractions VALUES ('k', ?, ?)",
            [EXTRACTION_VERSION, json.dumps({"error": malformed("PDF").to_dict()})],
        )
    cache = ExtractionCache(path)
    found = cache.get("k", extractor_version("hr/a.txt"))
    assert isinstance(found, ExtractionError) and found.kind == "malformed"
    assert cache.get("k", f"{EXTRACTION_VERSION}.docx9") is None
    cache.close()
