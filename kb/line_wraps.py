"""Where a passage's source was wrapped: the line breaks that only wrap a
paragraph, and a text with its line breaks read as spaces.

A single line break inside a paragraph is where its source was wrapped
(Markdown reads it as a space, and the indexer keeps the source's lines;
pages kept in version control are often wrapped at 80 characters), not a
sentence's end. It ends one only after a line that ends a sentence or
clause, or next to a line that is a list item, a table's cell or a quote.
"""

from __future__ import annotations

import re

_CLAUSE_END = frozenset(".!?:;")
_LINE_ITEM = re.compile(r"[-*+•|>]|\d+[.)](?:\s|$)")


def wrapped(text: str, line: int, end: int, following: int) -> bool:
    """Whether the single line break between `text[line:end]` (a line, from
    its first character) and the line at `following` only wraps a paragraph:
    the line ends no sentence or clause and neither line is a list item, a
    table's cell or a quote."""
    if end <= line or text[end - 1] in _CLAUSE_END:
        return False
    return not (_LINE_ITEM.match(text, line) or _LINE_ITEM.match(text, following))


def unwrapped(text: str) -> str:
    """`text` with each line break and the spaces and tabs beside it one space:
    what `re.sub(r"[ \\t]*\\n[ \\t]*", " ", text)` does, in linear time (from each
    of a run of tabs that expression read the run again: 16,000 tabs inside a
    sentence took 0.2 s, quadratic, for every search that quoted it)."""
    lines = text.split("\n")
    if len(lines) == 1:
        return text
    inner = (line.strip(" \t") for line in lines[1:-1])
    return " ".join((lines[0].rstrip(" \t"), *inner, lines[-1].lstrip(" \t")))
