"""Thematic breaks are found as Python-Markdown finds them, in memory linear
in the block (`kb.content.thematic_breaks`)."""

from __future__ import annotations

import random

import markdown
import pytest
from markdown.blockprocessors import HRProcessor

from kb.content.markdown_text import render_html
from kb.content.thematic_breaks import _Breaks
from tests.support import peak_memory


@pytest.mark.parametrize("mark", ["-", "*", "_"])
def test_a_long_break_takes_memory_linear_in_its_line(mark: str) -> None:
    """Python-Markdown's pattern kept the state of every marker: 500,000 `- `
    (1 MB) took 153-190 MB to be found to be one `<hr>`, these 64-79 MB."""
    body = f"{mark} " * 200_000
    html: list[str] = []
    assert peak_memory(lambda: html.append(render_html(body))) < 10 * len(body)
    assert html == ["<hr>"]


def test_the_same_lines_are_breaks_as_for_python_markdown() -> None:
    """Blocks of markers, spaces, tabs, letters and line ends: the same line is
    found, spanning the same characters, as Python-Markdown's own pattern finds."""
    parser = markdown.Markdown().parser
    theirs, ours = HRProcessor(parser), _Breaks(parser)
    shapes = random.Random(7)
    for alphabet in ("-- \n", "- \n_*", "*  \n", "_ _\n\t ", "--  *_\nx\t"):
        for _ in range(12_000):
            size = shapes.randint(0, 16)
            block = "".join(shapes.choice(alphabet) for _ in range(size))
            found = theirs.test(None, block)  # type: ignore[arg-type]
            assert ours.test(None, block) == found, block  # type: ignore[arg-type]
            if found:
                assert ours.match.span() == theirs.match.span(), block
    assert render_html("a\n\n- - -\n\n*  *  *   \n\n-   - -") == (
        "<p>a</p>\n<hr>\n<hr>\n<ul>\n<li>\n<ul>\n<li>-</li>\n</ul>\n</li>\n</ul>"
    )
