"""A Word document's styles and list numbering, each looked up in a mapping
made once per document, for `kb.extract.word` and `kb.extract.word_formatting`.

python-docx finds a paragraph's or a run's style by scanning every style of
the document (an XPath for a style id, a list of all styles for the default
one), and a style's base style likewise; the numbering of a list was found
by scanning every numbering definition. Asked once per run and per
paragraph, that cost the number of runs times the number of styles: a
content owner's DOCX of 40,000 short runs in one paragraph (the styles of
Word's own template) took three minutes (load average 5), past
`extract_seconds` at every index run (time-outs are tried again), and a file
with more styles grows as the square of its size; a paragraph's own
properties were searched for through all of its runs, for each run.
Here each is a dictionary lookup, with the answers python-docx gives (the
first style of an id, the last default of a type, the default where the id
names a style of another type).
"""

from __future__ import annotations

from typing import Any

from docx.document import Document as DocxDocument
from docx.enum.style import WD_STYLE_TYPE
from docx.oxml.ns import qn
from docx.styles.style import BaseStyle, StyleFactory
from docx.text.paragraph import Paragraph
from docx.text.run import Run

CHAIN_LENGTH = 10  # base styles followed at most (Word allows loops)


class StyleBook:
    """The styles of one document by id, and each style's chain of base styles."""

    def __init__(self, document: DocxDocument) -> None:
        self._elements = document.styles.element.findall(qn("w:style"))
        self._by_id: dict[str, Any] = {}
        for element in self._elements:
            style_id = element.get(qn("w:styleId"))
            if style_id is not None:
                self._by_id.setdefault(style_id, element)
        # Read when first needed, as python-docx reads them (a value it cannot
        # read fails where it would fail there).
        self._kinds: dict[Any, Any] = {}
        self._defaults: dict[Any, Any] = {}
        self._styles: dict[Any, BaseStyle] = {}
        self._chains: dict[Any, tuple[Any, ...]] = {}
        self._paragraphs: dict[Any, BaseStyle | None] = {}

    def paragraph_style(self, paragraph: Paragraph) -> BaseStyle | None:
        """The paragraph's style, as `paragraph.style` finds it. Kept per paragraph:
        a paragraph without properties is searched through all its runs for them."""
        p = paragraph._p
        if p not in self._paragraphs:
            self._paragraphs[p] = self._style(p.style, WD_STYLE_TYPE.PARAGRAPH)
        return self._paragraphs[p]

    def run_style(self, run: Run) -> BaseStyle | None:
        """The run's character style, as `run.style` finds it."""
        return self._style(run._r.style, WD_STYLE_TYPE.CHARACTER)

    def chain(self, style: BaseStyle | None) -> tuple[Any, ...]:
        """The style and its base styles, `CHAIN_LENGTH` at most."""
        if style is None:
            return ()
        found = self._chains.get(style.element)
        if found is None:
            links: list[BaseStyle] = []
            element = style.element
            while element is not None and len(links) < CHAIN_LENGTH:
                links.append(self._proxy(element))
                based_on = element.basedOn
                element = self._by_id.get(based_on.val) if based_on is not None else None
            found = self._chains[style.element] = tuple(links)
        return found

    def _style(self, style_id: str | None, kind: WD_STYLE_TYPE) -> BaseStyle | None:
        element = self._by_id.get(style_id) if style_id is not None else None
        if element is None or self._kind(element) != kind:
            element = self._default(kind)
        return self._proxy(element) if element is not None else None

    def _kind(self, element: Any) -> Any:
        if element not in self._kinds:
            self._kinds[element] = element.type
        return self._kinds[element]

    def _default(self, kind: WD_STYLE_TYPE) -> Any:
        """The last style of the kind marked default (None: none is)."""
        if kind not in self._defaults:
            marked = [e for e in self._elements if self._kind(e) == kind and e.default]
            self._defaults[kind] = marked[-1] if marked else None
        return self._defaults[kind]

    def _proxy(self, element: Any) -> BaseStyle:
        style = self._styles.get(element)
        if style is None:
            style = self._styles[element] = StyleFactory(element)
        return style


class NumberingBook:
    """Whether a list's numbering (numId, level) counts (1, a, i) or bullets."""

    def __init__(self, document: DocxDocument) -> None:
        try:
            numbering = document.part.numbering_part.element
        except (KeyError, NotImplementedError, AttributeError):
            numbering = None
        # numId -> the abstract numbering each of its definitions names (None: none), in order.
        self._nums: dict[str | None, list[str | None]] = {}
        # (abstract id, level) -> whether the first such level definition counts.
        self._levels: dict[tuple[str | None, str | None], bool] = {}
        self._answers: dict[tuple[str, str], bool] = {}
        if numbering is None:
            return
        for num in numbering.findall(qn("w:num")):
            abstract = num.find(qn("w:abstractNumId"))
            named = abstract.get(qn("w:val")) if abstract is not None else None
            self._nums.setdefault(num.get(qn("w:numId")), []).append(
                named if abstract is not None else _NO_ABSTRACT
            )
        for anum in numbering.findall(qn("w:abstractNum")):
            abstract_id = anum.get(qn("w:abstractNumId"))
            for lvl in anum.findall(qn("w:lvl")):
                key = (abstract_id, lvl.get(qn("w:ilvl")))
                if key not in self._levels:
                    fmt = lvl.find(qn("w:numFmt"))
                    self._levels[key] = fmt is not None and fmt.get(qn("w:val")) not in {
                        "bullet",
                        "none",
                    }

    def is_ordered(self, num_id: str, ilvl: str) -> bool:
        """Numbered (True) or bulleted; False when nothing defines it."""
        key = (num_id, ilvl)
        if key not in self._answers:
            self._answers[key] = self._ordered(num_id, ilvl)
        return self._answers[key]

    def _ordered(self, num_id: str, ilvl: str) -> bool:
        for abstract in self._nums.get(num_id, ()):
            if abstract is _NO_ABSTRACT:
                return False
            found = self._levels.get((abstract, ilvl))
            if found is not None:
                return found
        return False


# A numbering definition without an abstract numbering (ends the search: not ordered).
_NO_ABSTRACT: Any = object()
