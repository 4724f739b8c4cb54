"""Building sections from a stream of headings and blocks, for every format.

Extractors walk their file in reading order and call `heading`, `paragraph`,
`list` and `table`; the builder keeps the heading path (a heading closes every
deeper one), notes printed section numbers ("3.2 Travel costs"), collapses
white space and cuts the text at the character budget with a warning.
"""

from __future__ import annotations

import builtins
import re

from kb.extract.document import Block, BlockKind, DocumentSection

_SPACES = re.compile(r"\s+")
# "3", "3.2", "3.2.1", "A.1", "IV." followed by the heading's words.
_NUMBERED = re.compile(r"^((?:\d{1,3}|[A-Z])(?:\.\d{1,3})*\.?|[IVX]{1,5}\.)\s+(?=\S)")


def clean(text: str) -> str:
    """One line of text: white space collapsed, soft hyphens and NULs dropped."""
    return _SPACES.sub(" ", text.replace("\u00ad", "").replace("\x00", "")).strip()


def heading_number(title: str) -> str:
    """The section number printed before a heading, without a trailing dot ('' if none)."""
    match = _NUMBERED.match(title)
    if not match:
        return ""
    number = match.group(1).rstrip(".")
    # A lone capital letter or numeral is a number only when it is followed by a
    # dot ("A. Scope"); "A guide to…" is not section A.
    if number.isalpha() and not match.group(1).endswith("."):
        return ""
    return number


class OutlineBuilder:
    """Collects blocks under headings; `sections()` gives the result."""

    def __init__(self, max_chars: int) -> None:
        self._max_chars = max_chars
        self._chars = 0
        self._path: list[tuple[int, str]] = []
        self._number = ""
        self._blocks: list[Block] = []
        self._sections: list[DocumentSection] = []
        self.truncated = False
        self.first_heading = ""

    def _take(self, text: str) -> str | None:
        if self.truncated:
            return None
        room = self._max_chars - self._chars
        if len(text) > room:
            self.truncated = True
            text = text[:room].rsplit(" ", 1)[0] if room > 0 else ""
        self._chars += len(text)
        return text or None

    def _close(self) -> None:
        headings = tuple(t for _, t in self._path)
        if self._blocks or (headings and not self._sections_end_with(headings)):
            self._sections.append(DocumentSection(headings, tuple(self._blocks), self._number))
        self._blocks = []

    def _sections_end_with(self, headings: tuple[str, ...]) -> bool:
        return bool(self._sections) and self._sections[-1].headings == headings

    def heading(self, level: int, title: str, number: str = "") -> None:
        """Start a section under `title` at `level` (1 = top)."""
        title = clean(title)
        if not title or self.truncated:
            return
        self._close()
        level = max(1, min(level, 6))
        self._path = [(lv, t) for lv, t in self._path if lv < level] + [(level, title)]
        self._number = number or heading_number(title)
        if not self.first_heading:
            self.first_heading = title

    def paragraph(self, text: str, page: int | None = None) -> None:
        taken = self._take(clean(text))
        if taken:
            self._blocks.append(Block(BlockKind.PARAGRAPH, text=taken, page=page))

    def list(
        self,
        items: builtins.list[str],
        ordered: bool = False,
        page: int | None = None,
        levels: builtins.list[int] | None = None,
        numbered: builtins.list[bool] | None = None,
    ) -> None:
        """A list of `items`, each nested `levels` deep (0: not nested; an item can
        be at most one level deeper than the one before it, and is taken so) and
        each `numbered` or not as its own level's list is (None: all as `ordered`)."""
        kept: builtins.list[str] = []
        depths: builtins.list[int] = []
        types: builtins.list[bool] = []
        for item, level, number in zip(
            items,
            levels or [0] * len(items),
            numbered or [ordered] * len(items),
            strict=True,
        ):
            text = clean(item)
            taken = self._take(text) if text else None
            if taken:
                kept.append(taken)
                depths.append(max(0, min(level, depths[-1] + 1 if depths else 0)))
                types.append(number)
        if kept:
            self._blocks.append(
                Block(
                    BlockKind.LIST,
                    items=tuple(kept),
                    ordered=types[0],
                    page=page,
                    levels=tuple(depths) if any(depths) else (),
                    numbered=tuple(types) if len(set(types)) > 1 else (),
                )
            )

    def table(
        self, rows: builtins.list[builtins.list[str]], page: int | None = None, header_rows: int = 0
    ) -> None:
        """A table; its first `header_rows` rows are its header (column headings)."""
        kept: list[tuple[str, ...]] = []
        header = 0
        for number, row in enumerate(rows):
            cells = [clean(c) for c in row]
            if not any(cells):
                continue
            taken = self._take(" ".join(cells))
            if taken is None:
                break
            kept.append(tuple(cells))
            header += number < header_rows
        if kept:
            # A table that is all header (its body cut at the budget) has none.
            header = header if header < len(kept) else 0
            self._blocks.append(
                Block(BlockKind.TABLE, rows=tuple(kept), page=page, header_rows=header)
            )

    def warnings(self) -> tuple[str, ...]:
        """What the document should say about how it was read (text cut at the budget)."""
        return (f"text cut after {self._max_chars:,} characters",) if self.truncated else ()

    def sections(self) -> tuple[DocumentSection, ...]:
        self._close()
        return tuple(self._sections)
