"""DOCX through python-docx (MIT).

Chosen over mammoth by measurement on four handbook chapters converted by
pandoc: the same text (word-bigram recall 1.00), 15-49 ms per file against
57-188 ms; python-docx is also the writing side the tests use.

Headings are paragraphs whose style (or the style it is based on) is a
heading style or carries an outline level, so "Überschrift 1" in a German
Word works as "Heading 1" does; numbered headings get their number ("3.2")
from the numbering definitions. Paragraphs with list numbering become lists,
nested by their numbering level (`w:ilvl`, or the "2" of a "List Bullet 2"
style) and numbered or bulleted as the numbering definition says for that
level, so a numbered level inside a bulleted list keeps its numbers; tables
stay tables (merged cells once).
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, cast

import docx
from docx.document import Document as DocxDocument
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.coreprops import CoreProperties
from docx.opc.parts.coreprops import CorePropertiesPart
from docx.oxml.ns import qn
from docx.table import Table
from docx.text.paragraph import Paragraph

from kb.extract.base import Limits
from kb.extract.document import ExtractedDocument
from kb.extract.problem_texts import malformed
from kb.extract.structure import OutlineBuilder, clean
from kb.extract.titles import property_author, property_title
from kb.extract.word_definitions import NumberingBook, StyleBook
from kb.extract.word_formatting import formatted_headings, normal_size
from kb.extract.word_text import (
    Notes,
    cell_text,
    has_revisions,
    is_table_of_contents,
    paragraph_text,
    read_notes,
    text_boxes,
)
from kb.extract.zipped import open_zip

_TOC_STYLE = re.compile(r"^toc\b", re.I)  # "toc 1"…"toc 9", "TOC Heading"
_REVISIONS_WARNING = (
    "tracked changes are not yet accepted or rejected: the text is read as if they were "
    "accepted (insertions kept, deletions left out); accept or reject them in Word"
)
_HEADING_STYLE = re.compile(r"^(?:heading|überschrift|titre|título|titolo|kop)\s*(\d)$", re.I)
# Word's built-in nested list styles: "List Bullet 2" is the second level.
_LIST_STYLE = re.compile(r"^list (?:bullet|number)\s*(\d)$", re.I)


def _style_chain(paragraph: Paragraph, book: StyleBook) -> tuple[Any, ...]:
    return book.chain(book.paragraph_style(paragraph))


def _outline_level(paragraph: Paragraph, book: StyleBook) -> int | None:
    """1-based heading level of a paragraph, or None for body text."""
    ppr = paragraph._p.pPr
    direct = ppr.find(qn("w:outlineLvl")) if ppr is not None else None
    if direct is not None:
        value = int(direct.get(qn("w:val"), "9"))
        return value + 1 if value < 9 else None
    for style in _style_chain(paragraph, book):
        name = (style.name or "").strip()
        if name.lower() == "title":
            return 1
        match = _HEADING_STYLE.match(name)
        if match:
            return int(match.group(1))
        spr = style.element.pPr
        lvl = spr.find(qn("w:outlineLvl")) if spr is not None else None
        if lvl is not None:
            value = int(lvl.get(qn("w:val"), "9"))
            return value + 1 if value < 9 else None
    return None


def _numbering(paragraph: Paragraph, book: StyleBook) -> tuple[str, str] | None:
    """(numId, ilvl) when the paragraph is numbered, directly or through its style."""
    ppr = paragraph._p.pPr
    # python-docx types numPr's children loosely; read them as the XML they are.
    num: Any = ppr.numPr if ppr is not None else None
    if num is None:
        for style in _style_chain(paragraph, book):
            spr = style.element.pPr
            if spr is not None and spr.numPr is not None:
                num = spr.numPr
                break
    if num is None or num.numId is None or num.numId.val == 0:
        return None
    ilvl = num.ilvl.val if num.ilvl is not None else 0
    return str(num.numId.val), str(ilvl)


def _list_level(paragraph: Paragraph, ilvl: str, book: StyleBook) -> int:
    """How deep a list paragraph is nested (0: top): its numbering level, or for
    one at level 0 the level its style names ("List Number 2": 1)."""
    if int(ilvl):
        return int(ilvl)
    for style in _style_chain(paragraph, book):
        found = _LIST_STYLE.match((style.name or "").strip())
        if found:
            return max(0, int(found.group(1)) - 1)
    return 0


def _header_rows(table: Table) -> int:
    """How many of the table's first rows Word repeats atop each page as its header
    (Table Properties › Row › "Repeat as header row at the top of each page")."""
    count = 0
    for tr in table._tbl.tr_lst:
        flag = tr.find(f"{qn('w:trPr')}/{qn('w:tblHeader')}")
        if flag is None or flag.get(qn("w:val"), "true") in {"0", "false", "off"}:
            break
        count += 1
    return count


def _table_rows(table: Table, notes: Notes) -> list[list[str]]:
    rows = []
    for row in table.rows:
        cells: list[str] = []
        last = None
        for cell in row.cells:
            if cell._tc is last:  # a merged cell is repeated for every grid column
                continue
            last = cell._tc
            cells.append(cell_text(cell._tc, notes))
        rows.append(cells)
    return rows


def _blocks(container: Any, parent: Any, book: StyleBook) -> Iterator[Paragraph | Table]:
    """Paragraphs and tables in reading order, those in content controls included;
    the table of contents Word generates (a control, or paragraphs styled "TOC")
    is left out."""
    for element in container:
        if element.tag == qn("w:p"):
            paragraph = Paragraph(element, parent)
            found = book.paragraph_style(paragraph)
            style = found.name if found is not None else ""
            if not _TOC_STYLE.match(style or ""):
                yield paragraph
        elif element.tag == qn("w:tbl"):
            yield Table(element, parent)
        elif element.tag == qn("w:sdt") and not is_table_of_contents(element):
            content = element.find(qn("w:sdtContent"))
            if content is not None:
                yield from _blocks(content, parent, book)
        elif element.tag == qn("w:customXml"):
            yield from _blocks(element, parent, book)


def _language(document: DocxDocument) -> str:
    found = document.styles.element.find(f"{qn('w:docDefaults')}//{qn('w:lang')}")
    value = found.get(qn("w:val")) if found is not None else ""
    return (value or "").split("-")[0].lower()


def _core_properties(document: DocxDocument) -> CoreProperties | None:
    """The properties the file itself holds (`docProps/core.xml`), or None.

    Asked for the properties of a file without that part, python-docx makes
    them up: the title "Word Document", python-docx as its last author and
    the moment of reading as its last change. Taken as the file's own, they
    named the article "Word Document" instead of its first heading or file
    name, and dated it the day it was indexed."""
    try:
        part = document.part.package.part_related_by(RT.CORE_PROPERTIES)
    except KeyError:
        return None
    return cast(CorePropertiesPart, part).core_properties


def extract_docx(data: bytes, limits: Limits) -> ExtractedDocument:
    open_zip(data, "Word document (DOCX)", limits, "word/document.xml")
    try:
        document = docx.Document(io.BytesIO(data))
    except MemoryError:
        raise  # the worker's memory budget, not a damaged file: the worker says so
    except Exception as exc:  # noqa: BLE001 - python-docx raises many types on damaged files
        raise malformed("Word document (DOCX)", exc) from None
    builder = OutlineBuilder(limits.max_chars)
    _read_body(document, builder)
    warnings = builder.warnings()
    if has_revisions(document.element.body):
        warnings += (_REVISIONS_WARNING,)
    props = _core_properties(document)
    modified = (props.modified or props.created) if props else None
    return ExtractedDocument(
        format="docx",
        title=(property_title(props.title) if props else "") or builder.first_heading,
        sections=builder.sections(),
        author=(property_author(props.author) or property_author(props.last_modified_by))
        if props
        else "",
        language=((props.language if props else None) or "").split("-")[0].lower()
        or _language(document),
        modified=modified.date() if isinstance(modified, datetime) else None,
        warnings=warnings,
    )


def _heading_levels(
    document: DocxDocument, paragraphs: list[Paragraph], book: StyleBook
) -> dict[Any, int]:
    """Heading level by paragraph element: by heading style, or, in a document
    that uses none, by formatting (`kb.extract.word_formatting`)."""
    styled = {p._p: level for p in paragraphs if (level := _outline_level(p, book)) is not None}
    if styled:
        return styled
    numbered = {p._p for p in paragraphs if _numbering(p, book) is not None}
    return formatted_headings(paragraphs, normal_size(document), numbered, book)


@dataclass
class _ListItems:
    """Consecutive list paragraphs, until something else ends the list."""

    texts: list[str] = field(default_factory=list)
    levels: list[int] = field(default_factory=list)
    numbered: list[bool] = field(default_factory=list)

    def add(self, text: str, level: int, numbered: bool) -> None:
        self.texts.append(text)
        self.levels.append(level)
        self.numbered.append(numbered)

    def flush(self, builder: OutlineBuilder) -> None:
        if self.texts:
            builder.list(self.texts, self.numbered[0], levels=self.levels, numbered=self.numbered)
        self.texts, self.levels, self.numbered = [], [], []


def _read_body(document: DocxDocument, builder: OutlineBuilder) -> None:
    """Headings, paragraphs, lists and tables of the body into `builder`; each
    section's footnotes follow its text."""
    notes = read_notes(document.part)
    book = StyleBook(document)
    lists = NumberingBook(document)
    blocks = list(_blocks(document.element.body, document._body, book))
    levels = _heading_levels(document, [b for b in blocks if isinstance(b, Paragraph)], book)
    counters = [0] * 9
    items = _ListItems()
    for block in blocks:
        if isinstance(block, Paragraph):
            text = paragraph_text(block._p, notes)
            level = levels.get(block._p)
            numbered = _numbering(block, book)
            if level is None and numbered is not None and clean(text):
                ordered = lists.is_ordered(*numbered)
                items.add(text, _list_level(block, numbered[1], book), ordered)
                continue
            items.flush(builder)
            if level is not None:
                for note in notes.take():
                    builder.paragraph(note)
                number = ""
                if numbered is not None:
                    counters[level - 1] += 1
                    counters[level:] = [0] * (9 - level)
                    number = ".".join(str(c) for c in counters[:level] if c)
                builder.heading(level, text, number)
            else:
                builder.paragraph(text)
            for box in text_boxes(block._p):
                builder.paragraph(box)
        else:
            items.flush(builder)
            builder.table(_table_rows(block, notes), header_rows=_header_rows(block))
    items.flush(builder)
    for note in notes.take():
        builder.paragraph(note)
