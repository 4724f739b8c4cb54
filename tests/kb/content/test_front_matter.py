"""Where front matter may stand: after a byte-order mark, with Windows line
ends, and below blank lines pasted above it (read, with a warning), so that
its status and audience are never published as text."""

from __future__ import annotations

import pytest

from kb.content.markdown_article import MAX_TAGS, parse_article, read_status
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


def test_tags_past_those_a_page_shows_are_not_published() -> None:
    """The page links to an article's first 50 tags, and search weighed every
    tag: an IT article listing 50 tags of its own and then `payroll`, `salary`,
    `sick leave`… was found by HR's questions for words its readers never saw
    on the page. An article publishes its first `MAX_TAGS` distinct tags, with
    a warning saying so; fewer are kept as written."""
    own = [f"vpn{n}" for n in range(MAX_TAGS)]
    tags = ", ".join(["vpn0", *own, "payroll", "salary"])
    raw = f"---\ntitle: VPN\ntags: [{tags}]\n---\nUse the VPN.\n".encode()
    article, problems = parse_article(raw, "it/vpn.md")
    assert article.tags == tuple(own)
    [problem] = [p for p in problems if p.kind == "field"]
    assert problem.severity.value == "warning"
    assert problem.message.startswith("52 tags; only the first 50 are published")
    few, problems = parse_article(
        b"---\ntitle: A\ntags: [vpn, vpn, remote]\n---\nUse it.\n", "it/a.md"
    )
    assert few.tags == ("vpn", "vpn", "remote") and not problems
