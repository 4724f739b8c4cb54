"""Lists and quotes are bounded as the parser opens each level, not after the
render (`kb.content.block_nesting`): a body nested deeply holds a copy of its
text per level, so its memory stayed bounded by nothing but the time budget."""

from __future__ import annotations

import pytest

from kb.content.block_nesting import MAX_NESTED_CHARS
from kb.content.markdown_article import parse_article
from kb.content.markdown_text import RenderTooDeep, render_html
from kb.content.nesting import MAX_DEPTH
from kb.errors import ContentError
from tests.support import peak_memory

# What one refused render may hold at its peak: the nested text twice over, for
# the level being opened while the one above still holds its copy.
PEAK_BYTES = 2 * MAX_NESTED_CHARS


def _refused(body: str) -> str:
    with pytest.raises(RenderTooDeep) as caught:
        render_html(body)  # no budget: the nesting alone decides
    return str(caught.value)


@pytest.mark.parametrize(
    ("body", "said"),
    [
        # 120 quotes on one line around 300 KB of text: 120 copies of it.
        ("> " * 120 + "x" * 300_000, f"hold more than {MAX_NESTED_CHARS:,} characters"),
        # Each line's item one level deeper than the one before (150 KB).
        ("\n".join("    " * i + "- x" for i in range(270)), "80 levels deep hold more than"),
    ],
    ids=["quotes", "indented-items"],
)
def test_nested_lists_and_quotes_are_refused_as_the_parser_opens_them(body: str, said: str) -> None:
    """Before, every level kept its copy until the HTML was written and found
    nested too deeply: 27-37 MB for these, 200 MB for 1 MB of them in 8 s."""
    message: list[str] = []
    assert peak_memory(lambda: message.append(_refused(body))) < PEAK_BYTES
    assert said in message[0]
    assert render_html("> - a\n>     - b") == (
        "<blockquote>\n<ul>\n<li>a<ul>\n<li>b</li>\n</ul>\n</li>\n</ul>\n</blockquote>"
    )  # usable again


def test_nesting_up_to_the_limit_renders_as_before() -> None:
    """A level is an element of the HTML: 99 quotes and their paragraph are 100
    levels, which render; one quote more was refused once rendered, and is now
    refused before its text is parsed, with the same words."""
    assert render_html("> " * 99 + "x").count("<blockquote>") == 99
    assert _refused("> " * 100 + "x") == (
        f"lists, quotes or HTML elements are nested too deeply: more than {MAX_DEPTH} levels"
    )
    # Each level's text is its own copy: a body 20 levels deep holds its text
    # 20 times, and passes as long as that is within the limit.
    text = "y" * (MAX_NESTED_CHARS // 40)
    assert len(render_html("> " * 20 + text)) > len(text)
    assert "hold more than" in _refused("> " * 41 + text)


def test_the_error_says_the_line_where_the_nesting_starts() -> None:
    body = "Intro\n\nMore\n\n" + "> " * 150 + "deep words\n"
    raw = f"---\ntitle: Deep\n---\n{body}".encode()
    with pytest.raises(ContentError) as caught:
        parse_article(raw, "it/deep.md", render_seconds=None)
    assert (caught.value.kind, caught.value.line) == ("render_depth", 8)
    assert "nested too deeply" in str(caught.value)
