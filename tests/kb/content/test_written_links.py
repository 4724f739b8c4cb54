"""The editor's warning, content health and a rename read the same links: every
form the page makes one of, its target read as the page reads it."""

from __future__ import annotations

import pytest

from kb.content.dropped_links import dropped_links
from kb.content.markdown_text import render_html
from kb.content.moved_links import linked_articles, retarget_links
from kb.content.sanitize import sanitize_article_html
from kb.content.written_links import written_links
from kb.insights.content import broken_links
from tests.kb.insights.test_content import article

# Each form of link to `leave` (no `.md`: the page drops it) that the
# editor's warning and content health's dropped links once missed.
DROPPED = {
    "brackets-in-text": "See [a [b] c](leave).",
    "reference": "See [a][ref] now.\n\n[ref]: leave",
    "anchor": 'See <a href="leave">a</a>.',
    "character-reference": "See [a](lea&#118;e).",
}


@pytest.mark.parametrize("body", DROPPED.values(), ids=DROPPED.keys())
def test_every_link_form_that_names_no_article_is_dropped(body: str) -> None:
    written = "lea&#118;e" if "&#" in body else "leave"
    assert dropped_links(body, "hr/a.md") == [written]
    assert broken_links(article("hr/a.md", body), {"hr/a.md"}) == [written]
    assert dropped_links(f"```\n{body}\n```\n", "hr/a.md") == []


@pytest.mark.parametrize(
    "target",
    ["x&#46;md", "x&period;md", "x&#x2E;md", "&#120;.md", "x\\.md", "x&#46md"],
)
def test_a_target_written_with_references_or_escapes_names_what_the_page_links(
    target: str,
) -> None:
    """`[a](x&#46;md)`: the renderer keeps the reference, and the page links
    `hr/x.md`. The editor called it a link that names no article, while
    content health and a rename never saw the link to `hr/x.md` at all."""
    body = f"See [a]({target})."
    page = sanitize_article_html(render_html(body), "hr/a.md")
    assert 'href="/hr/x.md"' in page
    assert dropped_links(body, "hr/a.md") == []
    assert linked_articles(body, "hr/a.md", lambda _: True) == ["hr/x.md"]
    assert broken_links(article("hr/a.md", body), {"hr/a.md"}) == ["hr/x.md"]
    changed, count = retarget_links(body, "hr/a.md", "hr/x.md", "hr/y (1).md")
    assert count == 1
    assert 'href="/hr/y%20%281%29.md"' in sanitize_article_html(render_html(changed), "hr/a.md")


def test_a_picture_is_no_dropped_link_and_a_link_around_one_is() -> None:
    body = "![p](a.png) [![q](b.png)](leave) \\![r](c)"
    assert dropped_links(body, "hr/a.md") == ["c", "leave"]


# Bodies that once made an expression scan to the end from every place: each is
# read in time linear in its length, so these return at once; the link after
# them is still found.
HOSTILE = {
    "close-open": "](" * 100_000,
    "titles": '](x "' * 50_000,
    "single-quoted-titles": "](x '" * 50_000,
    "references": "&#" * 100_000,
    "spaces": "](" + " " * 200_000,
}


@pytest.mark.parametrize("body", HOSTILE.values(), ids=HOSTILE.keys())
def test_a_large_hostile_body_is_read_whole(body: str) -> None:
    assert list(written_links(body)) == []
    assert dropped_links(body + "\n\n[end](gone)\n", "hr/a.md") == ["gone"]
