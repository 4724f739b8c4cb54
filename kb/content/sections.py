"""The Markdown of one section of an article, found by its heading path.

The answer card shows the section an answer passage comes from as the author
wrote it, so that its tables stay tables and its lists stay lists (the index
keeps plain text). A section runs from its heading to the next heading of the
same or a higher level; the heading path () is the text before the first
heading. Fenced code blocks are skipped when looking for headings.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
_FENCE = re.compile(r"^\s*(```|~~~)")
_INLINE = re.compile(r"[*_`]|\[([^\]]*)\]\([^)]*\)")


def _plain(heading: str) -> str:
    """Heading text as the indexer records it (emphasis and link targets removed)."""
    return " ".join(_INLINE.sub(lambda m: m.group(1) or "", heading).split())


def section_markdown(body: str, headings: Sequence[str]) -> str | None:
    """The Markdown under the heading path `headings`, without the heading line;
    None when the path is not found."""
    lines = body.splitlines()
    fenced = False
    marks: list[tuple[int, int, str]] = []  # (line, level, text)
    for number, line in enumerate(lines):
        if _FENCE.match(line):
            fenced = not fenced
            continue
        found = None if fenced else _HEADING.match(line)
        if found:
            marks.append((number, len(found.group(1)), _plain(found.group(2))))
    if not headings:
        end = marks[0][0] if marks else len(lines)
        return "\n".join(lines[:end]).strip()
    wanted = [h.strip() for h in headings]
    path: list[tuple[int, str]] = []
    for index, (number, level, text) in enumerate(marks):
        path = [(lv, t) for lv, t in path if lv < level] + [(level, text)]
        if [t for _, t in path][-len(wanted) :] == wanted:
            end = next((n for n, lv, _ in marks[index + 1 :] if lv <= level), len(lines))
            return "\n".join(lines[number + 1 : end]).strip()
    return None


def has_structure(markdown: str) -> bool:
    """Whether the Markdown holds a table or a list."""
    return bool(re.search(r"(?m)^\s*(\|.*\||[-*+]\s+\S|\d+[.)]\s+\S)", markdown))
