"""The text of a Word document's parts as Word shows them, for `kb.extract.word`.

python-docx reads a paragraph's direct runs and hyperlinks only, and a body's
direct paragraphs and tables: text a reviewer inserted with tracked changes
on (`w:ins`), every paragraph inside a content control (`w:sdt`, which
templates wrap whole sections in) and the footnotes were missing from the
index. Here a paragraph's text is every `w:t` below it in document order,
less what tracked changes deleted or moved away and text formatted as hidden
(templates' instructions to the writer); text boxes and footnotes
are read as paragraphs of their own; the table of contents Word generates
is left out (it repeats the headings, with page numbers).

A `w:t` is read whole: the parser resolves no entities (no file is fetched, no
entity expands without bound), so a reference to one the part declares itself
(`&company;`) stays a node in the text, and the words after it hang on that
node; reading only the element's own text lost them. The reference is said as
its declaration's plain text, and a symbol run (`w:sym`, a character picked
from a font's table) as its character, unless it is one of a symbol font's own
glyphs (Wingdings' tick), which no other font shows.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

from docx.oxml.ns import qn
from docx.oxml.parser import parse_xml
from lxml import etree

_MC_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"
# Deleted or moved-away text, and the copy of a drawing for old Word versions.
_LEFT_OUT = {qn("w:del"), qn("w:moveFrom"), _MC_FALLBACK}
_REVISIONS = (qn("w:ins"), qn("w:del"), qn("w:moveFrom"), qn("w:moveTo"))
_SPACES = {qn("w:tab"), qn("w:br"), qn("w:cr"), qn("w:ptab")}
_NOTE_REFERENCES = {qn("w:footnoteReference"): "footnote", qn("w:endnoteReference"): "endnote"}
_TEXT_BOX = qn("w:txbxContent")
_TEXT = qn("w:t")
_SYMBOL = qn("w:sym")
# Where Word puts the glyphs of symbol fonts (Symbol, Wingdings): no character of their own.
_FONT_GLYPHS = range(0xF000, 0xF100)
_NOTE_RELS = {
    "footnote": "http://schemas.openxmlformats.org/officeDocument/2006/relationships/footnotes",
    "endnote": "http://schemas.openxmlformats.org/officeDocument/2006/relationships/endnotes",
}


@dataclass
class Notes:
    """The document's footnotes and endnotes by (kind, id), and those referenced
    since the last `take`, numbered in reading order as Word numbers them."""

    texts: dict[tuple[str, str], str] = field(default_factory=dict)
    pending: list[str] = field(default_factory=list)
    counters: dict[str, int] = field(default_factory=dict)

    def reference(self, kind: str, note_id: str) -> str:
        """The marker shown in the text for a note reference ('' for an unknown note)."""
        text = self.texts.get((kind, note_id))
        if not text:
            return ""
        number = self.counters[kind] = self.counters.get(kind, 0) + 1
        marker = f"[{number}]" if kind == "footnote" else f"[{_roman(number)}]"
        self.pending.append(f"{marker} {text}")
        return marker

    def take(self) -> list[str]:
        """The notes referenced since the last call, as paragraphs."""
        taken, self.pending = self.pending, []
        return taken


def _roman(number: int) -> str:
    """Endnotes are numbered i, ii, iii… in Word."""
    out = ""
    for value, letters in ((10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i")):
        while number >= value:
            out, number = out + letters, number - value
    return out


def _hidden(run: etree._Element) -> bool:
    """Whether a run is formatted as hidden text (Word shows it to no reader)."""
    flag = run.find(f"{qn('w:rPr')}/{qn('w:vanish')}")
    return flag is not None and flag.get(qn("w:val"), "true") not in {"0", "false", "off"}


def _descendants(element: etree._Element) -> Iterator[etree._Element]:
    """Elements below `element` in document order, deleted and hidden text and
    text boxes left out."""
    for child in element:
        if child.tag in _LEFT_OUT or child.tag == _TEXT_BOX:
            continue
        if child.tag == qn("w:r") and _hidden(child):
            continue
        yield child
        yield from _descendants(child)


def _declared(entity: etree._Entity) -> str:
    """The text an entity reference stands for, where the part declares it as plain
    text in its own document type ('' otherwise: nothing is fetched or expanded)."""
    dtd = entity.getroottree().docinfo.internalDTD
    for found in dtd.iterentities() if dtd is not None else ():
        if found.name == entity.name:
            content = found.content or ""
            return "" if "&" in content or "<" in content else content
    return ""


def text_of(t: etree._Element) -> str:
    """The text of a `w:t`, with the words after an entity reference in it."""
    if not len(t):
        return t.text or ""
    parts = [t.text or ""]
    for child in t:
        if isinstance(child, etree._Entity):
            parts.append(_declared(child))
        parts.append(child.tail or "")
    return "".join(parts)


def symbol_text(sym: etree._Element) -> str:
    """The character of a symbol run ('' for a symbol font's own glyph)."""
    try:
        code = int(sym.get(qn("w:char"), ""), 16)
    except ValueError:
        return ""
    if code in _FONT_GLYPHS or code < 0x20 or 0xD800 <= code < 0xE000 or code > 0x10FFFF:
        return ""
    return chr(code)


def paragraph_text(p: etree._Element, notes: Notes | None = None) -> str:
    """The text of paragraph `p` as Word shows it with tracked changes accepted."""
    parts: list[str] = []
    for element in _descendants(p):
        tag = element.tag
        if tag == _TEXT:
            parts.append(text_of(element))
        elif tag == _SYMBOL:
            parts.append(symbol_text(element))
        elif tag in _SPACES:
            parts.append(" ")
        elif tag == qn("w:noBreakHyphen"):
            parts.append("-")
        elif tag in _NOTE_REFERENCES and notes is not None:
            parts.append(notes.reference(_NOTE_REFERENCES[tag], element.get(qn("w:id"), "")))
    return "".join(parts)


def text_boxes(p: etree._Element) -> list[str]:
    """The paragraphs of the text boxes anchored in paragraph `p`, once each."""
    out: list[str] = []
    for box in p.iter(_TEXT_BOX):
        if any(a.tag in _LEFT_OUT for a in box.iterancestors()):
            continue
        out.extend(paragraph_text(inner) for inner in box.iter(qn("w:p")))
    return [text for text in out if text.strip()]


def cell_text(tc: etree._Element, notes: Notes | None = None) -> str:
    """A table cell's text: its paragraphs, those of tables nested in it included."""
    return " ".join(paragraph_text(p, notes) for p in tc.iter(qn("w:p")))


def is_table_of_contents(sdt: etree._Element) -> bool:
    """Whether a content control holds the table of contents Word generates."""
    gallery = sdt.find(f"{qn('w:sdtPr')}/{qn('w:docPartObj')}/{qn('w:docPartGallery')}")
    return gallery is not None and (gallery.get(qn("w:val")) or "").startswith("Table of Contents")


def has_revisions(body: etree._Element) -> bool:
    """Whether the document holds tracked changes nobody accepted or rejected yet."""
    return any(True for _ in body.iter(*_REVISIONS))


def read_notes(document_part: object) -> Notes:
    """The footnotes and endnotes of a document part, by kind and id."""
    notes = Notes()
    rels = getattr(document_part, "rels", {})
    for rel in rels.values():
        kind = next((k for k, t in _NOTE_RELS.items() if rel.reltype == t), None)
        if kind is None or rel.is_external:
            continue
        try:  # python-docx's parser: no entities resolved, nothing fetched
            root = parse_xml(rel.target_part.blob)
        except etree.XMLSyntaxError:
            continue
        for note in root.iter(qn(f"w:{kind}")):
            if note.get(qn("w:type")) in {"separator", "continuationSeparator"}:
                continue
            text = " ".join(paragraph_text(p) for p in note.iter(qn("w:p"))).strip()
            if text:
                notes.texts[(kind, note.get(qn("w:id"), ""))] = text
    return notes


# What python-docx reads as a run's text (`Run.text`), in document order.
_RUN_TEXT = {qn(f"w:{tag}") for tag in ("br", "cr", "noBreakHyphen", "ptab", "t", "tab")}


def run_text(r: etree._Element) -> str:
    """A run's text as python-docx's `Run.text` gives it. That one asks libxml2
    for a union of six element kinds, whose merge takes time quadratic in the
    run's children: one run of 40,000 lines (`w:t` and `w:br`) took seconds
    each time it was read. Here the children are read once, in order."""
    return "".join(
        text_of(child) if child.tag == _TEXT else str(child)
        for child in r
        if child.tag in _RUN_TEXT
    )


def direct_text(p: etree._Element) -> str:
    """A paragraph's text as python-docx's `Paragraph.text` gives it (its direct
    runs and hyperlinks), in time linear in its children (see `run_text`)."""
    parts: list[str] = []
    for child in p:
        if child.tag == qn("w:r"):
            parts.append(run_text(child))
        elif child.tag == qn("w:hyperlink"):
            parts.extend(run_text(r) for r in child if r.tag == qn("w:r"))
    return "".join(parts)
