"""Footnotes printed at the foot of a PDF page, for `kb.extract.pdf`.

A footnote at the foot of a page stands, in the order the page is read,
between the page's last line and the next page's first: a paragraph that runs
on from one page onto the next was cut in two by it. The footnotes are found
and set aside (`kb.extract.pdf_paragraphs.Structurer.footnote`), and given after
the paragraph they interrupted, so the paragraph is read whole.

A page's footnotes are the lines below all of its lines in the body's font or
larger, in a smaller font, from the highest such line that starts with a note's
mark (`NOTE_MARK`: a number, `*`, `†`, `‡`, `§` or a superscript figure) down
to a gap of more than `NOTE_GAP` of their font sizes (a small-print line
further down, such as a footer on a file too short for its running feet to be
known, stays where it is). A line in a smaller font above the page's last line
in the body's font (a caption, a note beside the text) is not a footnote; nor
is small print without a mark, nor a row of a table in small print (a line of
more than one run of text, but for a mark set apart before the note).

Limits: a footnote at the foot of one column of a page set in columns, above
the other column's last line, is not found; the marks in the text that point to
the notes stay as they are printed.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from itertools import groupby
from typing import Protocol, TypeVar

from kb.extract.pdf_gutters import PlacedLine

_MARK = r"(?:\d{1,3}(?!\d)|[*†‡§]+|[¹²³⁴⁵⁶⁷⁸⁹⁰]+)[.)]?"
NOTE_MARK = re.compile(rf"^{_MARK}\s*\S")
_MARK_ALONE = re.compile(rf"^{_MARK}$")
NOTE_GAP = 2.0


class FootLine(PlacedLine, Protocol):
    """A line of a PDF page as `kb.extract.pdf` reads it, with its text and page."""

    @property
    def text(self) -> str: ...

    @property
    def page(self) -> int: ...


Line = TypeVar("Line", bound=FootLine)


def footnotes(page: Sequence[FootLine], body: float) -> list[int]:
    """The indexes in `page` of its footnotes' lines, top to bottom (module docstring)."""
    floor = min((line.top for line in page if line.size >= body), default=None)
    if floor is None:
        return []
    foot = sorted(
        (n for n, line in enumerate(page) if line.size < body and line.top < floor),
        key=lambda n: -page[n].top,
    )
    first = next((i for i, n in enumerate(foot) if NOTE_MARK.match(page[n].text.strip())), None)
    if first is None or not _note_text(page[foot[first]]):
        return []
    notes = [foot[first]]
    for n in foot[first + 1 :]:
        above = page[notes[-1]]
        if above.top - page[n].top > NOTE_GAP * max(page[n].size, 1.0) or not _note_text(page[n]):
            break
        notes.append(n)
    return notes


def _note_text(line: FootLine) -> bool:
    """Whether a line reads as a note's text rather than a table's row: one run
    of text, or a mark set apart before one (`kb.extract.pdf_tables` cuts a
    line into runs where its characters lie apart)."""
    cells = line.cells
    return len(cells) <= 1 or (len(cells) == 2 and bool(_MARK_ALONE.match(cells[0].text.strip())))


def notes_last(lines: Sequence[Line], body: float) -> tuple[list[Line], set[int]]:
    """The lines of a document, page after page, each page's footnotes moved
    after its other lines (wherever the file writes them), with the indexes of
    the footnotes' lines in the list returned."""
    read: list[Line] = []
    notes: set[int] = set()
    for _, group in groupby(lines, key=lambda line: line.page):
        page = list(group)
        foot = footnotes(page, body)
        read += [line for n, line in enumerate(page) if n not in foot]
        notes.update(range(len(read), len(read) + len(foot)))
        read += [page[n] for n in foot]
    return read, notes
