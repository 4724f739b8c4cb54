"""A scan after an earlier one renders only the articles whose files changed
(`scan_content(previous=...)`, what the insights pages read once a minute)."""

from __future__ import annotations

import os
import time
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


PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
HTML = b"<html><head><title>Desk booking</title></head><body><p>Book a desk.</p></body></html>"


def _aged(path: Path, seconds: float = 60.0) -> None:
    """Give `path` a modification time `seconds` in the past, as a file saved
    before the reading began (not one that may be written while it reads)."""
    when = time.time_ns() - int(seconds * 1e9)
    os.utime(path, ns=(when, when))


def test_a_document_is_taken_over_until_it_its_sidecar_or_its_defaults_change(
    tiny_content: Path,
) -> None:
    """Every reading extracted every document again (a PDF's extraction is the
    dearest read there is)."""
    page = tiny_content / "it" / "desks.html"
    page.write_bytes(HTML)
    _aged(page)
    first = scan_content(tiny_content)
    assert first.articles["it/desks.html"].title == "Desk booking"
    second = scan_content(tiny_content, previous=first)
    assert second.articles["it/desks.html"] is first.articles["it/desks.html"]
    sidecar = tiny_content / "it" / "desks.html.yml"
    sidecar.write_text("title: Booking a desk\n", "utf-8")
    third = scan_content(tiny_content, previous=second)
    assert third.articles["it/desks.html"].title == "Booking a desk"
    (tiny_content / "it" / "_department.yml").write_text(
        "name: IT\ndocuments:\n  owner: IT Service Desk\n", "utf-8"
    )
    fourth = scan_content(tiny_content, previous=third)
    assert fourth.articles["it/desks.html"] is not third.articles["it/desks.html"]
    assert fourth.articles["it/desks.html"].owner == "IT Service Desk"
    assert fourth.articles == scan_content(tiny_content).articles


def test_an_article_with_a_picture_is_read_again_when_the_picture_changes(
    tiny_content: Path,
) -> None:
    article = tiny_content / "it" / "panel.md"
    article.write_text("---\ntitle: Panel\n---\nPress it.\n\n![Panel](panel.png)\n", "utf-8")
    picture = tiny_content / "it" / "panel.png"
    picture.write_bytes(PNG)
    _aged(article)
    _aged(picture)
    first = scan_content(tiny_content)
    [shown] = first.articles["it/panel.md"].images
    second = scan_content(tiny_content, previous=first)
    assert second.articles["it/panel.md"] is first.articles["it/panel.md"]
    picture.write_bytes(PNG + b"\x00" * 8)  # replaced; the article is not touched
    _aged(picture, 30.0)
    third = scan_content(tiny_content, previous=second)
    [now] = third.articles["it/panel.md"].images
    assert now.size == shown.size + 8 and now.digest != shown.digest
    picture.unlink()
    fourth = scan_content(tiny_content, previous=third)
    assert fourth.articles["it/panel.md"].images == ()


def test_an_article_whose_picture_was_written_as_the_reading_began_is_read_again(
    tiny_content: Path,
) -> None:
    """Its picture may have changed between being read and being stamped: a
    stamp taken after could be newer than what was read."""
    article = tiny_content / "it" / "panel.md"
    article.write_text("---\ntitle: Panel\n---\n![Panel](panel.png)\n", "utf-8")
    _aged(article)
    (tiny_content / "it" / "panel.png").write_bytes(PNG)  # just now
    first = scan_content(tiny_content)
    assert first.articles["it/panel.md"].images and "it/panel.md" not in first.stamps
    second = scan_content(tiny_content, previous=first)
    assert second.articles["it/panel.md"] is not first.articles["it/panel.md"]
