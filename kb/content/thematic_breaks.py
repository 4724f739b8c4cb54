"""Thematic breaks (`---`, `* * *`, `___`) found without the memory of
Python-Markdown's own pattern.

Python-Markdown finds a break with one regular expression whose group repeats
once per marker (`(-+[ ]{0,2}){3,}`), and Python's `re` keeps the state of
every repetition: a line of 500,000 `- ` (1 MB, a file of `max_file_bytes`)
took 153-190 MB of memory in 0.14 s to be found to be one `<hr>`, the largest
peak of any 1 MB body measured, and a file of such lines in list items more.

`ThematicBreaks` reads the same lines as the `hr` processor it replaces: from
a line start, at most three spaces, then one marker (`-`, `_` or `*`) at
least three times, with runs of at most two spaces between them and any
number after the last; the first such line of the block, spanning the same
characters, in time and memory linear in the block.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as etree

from markdown import Markdown
from markdown.blockprocessors import HRProcessor
from markdown.extensions import Extension

# A line of one marker and spaces, with at most three spaces before the marker:
# each character class repeats a single character, which `re` keeps no state for.
_CANDIDATE = re.compile(r"^[ ]{0,3}(?:-[- ]*|_[_ ]*|\*[* ]*)$", re.MULTILINE)


class _Breaks(HRProcessor):
    """Python-Markdown's `hr` processor, finding its lines as the module says."""

    def test(self, parent: etree.Element, block: str) -> bool:
        for line in _CANDIDATE.finditer(block):
            marks = line.group().strip(" ")
            if marks.count(marks[0]) >= 3 and "   " not in marks:
                self.match = line
                return True
        return False


class ThematicBreaks(Extension):
    """The Markdown extension that puts `_Breaks` in place of the `hr` processor."""

    def extendMarkdown(self, md: Markdown) -> None:  # noqa: N802 - Python-Markdown's name
        md.parser.blockprocessors.register(_Breaks(md.parser), "hr", 50)
