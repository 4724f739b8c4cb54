"""ODT (OpenDocument text) through odfdo (Apache-2.0).

Chosen over odfpy by measurement on four handbook chapters converted by
pandoc: 9-15 ms per file against 33-60 ms, and odfdo is maintained (odfpy's
last release is from 2020). Headings are `text:h` with their outline level,
lists keep their nesting and the numbered or bulleted type of each level
(from the list style), tables keep their structure, sections and frames are walked in
reading order.
"""

from __future__ import annotations

import io
import zipfile
import zlib
from datetime import datetime

from odfdo import Document, Element

from kb.extract.base import Limits
from kb.extract.document import ExtractedDocument
from kb.extract.problem_texts import document_error, malformed
from kb.extract.structure import OutlineBuilder, clean
from kb.extract.titles import property_author, property_title
from kb.extract.zipped import open_zip

_CONTAINERS = {
    "text:section",
    "text:index-body",
    "office:text",
    "draw:frame",
    "draw:text-box",
    "text:soft-page-break",
}


# Comments (with their author and date) are the writers' notes to each other, and
# deleted text of tracked changes is kept apart: neither is text of the document.
_LEFT_OUT = {"office:annotation", "office:annotation-end", "text:tracked-changes"}


def _text(element: Element, notes: list[str]) -> str:
    """The text of a paragraph or cell as the document shows it: comments left
    out, a footnote as its citation ("[1]") with its text added to `notes`."""
    parts = [element.text or ""]
    for child in element.children:
        if child.tag == "text:note":
            cited = child.get_element("text:note-citation")
            citation = clean(_text(cited, [])) if cited is not None else ""
            body = child.get_element("text:note-body")
            note = " ".join(_text(p, notes) for p in body.children) if body is not None else ""
            parts.append(f"[{citation}]")
            if clean(note):
                notes.append(f"[{citation}] {note}")
        elif child.tag == "text:s":
            parts.append(_spaces(child))
        elif child.tag not in _LEFT_OUT:
            parts.append(_text(child, notes) if child.children else str(child))
        parts.append(child.tail or "")
    return "".join(parts)


def _spaces(element: Element) -> str:
    """A run of spaces (`text:s`) as one space: every text is collapsed so anyway
    (`kb.extract.structure.clean`), and the count is the writer's: one
    `text:c="2000000000"` in a file of a kilobyte made the reader build a string
    of two billion spaces (seconds, then past `extract_memory_mb`, at every
    index run, since a memory failure is tried again)."""
    count = element.get_attribute_integer("text:c")
    return "" if count is not None and count < 1 else " "


class ListStyles:
    """Whether each level of a list style is numbered, from the document's
    `text:list-style`s (automatic ones in content.xml, named ones in styles.xml):
    a `text:list-level-style-number` level with a number format is numbered, a
    bullet or picture level is not."""

    def __init__(self, document: Document) -> None:
        self._levels: dict[str, dict[int, bool]] = {}
        for part in (document.styles, document.content):
            for style in part.get_elements("//text:list-style"):
                name = style.get_attribute_string("style:name") or ""
                self._levels[name] = {
                    level.get_attribute_integer("text:level") or 1: (
                        level.tag == "text:list-level-style-number"
                        and bool(level.get_attribute_string("style:num-format"))
                    )
                    for level in style.children
                    if level.tag.startswith("text:list-level-style-")
                }

    def numbered(self, name: str, level: int) -> bool:
        """Whether items `level` deep (0: the outer list) in style `name` are numbered;
        a style the document does not define is numbered when its name says so."""
        levels = self._levels.get(name)
        if levels is None:
            return "number" in name.lower()
        return levels.get(level + 1, False)


def _list_items(
    element: Element,
    notes: list[str],
    styles: ListStyles,
    style: str = "",
    level: int = 0,
) -> list[tuple[str, int, bool]]:
    """Each item of a list in reading order with how deep it is nested and whether
    its level is numbered; a nested list follows its parent item and takes its
    style from the list around it unless it names its own."""
    style = element.get_attribute_string("text:style-name") or style
    numbered = styles.numbered(style, level)
    items: list[tuple[str, int, bool]] = []
    for item in element.children:
        if item.tag not in {"text:list-item", "text:list-header"}:
            continue
        parts: list[str] = []
        for child in item.children:
            if child.tag == "text:list":
                if parts:
                    items.append((" ".join(parts), level, numbered))
                    parts = []
                items.extend(_list_items(child, notes, styles, style, level + 1))
            else:
                parts.append(_text(child, notes))
        if any(p.strip() for p in parts):
            items.append((" ".join(parts), level, numbered))
    return items


def _table_rows(element: Element, notes: list[str]) -> list[list[str]]:
    rows = []
    for row in element.xpath("descendant::table:table-row"):
        if not isinstance(row, Element):
            continue
        rows.append(
            [clean(_text(cell, notes)) for cell in row.children if cell.tag == "table:table-cell"]
        )
    return rows


def _header_rows(element: Element) -> int:
    """How many rows the table repeats as its header (`table:table-header-rows`,
    LibreOffice's "Repeat heading"); they come first in its rows."""
    found = element.xpath("table:table-header-rows/table:table-row")
    return len(found) if isinstance(found, list) else 0


def _walk(element: Element, builder: OutlineBuilder, notes: list[str], styles: ListStyles) -> None:
    """Blocks into `builder`; the footnotes of a section follow its text."""
    for child in element.children:
        if builder.truncated:
            return
        tag = child.tag
        if tag == "text:h":
            _flush_notes(builder, notes)
            level = child.get_attribute_integer("text:outline-level") or 1
            number = child.get_element("text:number")
            builder.heading(
                level,
                _heading_text(child),
                clean(_text(number, [])).rstrip(".") if number else "",
            )
        elif tag == "text:p":
            builder.paragraph(_text(child, notes))
        elif tag == "text:list":
            items = _list_items(child, notes, styles)
            if items:
                builder.list(
                    [t for t, _, _ in items],
                    items[0][2],
                    levels=[lv for _, lv, _ in items],
                    numbered=[n for _, _, n in items],
                )
        elif tag == "table:table":
            builder.table(_table_rows(child, notes), header_rows=_header_rows(child))
        elif tag in _CONTAINERS:
            _walk(child, builder, notes, styles)


def _flush_notes(builder: OutlineBuilder, notes: list[str]) -> None:
    for note in notes:
        builder.paragraph(note)
    notes.clear()


def _heading_text(element: Element) -> str:
    number = element.get_element("text:number")
    text = _text(element, [])
    printed = _text(number, []) if number is not None else ""
    if printed:
        text = text.replace(printed, "", 1)
    return text


def _encrypted(archive: zipfile.ZipFile) -> bool:
    """Whether the file was saved with a password: its manifest then says how
    each part is encrypted, and content.xml is no XML."""
    try:
        manifest = archive.read("META-INF/manifest.xml")
    except (KeyError, zipfile.BadZipFile, OSError, ValueError, zlib.error):
        return False  # no manifest, or a damaged one: reading the text says what is wrong
    return b"encryption-data" in manifest


def extract_odt(data: bytes, limits: Limits) -> ExtractedDocument:
    archive = open_zip(data, "OpenDocument text (ODT)", limits, "content.xml")
    if _encrypted(archive):
        raise document_error("encrypted", "document_encrypted_odt")
    try:
        document = Document(io.BytesIO(data))
        body = document.body
        styles = ListStyles(document)
    except Exception as exc:  # noqa: BLE001 - odfdo and lxml raise many types on damaged files
        raise malformed("OpenDocument text (ODT)", exc) from None
    builder = OutlineBuilder(limits.max_chars)
    notes: list[str] = []
    _walk(body, builder, notes, styles)
    _flush_notes(builder, notes)
    meta = document.meta
    modified = meta.date or meta.creation_date
    return ExtractedDocument(
        format="odt",
        title=property_title(meta.title) or builder.first_heading,
        sections=builder.sections(),
        author=property_author(meta.creator) or property_author(meta.initial_creator),
        language=(meta.language or "").split("-")[0].lower(),
        modified=modified.date() if isinstance(modified, datetime) else None,
        warnings=builder.warnings(),
    )
