"""The title a document's own properties give, without the placeholders tools write.

Many tools fill a file's title property with a stand-in, not a title: PDF
libraries write "untitled", word processors "Untitled document", "Unbenannt 1"
or "Document1", python-docx "Word Document" (in a file it saved that had no
properties), and a Word file printed to PDF is titled "Microsoft Word -
report.docx". Taken as the title, such a word named the article in search
results and lists, and kept the first heading and the file name, which say what
the document is, from being used. A placeholder is therefore no title.

Authors are filled the same way: PDF libraries write "anonymous" or "unknown",
Office the account name of a machine set up without one ("Microsoft Office
User", "Windows User", "Administrator"), and the page read "Author: (anonymous)".
Such a name is no author.
"""

from __future__ import annotations

import re

from kb.extract.structure import clean

_PLACEHOLDER = re.compile(
    r"(?:untitled|unbenannt|unnamed|ohne titel|no title|document|dokument)"
    r"(?:[ _-]?(?:document|dokument))?[ _-]?\d*"
    r"|word[ _-]?(?:document|dokument)"  # python-docx's, for a file without properties
    r"|microsoft (?:word|excel|powerpoint) - .*",
    re.IGNORECASE,
)


def property_title(value: str | None) -> str:
    """`value` as one line, or "" when it is empty or a placeholder
    ("untitled", "Untitled document", "Document1", "Microsoft Word - x.docx")."""
    return _unless_placeholder(value, _PLACEHOLDER)


# Names tools and unnamed machine accounts write in the author property.
_STAND_IN_AUTHORS = (
    r"\(?(?:anonymous|unknown|unbekannt|anonym)\)?",
    r"(?:microsoft )?office[ -](?:user|benutzer)",
    r"windows[ -](?:user|benutzer)",
    r"administrator|admin|user|benutzer|python-docx|reportlab",
)
_PLACEHOLDER_AUTHOR = re.compile("|".join(_STAND_IN_AUTHORS), re.IGNORECASE)


def property_author(value: str | None) -> str:
    """`value` as one line, or "" when it is empty or a placeholder ("anonymous",
    "Microsoft Office User", "Administrator")."""
    return _unless_placeholder(value, _PLACEHOLDER_AUTHOR)


def _unless_placeholder(value: str | None, placeholder: re.Pattern[str]) -> str:
    text = clean(value or "")
    return "" if placeholder.fullmatch(text) else text
