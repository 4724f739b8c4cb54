"""The readers table: one place, keyed by file type, where a file becomes an
article, used alike by the scanner, `kb validate` and the indexer."""

from __future__ import annotations

from pathlib import Path

import pytest

from kb.content import readers
from kb.content.images import ImageReader
from kb.content.scanner import scan_content
from kb.records import Article, Problem, Section


def read_text_file(
    raw: bytes,
    article_id: str,
    *,
    max_bytes: int,
    render_seconds: float | None,
    images: ImageReader | None = None,
) -> tuple[Article, list[Problem]]:
    text = raw.decode("utf-8")
    title, _, body = text.partition("\n")
    article = Article(
        id=article_id,
        department=article_id.split("/")[0],
        title=title,
        body_markdown=body,
        sections=(Section((), body.strip()),),
    )
    return article, []


def test_a_new_file_type_is_one_entry_in_the_table(
    tiny_content: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tiny_content / "it" / "printing.rst").write_text("Printing\nUse FollowMe.\n")
    assert "it/printing.rst" not in scan_content(tiny_content).articles  # no reader yet
    monkeypatch.setitem(readers.READERS, ".rst", read_text_file)
    scan = scan_content(tiny_content)
    assert scan.articles["it/printing.rst"].title == "Printing"
    assert not scan.errors


def test_the_shared_checks_run_before_any_reader(tiny_content: Path) -> None:
    loose = tiny_content / "loose.md"
    loose.write_text("# Loose\n")
    with pytest.raises(Exception, match="not inside a department folder"):
        readers.read_article(str(loose), "loose.md", 1000)
    big = tiny_content / "it" / "big.md"
    big.write_text("# Big\n" + "x" * 2000)
    with pytest.raises(Exception, match="over the 1,000-byte limit"):
        readers.read_article(str(big), "it/big.md", 1000)
    with pytest.raises(Exception, match="no reader for this type of file"):
        readers.read_article(str(big), "it/big.xyz", 1000)


def test_file_types_are_matched_without_regard_to_case() -> None:
    assert readers.has_reader("Guide.MD") and not readers.has_reader("notes.rst")
    assert not readers.has_reader(".md")
