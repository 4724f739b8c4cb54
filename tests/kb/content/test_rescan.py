"""A scan after an earlier one renders only the articles whose files changed
(`scan_content(previous=...)`, what the insights pages read once a minute)."""

from __future__ import annotations

import os
from pathlib import Path

from kb.content.scanner import scan_content


def test_a_second_scan_takes_over_unchanged_articles_and_reads_the_others(
    tiny_content: Path,
) -> None:
    first = scan_content(tiny_content)
    sick = tiny_content / "hr" / "sick-leave.md"
    sick.write_text(sick.read_text("utf-8").replace("Reporting sick", "Off sick"), "utf-8")
    (tiny_content / "it" / "vpn-setup.md").unlink()
    (tiny_content / "it" / "new.md").write_text("---\ntitle: New\n---\nBody.\n", "utf-8")
    second = scan_content(tiny_content, previous=first)
    assert second.articles["hr/annual-leave.md"] is first.articles["hr/annual-leave.md"]
    assert second.articles["hr/sick-leave.md"].title == "Off sick"
    assert "it/vpn-setup.md" not in second.articles
    assert second.articles["it/new.md"].title == "New"
    fresh = scan_content(tiny_content)
    assert list(second.articles) == list(fresh.articles)  # the order of a fresh scan
    assert second.modified == fresh.modified
    assert second.articles == fresh.articles


def test_a_file_of_the_same_size_written_again_is_read_again(tiny_content: Path) -> None:
    """Its modification time tells it from the one read before."""
    first = scan_content(tiny_content)
    leave = tiny_content / "hr" / "annual-leave.md"
    text = leave.read_text("utf-8")
    assert "30" in text
    leave.write_text(text.replace("30", "31", 1), "utf-8")
    stat = leave.stat()
    os.utime(leave, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))
    second = scan_content(tiny_content, previous=first)
    assert second.articles["hr/annual-leave.md"] is not first.articles["hr/annual-leave.md"]
    assert "31" in second.articles["hr/annual-leave.md"].body_markdown


def test_an_article_read_with_a_problem_is_read_again(tiny_content: Path) -> None:
    """Its warnings are not kept apart from it, so the next scan reports them again."""
    (tiny_content / "hr" / "odd.md").write_text(
        "---\ntitle: Odd\nreview_by: soon\n---\nBody.\n", "utf-8"
    )
    first = scan_content(tiny_content)
    [warning] = [p.message for p in first.problems if p.path == "hr/odd.md"]
    assert "not a date" in warning
    second = scan_content(tiny_content, previous=first)
    assert [p.message for p in second.problems if p.path == "hr/odd.md"] == [warning]
    assert second.articles["hr/odd.md"] is not first.articles["hr/odd.md"]
