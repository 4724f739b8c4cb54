"""Where front matter may stand: after a byte-order mark, with Windows line
ends, and below blank lines pasted above it (read, with a warning), so that
its status and audience are never published as text."""

from __future__ import annotations

import pytest

from kb.content.markdown_article import parse_article, read_status
from kb.records import Status

DRAFT = (
    "---\ntitle: Parking permits\nstatus: draft\naudience: [facilities]\n---\nApply at reception.\n"
)


@pytest.mark.parametrize("blank", ["\n", "\n\n", "  \n\t\n", "\r\n"])
def test_front_matter_below_blank_lines_is_read_with_a_warning(blank: str) -> None:
    """Read as text, the draft was published to everyone, titled
    'title: Parking permits status: draft…' (a heading made of its fields)."""
    raw = (blank + DRAFT).encode()
    article, problems = parse_article(raw, "facilities/parking.md")
    assert article.title == "Parking permits"
    assert article.status is Status.DRAFT
    assert article.audience == ("facilities",)
    assert "status" not in article.body_markdown
    [problem] = [p for p in problems if p.kind == "front_matter"]
    lines = blank.count("\n")
    assert problem.severity.value == "warning" and problem.line == lines + 1
    assert f"starts on line {lines + 1}" in problem.message
    assert read_status(raw, "facilities/parking.md") is Status.DRAFT


def test_a_rule_below_blank_lines_stays_text() -> None:
    """Two rules around a line of text are no front matter, as before."""
    article, problems = parse_article(b"\n\n---\nJust a line\n---\nBody\n", "hr/rules.md")
    assert "Just a line" in article.body_markdown
    assert not [p for p in problems if p.kind == "front_matter"]


@pytest.mark.parametrize(
    "raw",
    [
        b"\xef\xbb\xbf" + DRAFT.encode(),
        DRAFT.replace("\n", "\r\n").encode(),
    ],
    ids=["byte-order mark", "windows line ends"],
)
def test_front_matter_after_a_byte_order_mark_or_with_windows_line_ends(raw: bytes) -> None:
    article, problems = parse_article(raw, "facilities/parking.md")
    assert (article.title, article.status) == ("Parking permits", Status.DRAFT)
    assert article.body_markdown.strip() == "Apply at reception."
    assert not problems
