"""`nesting_depth` never counts less than the sanitiser's parser nests, and
counts what people write as it is (`kb.content.nesting`)."""

from __future__ import annotations

import pytest

from kb.content.nesting import MAX_DEPTH, nesting_depth
from kb.content.sanitize import sanitize_article_html


@pytest.mark.parametrize(
    "html",
    [
        "<div>" * 300,  # never closed
        "<div><object></div>" * 150,  # an end tag the parser ignores (not in scope)
        "<b><div></b>" * 150,  # the adoption agency keeps the div open
        "<b><p></b>" * 150,
        "<svg><p>" + "<div/>" * 300,  # out of SVG, `/>` closes nothing
        "<svg><foreignObject>" + "<path/>" * 300,  # HTML again inside foreignObject
        "<!-- --!>" + "<div>" * 300,  # a comment the parser ends early
        "<x title='>'" + "<div>" * 300,  # a `>` quoted: counted, never skipped
        "<div <b></b>" * 300,  # `<b` is an attribute of the div to the parser
        "<textarea>" + "<div>" * 300 + "</textarea>",  # text to the parser: counted anyway
    ],
)
def test_every_shape_the_parser_nests_deeply_is_counted_deep(html: str) -> None:
    assert nesting_depth(html) >= 150


@pytest.mark.parametrize(
    ("html", "depth"),
    [
        ("<p>a</p><p>b</p>", 1),
        ("<ul><li>a<li>b</ul>" * 300, 2),  # items closed by the list's end tag
        ("<p>a<p>b" * 300, 1),  # a paragraph closes the one before
        ("<table><tr><td>a<td>b<tr><td>c</table>" * 300, 3),
        ("<svg>" + "<path d='M0 0'/>" * 300 + "</svg>", 1),
        ("<br><img src=x><hr>" * 300, 0),
        ("<blockquote><blockquote>x</blockquote></blockquote>", 2),
        ("<DIV>x</div>" * 300, 1),
    ],
)
def test_what_people_write_is_counted_as_it_nests(html: str, depth: int) -> None:
    assert nesting_depth(html) == depth


def test_counting_stops_past_the_limit_and_takes_linear_time() -> None:
    assert nesting_depth("<div>" * 1_000, stop_at=100) == 101
    # Counted on inputs whose every tag a quadratic count would revisit (their
    # speed is for `benchmarks/`; a clock in a test fails on a loaded machine).
    assert nesting_depth("<a " * 200_000) == 0  # no `>`: one unfinished tag
    assert nesting_depth("<p>x</p>" * 20_000) == 1


def test_the_limit_keeps_the_sanitiser_fast() -> None:
    """100 levels with 20,000 tags inside cost the sanitiser what flat HTML does
    (a speed for `benchmarks/`); here: HTML at the limit passes the count and
    comes out of the sanitiser whole, and one level more is counted past it."""
    inner = "<div>x</div>" * 20_000
    at_limit = "<div>" * (MAX_DEPTH - 1) + inner + "</div>" * (MAX_DEPTH - 1)
    assert nesting_depth(at_limit) == MAX_DEPTH
    assert nesting_depth("<div>" + at_limit + "</div>", stop_at=MAX_DEPTH) == MAX_DEPTH + 1
    assert sanitize_article_html(at_limit, "it/x.md") == at_limit
