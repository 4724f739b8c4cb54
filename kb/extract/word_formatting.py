"""Headings a Word document shows by formatting alone, for `kb.extract.word`.

Many Word files have no heading styles: their headings are short paragraphs
typed in bold or in a larger font, and the whole file was read as one
section under its title, so a passage could not say which part it came from.
When a document uses no heading style at all, a paragraph is read as a
heading when all of its text is bold or at least 15 % larger than the body
text, it has at most twelve words, it is no list item and it does not end
like a sentence (`.`, `:`, `,`, `;`). Levels follow the font size, largest
first; bold headings of the body's size come last. Bold marks no heading in
a document whose text is mostly bold, and a document in which most
paragraphs would qualify has no headings by formatting.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import Any

from docx.document import Document as DocxDocument
from docx.oxml.ns import qn
from docx.text.paragraph import Paragraph

from kb.extract.structure import clean
from kb.extract.word_definitions import StyleBook
from kb.extract.word_text import direct_text, run_text

RATIO = 1.15
MAX_WORDS = 12
_SENTENCE_END = (".", ":", ",", ";")


def _inherited(run: Any, paragraph: Paragraph, read: Any, book: StyleBook) -> Any:
    """A run's font property, from the run, its character style or the paragraph's style."""
    value = read(run.font)
    for style in (*book.chain(book.run_style(run)), *book.chain(book.paragraph_style(paragraph))):
        if value is not None:
            break
        value = read(style.font)
    return value


def normal_size(document: DocxDocument) -> float:
    """The body text's size in points when nothing sets another."""
    defaults = document.styles.element.find(f"{qn('w:docDefaults')}//{qn('w:sz')}")
    if defaults is not None and (defaults.get(qn("w:val")) or "").isdigit():
        return int(defaults.get(qn("w:val"))) / 2
    return 11.0


def _look(paragraph: Paragraph, normal: float, book: StyleBook) -> tuple[float, bool, int] | None:
    """(font size, all bold, characters) of a paragraph's text; None when empty."""
    runs = [(r, text) for r in paragraph.runs if (text := run_text(r._r)).strip()]
    if not runs:
        return None
    sizes = [_inherited(r, paragraph, lambda f: f.size, book) for r, _ in runs]
    size = min(s.pt if s is not None else normal for s in sizes)
    bold = all(_inherited(r, paragraph, lambda f: f.bold, book) for r, _ in runs)
    return size, bold, sum(len(text) for _, text in runs)


def formatted_headings(
    paragraphs: Sequence[Paragraph], normal: float, numbered: set[Any], book: StyleBook
) -> dict[Any, int]:
    """Heading level by paragraph element, for paragraphs that look like headings."""
    looks = {p._p: look for p in paragraphs if (look := _look(p, normal, book))}
    weight: Counter[float] = Counter()
    for size, _, chars in looks.values():
        weight[size] += chars
    if not weight:
        return {}
    body = weight.most_common(1)[0][0]
    # Bold is a heading's mark only where the body text is not bold itself.
    bold_marks = sum(c for _, bold, c in looks.values() if bold) * 2 < sum(weight.values())
    candidates: dict[Any, float] = {}
    for p in paragraphs:
        look, text = looks.get(p._p), clean(direct_text(p._p))
        if look is None or p._p in numbered or text.endswith(_SENTENCE_END):
            continue
        if len(text.split()) <= MAX_WORDS and ((look[1] and bold_marks) or look[0] >= body * RATIO):
            candidates[p._p] = look[0] if look[0] >= body * RATIO else 0.0
    if len(candidates) * 2 > len(looks):
        return {}
    sizes = sorted(set(candidates.values()), reverse=True)
    return {element: min(sizes.index(size) + 1, 6) for element, size in candidates.items()}
