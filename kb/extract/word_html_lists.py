"""Lists in a page Word saved as HTML ("Save as Web Page"), for `kb.extract.html_pages`.

Word writes no `ul` or `ol` there: each list item is a paragraph of its own,
of class `MsoListParagraph` (`…CxSpFirst`, `…CxSpMiddle`, `…CxSpLast`) or of
any class with an `mso-list: l0 level2 lfo1` style that names the list (`l0`)
and the item's level, and the bullet or number Word draws is text in a span
styled `mso-list: Ignore` (left out by `kb.extract.html_chrome`). Read as
paragraphs, a page's lists lost their shape; here consecutive list paragraphs
become one list again, nested by the level their style says, each item
numbered when its own mark is a number or letter ("1.", "a)", "iv."), so a
numbered level inside a bulleted list (or the reverse) keeps its type.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from lxml import etree

from kb.extract.structure import OutlineBuilder, clean

_LIST_STYLE = re.compile(r"mso-list\s*:\s*(l\d+)\s+level(\d+)", re.I)
_MARK_STYLE = re.compile(r"mso-list\s*:\s*ignore", re.I)
_NUMBER_MARK = re.compile(r"^\(?(?:\d{1,3}|[a-z]|[ivxlc]{1,6})[.)]$", re.I)
_LIST_CLASS = "msolistparagraph"


@dataclass(frozen=True)
class WordListItem:
    """What a list paragraph's style and mark say: its list, level (0: top) and
    whether it is numbered."""

    list_id: str
    level: int
    ordered: bool


def _mark(paragraph: etree._Element) -> str | None:
    """The bullet or number Word draws before the item (None: no mark span)."""
    for span in paragraph.iter("span"):
        if _MARK_STYLE.search(span.get("style") or ""):
            return clean(span.text or "")
    return None


def word_list_item(paragraph: etree._Element) -> WordListItem | None:
    """The list item `paragraph` is, or None when it is no list paragraph of Word's:
    one with an `mso-list` style naming its list and level, or of class
    `MsoListParagraph…` with a drawn mark (the class alone is only an indent)."""
    if paragraph.tag != "p":
        return None
    found = _LIST_STYLE.search(paragraph.get("style") or "")
    mark = _mark(paragraph)
    classes = (paragraph.get("class") or "").lower()
    if found is None and (mark is None or not classes.startswith(_LIST_CLASS)):
        return None
    list_id, level = (found.group(1).lower(), int(found.group(2))) if found else ("", 1)
    return WordListItem(list_id, max(0, level - 1), bool(mark and _NUMBER_MARK.match(mark)))


@dataclass
class WordList:
    """The list paragraphs read so far, until something else ends the list."""

    items: list[str] = field(default_factory=list)
    levels: list[int] = field(default_factory=list)
    numbered: list[bool] = field(default_factory=list)
    first: WordListItem | None = None

    def add(self, item: WordListItem, text: str, builder: OutlineBuilder) -> None:
        """One more item; a top-level item of another list starts a new one."""
        if self.first is not None and item.level == 0 and item.list_id != self.first.list_id:
            self.flush(builder)
        if self.first is None:
            self.first = item
        self.items.append(text)
        self.levels.append(item.level)
        self.numbered.append(item.ordered)

    def flush(self, builder: OutlineBuilder) -> None:
        """Hand the list gathered to `builder` and start afresh."""
        if self.first is not None:
            builder.list(self.items, self.first.ordered, levels=self.levels, numbered=self.numbered)
        self.items, self.levels, self.numbered, self.first = [], [], [], None
