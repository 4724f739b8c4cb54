"""A body that renders to more than `MAX_HTML_CHARS` characters of HTML is
stopped while it renders, not after (`kb.content.html_size`): the memory a
render holds stays near the limit, whatever a content owner writes."""

from __future__ import annotations

import pytest

from kb.content import html_size
from kb.content.html_size import MAX_HTML_CHARS
from kb.content.markdown_text import RenderTooLarge, render_html
from tests.support import peak_memory

# What one refused render may hold at its peak: the limit's worth of HTML
# (ASCII, a byte a character) three times over, for the tree and the pieces.
PEAK_BYTES = 3 * MAX_HTML_CHARS


def _refused(body: str) -> str:
    with pytest.raises(RenderTooLarge) as caught:
        render_html(body)  # no budget: the size alone decides
    return str(caught.value)


@pytest.mark.parametrize(
    "body",
    [
        # A reference's address, copied into every link that names it.
        "[r]: https://example.org/" + "a" * 200_000 + "\n\n" + "[a][r] " * 200,
        # An abbreviation's title, given to every place the abbreviation stands.
        "*[x]: " + "t" * 200_000 + "\n\n" + "x " * 200,
    ],
    ids=["reference", "abbreviation"],
)
def test_rendering_stops_once_the_html_passes_the_limit(body: str) -> None:
    """200 KB named 200 times is 40 MB of HTML: written whole, then joined, it
    held 80 MB before the limit was checked (1 MB of it, 1.6 GB within the
    2 s budget); the render now stops at the limit."""
    message: list[str] = []
    assert peak_memory(lambda: message.append(_refused(body))) < PEAK_BYTES
    assert f"more than {MAX_HTML_CHARS:,} characters of HTML" in message[0]
    assert render_html("[a][r]\n\n[r]: /x") == '<p><a href="/x">a</a></p>'  # usable again


def test_a_table_of_too_many_cells_is_refused_before_it_is_built() -> None:
    """Every row of a table is filled up to its header's cells: 1,000 header
    cells over 1,000 one-cell rows (7 KB) built a million elements (over
    100 MB) before anything was written. Each cell writes at least `<td></td>`,
    so the body is refused before a cell is built."""
    header = "|" + "a|" * 1_000 + "\n|" + "-|" * 1_000 + "\n"
    body = header + "|b\n" * 1_000
    message: list[str] = []
    assert peak_memory(lambda: message.append(_refused(body))) < PEAK_BYTES
    assert message[0].startswith("its tables have 1,001,000 cells")
    assert f"more than {MAX_HTML_CHARS:,} characters of HTML" in message[0]


def test_table_cells_are_counted_per_body(monkeypatch: pytest.MonkeyPatch) -> None:
    """The cells of every table of one body add up; the next body starts from none
    (a lower limit, for a short test: 10,000 cells)."""
    monkeypatch.setattr(html_size, "MAX_HTML_CHARS", 90_000)
    table = "|" + "a|" * 60 + "\n|" + "-|" * 60 + "\n" + "|b\n" * 99 + "\n"  # 6,000 cells
    assert render_html(table).count("<td>") == 5_940
    assert render_html(table).count("<td>") == 5_940  # counted afresh
    assert _refused(table + table).startswith("its tables have 12,000 cells")
    assert render_html("| a |\n| - |\n| b |") == (
        '<table>\n<thead>\n<tr>\n<th scope="col">a</th>\n</tr>\n</thead>\n'
        "<tbody>\n<tr>\n<td>b</td>\n</tr>\n</tbody>\n</table>"
    )
