"""The title a document's own properties give, without the placeholders tools write.

Many tools fill a file's title property with a stand-in, not a title: PDF
libraries write "untitled", word processors "Untitled document", "Unbenannt 1"
or "Document1", and a Word file printed to PDF is titled "Microsoft Word -
report.docx". Taken as the title, such a word named the article in search
results and lists, and kept the first heading and the file name, which say what
the document is, from being used. A placeholder is therefore no title.
"""

from __future__ import annotations

import re

from kb.extract.structure import clean

_PLACEHOLDER = re.compile(
    r"(?:untitled|unbenannt|unnamed|ohne titel|no title|document|dokument)"
    r"(?:[ _-]?(?:document|dokument))?[ _-]?\d*"
    r"|microsoft (?:word|excel|powerpoint) - .*",
    re.IGNORECASE,
)


def property_title(value: str | None) -> str:
    """`value` as one line, or "" when it is empty or a placeholder
    ("untitled", "Untitled document", "Document1", "Microsoft Word - x.docx")."""
    title = clean(value or "")
    return "" if _PLACEHOLDER.fullmatch(title) else title
