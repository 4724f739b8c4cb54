"""A body's headings under the page's title: one `<h1>`, the outline kept."""

from __future__ import annotations

import re

from kb.content.markdown_text import html_sections, render_html
from kb.content.outline import under_title


def outline(html: str) -> list[tuple[int, str]]:
    return [
        (int(level), re.sub(r"<[^>]+>", "", text))
        for level, text in re.findall(r"<h([1-6])[^>]*>(.*?)</h\1>", html, re.S)
    ]


def test_a_leading_h1_that_repeats_the_title_is_left_out() -> None:
    html = render_html("# Reporting  SICK\n\nCall first.\n\n## Notice\n\n### By phone\n")
    shown = under_title(html, "Reporting sick")
    assert outline(shown) == [(2, "Notice"), (3, "By phone")]
    assert "Call first." in shown


def test_level_one_sections_move_one_level_down() -> None:
    """A body written as `# Part` sections below its title keeps their order
    and nesting, one level lower."""
    html = render_html("# Reporting sick\n\n# Before\n\n## Call\n\n# After\n\n###### Deep\n")
    assert outline(under_title(html, "Reporting sick")) == [
        (2, "Before"),
        (3, "Call"),
        (2, "After"),
        (6, "Deep"),  # no level below six
    ]


def test_a_leading_h1_that_says_something_else_stays_one_level_down() -> None:
    html = render_html("# Sick leave policy {: #policy }\n\n## Notice\n")
    shown = under_title(html, "Reporting sick")
    assert outline(shown) == [(2, "Sick leave policy"), (3, "Notice")]
    assert '<h2 id="policy">' in shown  # attributes are kept


def test_without_a_title_a_leading_h1_is_the_title() -> None:
    html = render_html("# Parking\n\nAsk Facilities.\n")
    assert outline(under_title(html, "")) == []


def test_only_a_leading_h1_is_taken_for_the_title() -> None:
    html = render_html("Intro first.\n\n# Parking\n")
    assert outline(under_title(html, "Parking")) == [(2, "Parking")]


def test_bodies_without_h1_are_left_as_they_are() -> None:
    html = render_html("Text &amp; more.\n\n## Notice\n\n<!-- note -->\n")
    assert under_title(html, "Reporting sick") == html


def test_the_title_is_compared_as_text() -> None:
    html = render_html("# Tom &amp; *Jerry*\n\nText.\n")
    assert outline(under_title(html, "Tom & Jerry")) == []


def test_headings_inside_code_are_text() -> None:
    html = render_html("# Title\n\n```\n<h1>not a heading</h1>\n```\n")
    shown = under_title(html, "Title")
    assert outline(shown) == [] and "&lt;h1&gt;not a heading&lt;/h1&gt;" in shown


def test_the_index_keeps_the_headings_as_written() -> None:
    """Only what is shown changes: passages and heading paths are cut from the
    rendered body as before (`html_sections`)."""
    html = render_html("# Reporting sick\n\nCall first.\n\n## Notice\n\nBy nine.\n")
    assert [s.headings for s in html_sections(html)] == [
        ("Reporting sick",),
        ("Reporting sick", "Notice"),
    ]


def test_a_marked_section_the_parser_cannot_read_is_shown_as_written() -> None:
    """A raw HTML block holding `<![<![` passes Markdown as it is, and Python's
    HTML parser (before 3.13) raised AssertionError on it: the editor's preview,
    its GET and the answer to a save of such an article were a 500."""
    html = render_html("<div>\n" + "<![" * 3 + "\n</div>\n\n## Part\n", 2.0)
    assert under_title(html, "Title") == html
    shown = under_title(html + "<h1>Other</h1>", "Title")
    assert "<![<![<![" in shown and "<h2>Part</h2>" not in shown and "<h2>Other</h2>" in shown
