"""The lines of a PDF, in reading order, as headings, paragraphs and lists, for `kb.extract.pdf`.

A line is a heading by the document outline or its font size (wrapped over two
lines at most; a line of the same size that starts with a section number such
as "1." or "2.3" starts a heading of its own, so a title set in the headings'
size is not glued to the first numbered heading below it), a list item by its bullet or number; a paragraph ends at a
vertical gap, at the end of a column and at the end of a page.

A column ends where the next line read lies above the one before on its page,
by more than a font size: the first line of the next column (marked so by
`kb.extract.pdf_columns` when it parted the page, or found so when the file
itself lists one column's lines before the next's). The paragraph goes on into
the new column only when the text clearly runs on: the column's last line ends
without a sentence's closing mark (`.`, `!`, `?` or `…`, with any closing
quote or bracket after it) and the next column's first line starts in lower case, as the
rest of a sentence (or of a word hyphenated at the column's foot) does. A
heading, or a paragraph that starts at the top of the next column, is not
glued on.

The end of a page ends a paragraph by the same rule: the paragraph (or list
item) goes on onto the next page when its last line ends without a sentence's
closing mark and the next page's first line starts in lower case. It goes on
too when the next page's first line starts with a capital (a name, "I", an
acronym) after a last line that ends without a closing mark or a colon and is
full: it reaches to within `FULL_SLACK` font sizes of the right edge of the
text read so far, so the next word did not fit on it, where a paragraph's own
last line stops short. Running heads, feet, page numbers and footnotes are out of
the way by then (`kb.extract.pdf`, `Structurer.footnote`), so the lines
compared are the text's own; a heading, a table or a new list item atop the
next page is never glued on, and the paragraph keeps the page it starts on.
"""

from __future__ import annotations

import re
from typing import Protocol

from kb.extract.pdf_footnotes import NOTE_MARK
from kb.extract.structure import OutlineBuilder, clean

BULLET = re.compile(r"^(?:[•●▪◦‣∙·*–-]|\d{1,2}[.)]|[a-z][.)])\s+")
MAX_HEADING_WORDS = 16
PARAGRAPH_GAP = 1.6
FULL_SLACK = 8.0
# "1. Scope", "2.3 Rates", "2.3. Rates": a numbered heading starts, none runs on.
_SECTION_NUMBER = re.compile(r"^\d{1,3}(?:\.\d{1,3})*\.(?:\d{1,3})?\s+\S")
_SENTENCE_END = re.compile(r"[.!?…][\"'”’»)\]]*$")
_OPENING = "\"'“‘„«(["


class ReadLine(Protocol):
    """A line of a PDF as `kb.extract.pdf` reads it."""

    @property
    def text(self) -> str: ...

    @property
    def size(self) -> float: ...

    @property
    def top(self) -> float: ...

    @property
    def page(self) -> int: ...

    @property
    def column_start(self) -> bool: ...

    @property
    def right(self) -> float: ...


def new_column(prev: ReadLine, line: ReadLine) -> bool:
    """Whether `line` opens a column after `prev` ended one (module docstring)."""
    if prev.page != line.page:
        return False
    return line.column_start or line.top - prev.top > max(line.size, 1.0)


def runs_on(before: str, after: str) -> bool:
    """Whether `after`, atop a column, goes on with the sentence `before` ends the last one with."""
    before, after = before.rstrip(), after.lstrip().lstrip(_OPENING)
    return bool(before) and not _SENTENCE_END.search(before) and after[:1].islower()


def runs_onto_page(before: str, after: str, full: bool) -> bool:
    """Whether `after`, atop a page, goes on with the sentence `before` ends the
    last page with: as atop a column (`runs_on`), or with a capital after a
    `full` line that ends without a closing mark or a colon (module docstring)."""
    if runs_on(before, after):
        return True
    before, after = before.rstrip(), after.lstrip().lstrip(_OPENING)
    ended = not before or bool(_SENTENCE_END.search(before)) or before.endswith(":")
    return full and not ended and after[:1].isupper()


class Structurer:
    """Turns the lines of a PDF, in reading order, into headings, paragraphs and
    lists (module docstring)."""

    def __init__(
        self, outline: dict[str, int], levels: dict[float, int], builder: OutlineBuilder
    ) -> None:
        self.outline = outline
        self.levels = levels
        self.builder = builder
        self.para: list[str] = []
        self.items: list[str] = []
        self.para_page: int | None = None
        self.prev: ReadLine | None = None
        self.pending: tuple[int, list[str], float] | None = None  # level, lines, size
        self.right = 0.0  # the right edge of the text read so far
        self.notes: list[tuple[int, list[str]]] = []  # footnotes set aside: page, lines

    def add(self, line: ReadLine) -> None:
        text = clean(line.text)
        self.right = max(self.right, line.right)
        size = round(line.size * 2) / 2
        level = self.outline.get(text.lower()) or (
            self.levels.get(size) if len(text.split()) <= MAX_HEADING_WORDS else None
        )
        if level:
            self._heading(line, text, size, level)
        else:
            self._body(line, text)
        self.prev = line

    def finish(self) -> None:
        self._flush()
        self._emit_heading()

    def table(self, rows: list[list[str]], first: ReadLine, header_rows: int = 0) -> None:
        """The rows of a table that starts with the line `first`, its first
        `header_rows` its header."""
        self._flush()
        self._emit_heading()
        self.builder.table(rows, page=first.page, header_rows=header_rows)
        self.prev = first

    def footnote(self, line: ReadLine) -> None:
        """A line of a footnote at the page's foot (`kb.extract.pdf_footnotes`):
        set aside, and given after the paragraph or list it interrupted, which
        may run on onto the next page, ends."""
        text = clean(line.text)
        if NOTE_MARK.match(text) or not self.notes:
            self.notes.append((line.page, [text]))
        else:
            self.notes[-1][1].append(text)

    def _flush(self) -> None:
        if self.items:
            self.builder.list(self.items, ordered=False, page=self.para_page)
        elif self.para:
            self.builder.paragraph(join_lines(self.para), page=self.para_page)
        self.para, self.items, self.para_page = [], [], None
        for page, lines in self.notes:
            self.builder.paragraph(join_lines(lines), page=page)
        self.notes = []

    def _emit_heading(self) -> None:
        if self.pending:
            self.builder.heading(self.pending[0], " ".join(self.pending[1]))
            self.pending = None

    def _heading(self, line: ReadLine, text: str, size: float, level: int) -> None:
        self._flush()
        pending, prev = self.pending, self.prev
        if (
            pending
            and pending[2] == size
            and prev is not None
            and prev.page == line.page
            and not self.outline.get(text.lower())
            and not _SECTION_NUMBER.match(text)
        ):
            pending[1].append(text)  # a heading wrapped over two lines
            return
        self._emit_heading()
        self.pending = (level, [text], size)

    def _breaks(self, line: ReadLine, text: str) -> bool:
        """Whether `line` starts a new block: after a gap, or atop a page or a
        column unless the text runs on into it."""
        prev = self.prev
        if prev is None:
            return False
        last = self.items[-1] if self.items else self.para[-1] if self.para else ""
        if prev.page != line.page:
            full = prev.right >= self.right - FULL_SLACK * max(prev.size, 1.0)
            return not runs_onto_page(last, text, full)
        if prev.top - line.top > PARAGRAPH_GAP * max(line.size, 1.0):
            return True
        return new_column(prev, line) and not runs_on(last, text)

    def _body(self, line: ReadLine, text: str) -> None:
        self._emit_heading()
        gap = self._breaks(line, text)
        bullet = BULLET.match(text)
        continues_sentence = (
            self.para
            and not self.items
            and not gap
            and text[:1].isdigit()
            and not self.para[-1].rstrip().endswith((":", "."))
        )
        if bullet and not continues_sentence:
            if self.para and not self.items:
                self._flush()
            self.items.append(text[bullet.end() :])
            self.para_page = self.para_page or line.page
        elif self.items and not gap:
            self.items[-1] = join_lines([self.items[-1], text])
        else:
            if gap or self.items:
                self._flush()
            self.para.append(text)
            self.para_page = self.para_page or line.page


def join_lines(lines: list[str]) -> str:
    """Lines of one paragraph as one string, undoing hyphenation at line ends."""
    out = ""
    for line in lines:
        if out.endswith("-") and len(out) > 1 and out[-2].isalpha() and line[:1].islower():
            out = out[:-1] + line
        else:
            out = f"{out} {line}" if out else line
    return out
