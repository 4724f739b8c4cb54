"""What extraction produces: a document as structure, not as a flat string.

A document is a title, what its file says about itself (language, author,
date modified) and sections in reading order. Each section has the path of
headings above it and blocks (paragraphs, lists, tables) that keep their
structure, so the indexer can cut passages along headings and the article page
can show lists and tables as such. Blocks remember the page they start on and
sections the number printed before their heading ("3.2"), which is what
citations name.

Records travel as JSON between the extraction worker and its caller and into
the extraction cache, hence `to_dict`/`from_dict`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from enum import Enum
from typing import Any

from kb.extract.table_markdown import markdown_table


class BlockKind(str, Enum):  # noqa: UP042 - values are stored as plain strings
    PARAGRAPH = "paragraph"
    LIST = "list"
    TABLE = "table"


# Levels of nesting a list item's text is indented by, at most: Word's nine
# (0-8). An HTML page or ODT nests lists up to 127 deep within the parser's
# limit, and two spaces a level for every item made the text grow as the
# square of the page: 2 MB of nested lists read as 13 MB, mostly spaces.
MAX_INDENT = 8


def nested_levels(levels: tuple[int, ...]) -> bool:
    """Whether `levels` can nest a list: the first item at 0, each next one at
    most one level deeper than the one before it."""
    previous = -1
    for level in levels:
        if level < 0 or level > previous + 1:
            return False
        previous = level
    return True


@dataclass(frozen=True)
class Block:
    """A paragraph, a list (items, each at its level of nesting) or a table (rows
    of cells)."""

    kind: BlockKind
    text: str = ""
    items: tuple[str, ...] = ()
    ordered: bool = False
    rows: tuple[tuple[str, ...], ...] = ()
    page: int | None = None
    # How deep each item is nested (0: the list itself); empty: none is.
    levels: tuple[int, ...] = ()
    # Whether each item is numbered, for a list whose levels differ in type (a
    # numbered list inside a bulleted one); empty: every item as `ordered` says.
    numbered: tuple[bool, ...] = ()
    # How many of a table's first rows the source marks as its header (Word's
    # "repeat as header row", HTML's `th` or `thead`, a PDF's first row set apart).
    header_rows: int = 0

    def __post_init__(self) -> None:
        if self.kind is BlockKind.PARAGRAPH and not self.text:
            raise ValueError("a paragraph block needs text")
        if self.kind is BlockKind.LIST and not self.items:
            raise ValueError("a list block needs items")
        if self.kind is BlockKind.TABLE and not self.rows:
            raise ValueError("a table block needs rows")
        if not 0 <= self.header_rows <= len(self.rows):
            raise ValueError(f"{self.header_rows} header rows for {len(self.rows)} rows")
        if self.levels and not nested_levels(self.levels):
            raise ValueError(
                f"list levels {self.levels!r} must be one per item, start at 0 and go at "
                "most one deeper at a time"
            )
        if self.levels and len(self.levels) != len(self.items):
            raise ValueError(f"{len(self.levels)} list levels for {len(self.items)} items")
        if self.numbered and len(self.numbered) != len(self.items):
            raise ValueError(f"{len(self.numbered)} list types for {len(self.items)} items")
        if self.numbered and self.numbered[0] != self.ordered:
            raise ValueError(
                f"the first item's type (numbered={self.numbered[0]!r}) must be the list's "
                f"(ordered={self.ordered!r})"
            )

    def item_levels(self) -> tuple[int, ...]:
        """The level of each item (0 for all of a list that does not nest)."""
        return self.levels or (0,) * len(self.items)

    def item_numbered(self) -> tuple[bool, ...]:
        """Whether each item is numbered (its own list's type, level by level)."""
        return self.numbered or (self.ordered,) * len(self.items)

    def _list_plain(self) -> str:
        lines: list[str] = []
        counts: list[int] = []  # the items so far of each list open, outermost first
        types: list[bool] = []  # and whether it is numbered
        for item, level, numbered in zip(
            self.items, self.item_levels(), self.item_numbered(), strict=True
        ):
            del counts[level + 1 :], types[level + 1 :]
            if len(counts) == level:
                counts.append(0)
                types.append(numbered)
            elif types[level] != numbered:  # a list of the other type starts here
                counts[level], types[level] = 0, numbered
            counts[level] += 1
            mark = f"{counts[level]}." if numbered else "-"
            lines.append(f"{'  ' * min(level, MAX_INDENT)}{mark} {item}")
        return "\n".join(lines)

    @property
    def plain(self) -> str:
        """The block as plain text lines (lists as '- item' or '1. item', each level
        of nesting by its own type and counting from 1, nested items indented by
        two spaces a level, `MAX_INDENT` levels at most; a table as a Markdown table, its first row the header)."""
        if self.kind is BlockKind.LIST:
            return self._list_plain()
        if self.kind is BlockKind.TABLE:
            return markdown_table(self.rows)
        return self.text

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"kind": self.kind.value}
        if self.text:
            out["text"] = self.text
        if self.items:
            out["items"] = list(self.items)
            out["ordered"] = self.ordered
        if any(self.levels):
            out["levels"] = list(self.levels)
        if self.numbered:
            out["numbered"] = list(self.numbered)
        if self.rows:
            out["rows"] = [list(r) for r in self.rows]
        if self.header_rows:
            out["header_rows"] = self.header_rows
        if self.page is not None:
            out["page"] = self.page
        return out

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Block:
        return cls(
            kind=BlockKind(data["kind"]),
            text=data.get("text", ""),
            items=tuple(data.get("items", ())),
            ordered=bool(data.get("ordered", False)),
            rows=tuple(tuple(r) for r in data.get("rows", ())),
            page=data.get("page"),
            levels=tuple(data.get("levels", ())),
            numbered=tuple(bool(n) for n in data.get("numbered", ())),
            header_rows=int(data.get("header_rows", 0)),
        )


@dataclass(frozen=True)
class DocumentSection:
    """The blocks under one heading path; the text before the first heading has path ()."""

    headings: tuple[str, ...]
    blocks: tuple[Block, ...] = ()
    number: str = ""

    @property
    def text(self) -> str:
        return "\n".join(b.plain for b in self.blocks)

    @property
    def page(self) -> int | None:
        """The page the section's text starts on (PDF only)."""
        return next((b.page for b in self.blocks if b.page is not None), None)

    def to_dict(self) -> dict[str, Any]:
        return {
            "headings": list(self.headings),
            "blocks": [b.to_dict() for b in self.blocks],
            "number": self.number,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> DocumentSection:
        return cls(
            headings=tuple(data["headings"]),
            blocks=tuple(Block.from_dict(b) for b in data["blocks"]),
            number=data.get("number", ""),
        )


@dataclass(frozen=True)
class ExtractedDocument:
    """One file's text and metadata. Empty strings mean "the file does not say"."""

    format: str
    title: str = ""
    sections: tuple[DocumentSection, ...] = ()
    author: str = ""
    language: str = ""
    modified: date | None = None
    pages: int | None = None
    warnings: tuple[str, ...] = field(default=())

    @property
    def text(self) -> str:
        return "\n\n".join(s.text for s in self.sections if s.blocks)

    def to_dict(self) -> dict[str, Any]:
        return {
            "format": self.format,
            "title": self.title,
            "sections": [s.to_dict() for s in self.sections],
            "author": self.author,
            "language": self.language,
            "modified": self.modified.isoformat() if self.modified else None,
            "pages": self.pages,
            "warnings": list(self.warnings),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ExtractedDocument:
        modified = data.get("modified")
        return cls(
            format=data["format"],
            title=data.get("title", ""),
            sections=tuple(DocumentSection.from_dict(s) for s in data.get("sections", ())),
            author=data.get("author", ""),
            language=data.get("language", ""),
            modified=date.fromisoformat(modified) if modified else None,
            pages=data.get("pages"),
            warnings=tuple(data.get("warnings", ())),
        )
