"""Finding an article's section by its heading path."""

from __future__ import annotations

import random
import re

import pytest

from kb.content.markdown_text import render_html
from kb.content.sections import _heading, _plain, document_markdown, has_structure, section_markdown
from tests.support import within

BODY = """Intro text.

## Lost or stolen card

1. Report it.
2. Pick up a day pass.

```
# not a heading
```

## Opening hours

| Site | Hours |
| --- | --- |
| Hamburg | 7-19 |

### Weekends

Closed.

## Last *one*

End.
"""


def test_a_section_runs_to_the_next_heading_of_its_level() -> None:
    assert section_markdown(BODY, ()) == "Intro text."
    lost = section_markdown(BODY, ("Lost or stolen card",))
    assert lost is not None and lost.startswith("1. Report it.") and "# not a heading" in lost
    hours = section_markdown(BODY, ("Opening hours",))
    assert hours is not None and "| Hamburg | 7-19 |" in hours and "Closed." in hours
    assert section_markdown(BODY, ("Opening hours", "Weekends")) == "Closed."
    assert section_markdown(BODY, ("Last one",)) == "End."
    assert section_markdown(BODY, ("No such heading",)) is None


def test_tables_and_lists_are_structure() -> None:
    assert has_structure("| a | b |") and has_structure("- item") and has_structure("2. step")
    assert not has_structure("Just a paragraph - with a dash.")


def test_a_section_of_blank_lines_is_read_in_linear_time() -> None:
    """Every answer card asks whether its section holds a table or a list: the
    expression's white space ran over every blank line below each line again,
    so a published section of 16,000 blank lines took 2 s on every search it
    answered, growing as the square of its length. Checked by what comes back
    from 400,000 characters, which took it many minutes (speed is for
    `benchmarks/`, not a clock)."""
    for blank in ("\n", "\n ", " \t\n", "\r\n", "\n\u00a0"):
        text = "Printers are on floor two." + blank * (400_000 // len(blank))
        assert not within(60, lambda text=text: has_structure(text))
        assert within(60, lambda text=text: has_structure(text + "- toner"))
    assert not within(60, lambda: has_structure("1" * 400_000 + ":"))
    assert within(60, lambda: has_structure("-" + " \n" * 200_000 + "x"))


def test_structure_is_found_as_the_earlier_expression_found_it() -> None:
    earlier = re.compile(r"(?m)^\s*(\|.*\||[-*+]\s+\S|\d+[.)]\s+\S)")
    rng = random.Random(558)
    pieces = [*"|-*+1.)\n \t\r\x0ba\u2028\u00a0٣", "\n\n", "| a |", "- x", "1. y", "  "]
    for _ in range(20_000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 12)))
        assert has_structure(text) == bool(earlier.search(text)), repr(text)


def test_a_documents_text_renders_its_tables_and_lists_and_no_other_markup() -> None:
    """A document's section text holds its tables as Markdown tables and its lists
    as '-' and '1.' lines; anything else in it that Markdown would read (emphasis,
    links, HTML, a '#' at a line's start) is the document's text, not markup."""
    text = (
        "Rates *per night* <b>apply</b> & [more](x).\n"
        "# of rooms: 2\n"
        "| City | Limit \\| cap |\n| --- | --- |\n| Hamburg | <i>120</i> EUR |\n"
        "- Laptop\n  1. Unplug the charger"
    )
    html = render_html(document_markdown(text))
    assert "<table>" in html and "<td>&lt;i&gt;120&lt;/i&gt; EUR</td>" in html
    assert '<th scope="col">Limit | cap</th>' in html
    assert "<ul>\n<li>Laptop<ol>\n<li>Unplug the charger</li>" in html
    assert "*per night* &lt;b&gt;apply&lt;/b&gt; &amp; [more](x)." in html
    assert "<h1>" not in html and "<em>" not in html and "<a " not in html
    assert has_structure(document_markdown(text))


def test_an_authors_row_of_dashes_stays_a_row_in_the_passages() -> None:
    """An author's table row of "---" cells ("none") was read as a header rule by
    the snippets, which left it out: the index keeps such a cell escaped."""
    from kb.content.markdown_text import html_sections

    body = "| Item | Cost |\n|---|---|\n| Minibar | --- |\n| - | — |\n| Taxi | 40 EUR |\n"
    html = render_html(body)
    assert html.count("<tr>") == 4 and "<td>---</td>" in html
    [section] = html_sections(html)
    lines = section.text.splitlines()
    assert "| \\-\\-\\-" in lines and "| \\-" in lines and "| —" in lines
    assert "| Taxi" in lines and "| 40 EUR" in lines


# What headings were, as regular expressions: cubic in a run of spaces and
# quadratic in `[`, for every search that shows an answer card.
_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
_INLINE = re.compile(r"[*_`]|\[([^\]]*)\]\([^)]*\)")
PIECES = [
    "#",
    "##",
    " ",
    "\t",
    "\u00a0",
    "\x0b",
    "a",
    "*",
    "_",
    "`",
    "[",
    "]",
    "(",
    ")",
    "](",
    "#######",
]


def test_headings_read_as_the_expressions_define_them() -> None:
    rng = random.Random(476)
    for _ in range(20_000):
        line = "".join(rng.choice(PIECES) for _ in range(rng.randint(0, 12)))
        found = _HEADING.match(line)
        assert _heading(line) == ((len(found.group(1)), found.group(2)) if found else None)
        plain = " ".join(_INLINE.sub(lambda m: m.group(1) or "", line).split())
        assert _plain(line) == plain, repr(line)


@pytest.mark.parametrize(
    "line",
    ["# x" + " " * 3_000 + "y", "# " + "\\[" * 60_000, "# " + "[](" * 60_000],
    ids=["spaces", "escaped-brackets", "unclosed-links"],
)
def test_a_hostile_heading_line_takes_linear_time(line: str) -> None:
    """A published article's heading line held every search it answered: 4 KB
    of spaces took 46 s (cubic), 100 KB of `\\[` 10 s (the renderer reads
    both at once, so the article is published). Checked by the section it
    gives (its speed is for `benchmarks/`; a clock fails on a loaded machine)."""
    body = f"## Printers\n\n- Floor 2\n\n<div>\n{line}\n</div>\n"
    assert section_markdown(body, ["Printers"]) == "- Floor 2\n\n<div>"
