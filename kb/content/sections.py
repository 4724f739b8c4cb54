"""The Markdown of one section of an article, found by its heading path.

The answer card shows the section an answer passage comes from as the author
wrote it, so that its tables stay tables and its lists stay lists (the index
keeps plain text). A section runs from its heading to the next heading of the
same or a higher level; the heading path () is the text before the first
heading. Fenced code blocks are skipped when looking for headings.

A document (PDF, Word, …) keeps no Markdown: its section's text, as extraction
writes it (`kb.extract.document.Block.plain`: Markdown tables, `-` and `1.`
list lines), is made Markdown that renders those tables and lists and nothing
else, by `document_markdown`.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from kb.extract.table_markdown import escape_rule_cell, is_rule, split_cells

_FENCE = re.compile(r"^\s*(```|~~~)")
_MARKS = re.compile(r"[*_`\[]")


def _heading(line: str) -> tuple[int, str] | None:
    """The level and text of a heading line (`## Text ##`), or None.

    What `^(#{1,6})\\s+(.*?)\\s*#*\\s*$` matches, in time linear in the line:
    the expression took time cubic in a run of spaces (a 4 KB heading line
    held a search for 46 s, since this runs for every answer card)."""
    level = len(line) - len(line.lstrip("#"))
    if not 1 <= level <= 6 or not line[level : level + 1].isspace():
        return None
    return level, line[level:].strip().rstrip("#").rstrip()


def _plain(heading: str) -> str:
    """Heading text as the indexer records it (emphasis and link targets removed):
    `*`, `_` and backticks go, and `[text](target)` is its text. What
    `re.sub(r"[*_`]|\\[([^\\]]*)\\]\\([^)]*\\)", …)` does, in linear time: from every
    `[` that expression looked for a `]` and a `)` to the end of the heading."""
    out: list[str] = []
    at = 0  # the text before `at` is written to `out`
    bracket = paren = 0  # the next `]` and `)` found so far (-1: none further on)
    for mark in _MARKS.finditer(heading):
        start = mark.start()
        if start < at:
            continue  # inside a link already taken
        if mark.group(0) != "[":
            out.append(heading[at:start])
            at = start + 1
            continue
        if 0 <= bracket <= start:
            bracket = heading.find("]", start + 1)
        if bracket < 0 or heading[bracket + 1 : bracket + 2] != "(":
            continue
        if 0 <= paren < bracket + 2:
            paren = heading.find(")", bracket + 2)
        if paren < 0:
            continue
        out.append(heading[at:start] + heading[start + 1 : bracket])
        at = paren + 1
    out.append(heading[at:])
    return " ".join("".join(out).split())


def section_markdown(body: str, headings: Sequence[str]) -> str | None:
    """The Markdown under the heading path `headings`, without the heading line;
    None when the path is not found."""
    lines = body.splitlines()
    fenced = False
    marks: list[tuple[int, int, str]] = []  # (line, level, text)
    for number, line in enumerate(lines):
        if _FENCE.match(line):
            fenced = not fenced
            continue
        found = None if fenced else _heading(line)
        if found:
            marks.append((number, found[0], _plain(found[1])))
    if not headings:
        end = marks[0][0] if marks else len(lines)
        return "\n".join(lines[:end]).strip()
    wanted = [h.strip() for h in headings]
    path: list[tuple[int, str]] = []
    for index, (number, level, text) in enumerate(marks):
        path = [(lv, t) for lv, t in path if lv < level] + [(level, text)]
        if [t for _, t in path][-len(wanted) :] == wanted:
            end = next((n for n, lv, _ in marks[index + 1 :] if lv <= level), len(lines))
            return "\n".join(lines[number + 1 : end]).strip()
    return None


# A line that opens a table or a list item, after its indentation: what
# `(?m)^\s*(…)` found. That expression's white space ran on over the blank lines
# below, again from each of them (a section of 16,000 blank lines took 2 s on
# every answer card showing it); a run of blank lines is now read once, up to
# the last line start in it, and the same lines are found.
_STRUCTURE = re.compile(r"(?m)^[^\S\n]*+(\|.*\||[-*+]\s+\S|\d+[.)]\s+\S)")


def has_structure(markdown: str) -> bool:
    """Whether the Markdown holds a table or a list."""
    return _STRUCTURE.search(markdown) is not None


# What Markdown reads as markup in a line of text; escaped in a document's text
# (the characters of HTML as entities: the renderer passes raw HTML on).
_SPECIAL = re.compile(r"([\\`*_\[\]#|!])")
_ENTITIES = {"&": "&amp;", "<": "&lt;", ">": "&gt;"}
_LIST_LINE = re.compile(r"^((?:  )*)(- |\d+\. )(.*)$")


def _escaped(text: str) -> str:
    text = re.sub(r"[&<>]", lambda m: _ENTITIES[m.group(0)], text)
    return _SPECIAL.sub(r"\\\1", text)


def _markdown_line(line: str, header_above: bool) -> tuple[str, str]:
    """(kind, Markdown) of one line of a document's text: a table row, a list
    item (nested two spaces a level there, four in Markdown) or a paragraph.
    A row of dashes is the rule only right under a table's first row
    (`header_above`); anywhere else it is a row of cells that say "none"."""
    if line.startswith("| ") and line.endswith(" |"):
        cells = split_cells(line[2:-2])
        if header_above and is_rule(cells):
            return "rule", "| " + " | ".join("---" for _ in cells) + " |"
        return "table", "| " + " | ".join(escape_rule_cell(_escaped(c)) for c in cells) + " |"
    found = _LIST_LINE.match(line)
    if found:
        indent = "    " * (len(found.group(1)) // 2)
        return "list", f"{indent}{found.group(2)}{_escaped(found.group(3))}"
    return "paragraph", _escaped(line)


def document_markdown(text: str) -> str:
    """A document section's text as Markdown in which only its tables and lists
    are markup: every other character Markdown reads is escaped, and each
    paragraph, list and table stands apart from the next."""
    out: list[str] = []
    before = ""
    first_row = False  # whether the line before is a table's first row
    for line in text.splitlines():
        if not line.strip():
            continue
        kind, markdown = _markdown_line(line, header_above=first_row)
        first_row = kind == "table" and before != "table"
        kind = "table" if kind == "rule" else kind
        if out and (kind != before or kind == "paragraph"):
            out.append("")
        out.append(markdown)
        before = kind
    return "\n".join(out)
