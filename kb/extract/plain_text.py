"""Plain text files, and the decoding every text format shares.

Encoding: UTF-8 (with or without a byte-order mark) is tried first, since it
fails loudly on anything else; then charset-normalizer (MIT) picks among the
legacy code pages Windows editors still write (cp1252, latin-1, UTF-16),
which is what a German `Reisekosten.txt` from an old share usually is.

Structure in plain text is a convention, not markup: a short line underlined
with `===` or `---` is a heading (as in Markdown's setext form), and so is a
short numbered line without a final full stop ("3.2 Travel costs"); blank
lines separate paragraphs; lines starting with "-", "*", "•" or "1." are list
items; lines of cells between " | " are a table's rows (a Markdown table's
bars at the ends and the rule under its header are no cells).
"""

from __future__ import annotations

import re

from charset_normalizer import from_bytes

from kb.extract.base import Limits
from kb.extract.document import ExtractedDocument
from kb.extract.problem_texts import document_error
from kb.extract.structure import OutlineBuilder, clean, heading_number

_UNDERLINE = re.compile(r"^(=+|-+)\s*$")
_ITEM = re.compile(r"^\s*(?:([-*•–])|(\d{1,3})[.)])\s+(?=\S)")
MAX_HEADING_WORDS = 12
# The rule under a table's header written as in Markdown ("---|---", "| :-- | --: |").
_BAR_RULE = re.compile(r"^\|?\s*:?-+:?\s*(?:\|\s*:?-+:?\s*)+\|?$")


def _bar_cells(row: str) -> list[str]:
    """The cells of a table row written with bars, with or without bars at its ends."""
    return row.removeprefix("|").removesuffix("|").split(" | ")


def decode_text(data: bytes, what: str) -> str:
    """The text of a file in UTF-8 or a legacy encoding; raises for binary data."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            pass
    try:
        return data.decode("utf-8").removeprefix("\ufeff")
    except UnicodeDecodeError:
        pass
    if b"\x00" in data[:8192]:
        raise document_error("malformed", "document_binary", what=what)
    best = from_bytes(data[:200_000]).best()
    if best is None or best.encoding is None:
        raise document_error("malformed", "document_encoding", what=what)
    return data.decode(best.encoding, errors="replace")


def _is_heading(line: str) -> bool:
    words = line.split()
    return (
        0 < len(words) <= MAX_HEADING_WORDS
        and bool(heading_number(line))
        and not line.rstrip().endswith((".", ":", ",", ";"))
        and len(words) > 1
    )


class _Blocks:
    """Gathers lines into paragraphs, lists and bar tables; headings go straight out."""

    def __init__(self, builder: OutlineBuilder) -> None:
        self.builder = builder
        self.para: list[str] = []
        self.items: list[str] = []
        self.ordered = False

    def flush(self) -> None:
        if self.items:
            self.builder.list(list(self.items), self.ordered)
        elif self.para and all(" | " in row for row in self.para):
            self.builder.table([_bar_cells(row) for row in self.para])
        elif self.para:
            self.builder.paragraph(" ".join(self.para))
        self.para.clear()
        self.items.clear()
        self.ordered = False

    def add(self, line: str, following: str) -> bool:
        """Take one line; True when it was a heading underlined by `following`."""
        stripped = line.strip()
        if (
            stripped
            and _UNDERLINE.match(following)
            and len(stripped.split()) <= MAX_HEADING_WORDS
            and not _UNDERLINE.match(stripped)
        ):
            self.flush()
            self.builder.heading(1 if following.lstrip().startswith("=") else 2, stripped)
            return True
        para, items = self.para, self.items
        if not stripped:
            self.flush()
        elif _UNDERLINE.match(stripped) and len(stripped) >= 3:
            self.flush()  # a rule between parts
        elif not para and not items and not following.strip() and _is_heading(stripped):
            number = heading_number(stripped)
            self.builder.heading(number.count(".") + 1, stripped)
        elif len(para) == 1 and " | " in para[0] and _BAR_RULE.match(stripped):
            pass  # the rule under a bar table's header, as Markdown writes one
        elif " | " in stripped and (not para or " | " in para[-1]) and not items:
            para.append(stripped)  # a row of a table written with bars
        elif match := _ITEM.match(line):
            if para:
                self.flush()
            self.ordered = self.ordered or match.group(2) is not None
            items.append(line[match.end() :].strip())
        elif items and line[:1].isspace():
            items[-1] = f"{items[-1]} {stripped}"  # an indented continuation of an item
        else:
            if items:
                self.flush()
            para.append(stripped)
        return False


def extract_text(data: bytes, limits: Limits) -> ExtractedDocument:
    text = decode_text(data, "text file").replace("\r\n", "\n").replace("\r", "\n")
    lines = text.split("\n")
    builder = OutlineBuilder(limits.max_chars)
    blocks = _Blocks(builder)
    i = 0
    while i < len(lines) and not builder.truncated:
        line = lines[i].rstrip()
        following = lines[i + 1].rstrip() if i + 1 < len(lines) else ""
        i += 2 if blocks.add(line, following) else 1
    blocks.flush()
    first = clean(next((ln for ln in lines if ln.strip()), ""))
    return ExtractedDocument(
        format="txt",
        title=builder.first_heading or (first if len(first.split()) <= MAX_HEADING_WORDS else ""),
        sections=builder.sections(),
        warnings=builder.warnings(),
    )
