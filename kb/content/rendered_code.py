"""Where the article page shows a body's Markdown as code, as Python-Markdown
(`kb.content.markdown_text`) renders it: fenced code blocks, indented code
blocks and code spans.

`[a](x)` written in code is shown as written, no link, so a check of an
article's links (`kb.content.dropped_links`) reads the body with its code
blanked out. The renderer's rules, not CommonMark's: a fence opens at the
start of a line and closes only at a line of the very same fence (a fence
never closed is text); an indented block is code where it starts a
paragraph and follows no list (there it continues the list item: left as
text here, so a link in it is still read); a code span opens with a run of
backticks and closes at the next run of that many within its paragraph (a run
finding none opens with fewer, as the renderer's expression backs off).
Each part looks at every line and every run of backticks a bounded number of
times (a dictionary, a binary search): linear in the body but for a logarithm.
"""

from __future__ import annotations

import bisect
import re

# A fence line as the renderer's `fenced_code` opens one: the fence, then an
# optional `{attributes}` or `.language` and `hl_lines="…"`, nothing else.
_OPENING = re.compile(
    r"(`{3,}|~{3,}) *(?:\{[^\n]*\}|\.?[\w#.+-]* *(?:hl_lines=(\"|')[^\n]*?\2 *)?)"
)
_CLOSING = re.compile(r"(`{3,}|~{3,}) *")
# The first line of a list item, as the renderer's list processors read it.
_LIST_ITEM = re.compile(r" {0,3}(?:[*+-]|\d+\.) +\S")
_TICKS = re.compile(r"`+")
_TAB_LENGTH = 4


def blank_code(body: str) -> str:
    """`body` with every character the page shows as code turned into a space
    (line breaks kept), line endings as the renderer reads them (`\\n`)."""
    lines = body.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    fenced = _fenced_lines(lines)
    code = _indented_lines(lines, fenced)
    kept = [" " * len(line) if code[i] else line for i, line in enumerate(lines)]
    return "\n".join(_without_spans(paragraph) for paragraph in _paragraphs(kept, code))


def _fenced_lines(lines: list[str]) -> list[bool]:
    """Which lines belong to a fenced code block (its fences included)."""
    closings: dict[str, list[int]] = {}
    for index, line in enumerate(lines):
        if line[:1] in ("`", "~") and (found := _CLOSING.fullmatch(line)):
            closings.setdefault(found.group(1), []).append(index)
    fenced = [False] * len(lines)
    index = 0
    while index < len(lines):
        opening = _OPENING.fullmatch(lines[index]) if lines[index][:1] in ("`", "~") else None
        ends = closings.get(opening.group(1), []) if opening else []
        at = bisect.bisect_right(ends, index)
        if at == len(ends):
            index += 1  # no fence, or one never closed: text
            continue
        for inside in range(index, ends[at] + 1):
            fenced[inside] = True
        index = ends[at] + 1
    return fenced


def _indent(line: str) -> int:
    expanded = line.expandtabs(_TAB_LENGTH)
    return len(expanded) - len(expanded.lstrip(" "))


def _indented_lines(lines: list[str], fenced: list[bool]) -> list[bool]:
    """`fenced` with the lines of indented code blocks marked too: the indented
    lines that open a paragraph (after a blank line) where no list goes on."""
    code = list(fenced)
    in_list = False
    starts_paragraph = True
    index = 0
    while index < len(lines):
        line = lines[index]
        if not line.strip() or fenced[index]:
            starts_paragraph = not line.strip()
            in_list = in_list and not fenced[index]
            index += 1
            continue
        if starts_paragraph and _indent(line) >= _TAB_LENGTH and not in_list:
            while index < len(lines) and (
                not lines[index].strip() or _indent(lines[index]) >= _TAB_LENGTH
            ):
                code[index] = bool(lines[index].strip())
                index += 1
            starts_paragraph = True  # what follows the code is a paragraph of its own
            continue
        if starts_paragraph and _indent(line) < _TAB_LENGTH:
            in_list = bool(_LIST_ITEM.match(line))
        starts_paragraph = False
        index += 1
    return code


def _paragraphs(lines: list[str], code: list[bool]) -> list[str]:
    """The text between blank lines and code, each a string of its lines (code
    lines stand alone), in order: joined by `\\n` they give the body back."""
    paragraphs: list[str] = []
    current: list[str] = []
    for line, is_code in zip(lines, code, strict=True):
        if is_code or not line.strip():
            if current:
                paragraphs.append("\n".join(current))
                current = []
            paragraphs.append(line)
        else:
            current.append(line)
    if current:
        paragraphs.append("\n".join(current))
    return paragraphs


def _without_spans(text: str) -> str:
    """`text` (one paragraph) with its code spans blanked."""
    runs = [found.span() for found in _TICKS.finditer(text)]
    by_length: dict[int, list[int]] = {}  # run length → the runs' indexes, in order
    for index, (start, end) in enumerate(runs):
        by_length.setdefault(end - start, []).append(index)
    blanked: list[tuple[int, int]] = []
    index = 0
    while index < len(runs):
        start, end = runs[index]
        escapes = 0
        while start - escapes > 0 and text[start - escapes - 1] == "\\":
            escapes += 1  # back to the previous run at most: each counted once
        if escapes % 2:
            start += 1  # `\`` is a backtick written as text
        closing = _closing_run(by_length, index, end - start)
        if closing is None:
            index += 1
            continue
        blanked.append((start, runs[closing][1]))
        index = closing + 1
    if not blanked:
        return text
    parts, done = [], 0
    for start, end in blanked:
        parts += [text[done:start], "".join("\n" if c == "\n" else " " for c in text[start:end])]
        done = end
    return "".join(parts) + text[done:]


def _closing_run(by_length: dict[int, list[int]], index: int, longest: int) -> int | None:
    """The run closing a span opened at run `index` with up to `longest`
    backticks: a later run of exactly as many as open it, the most first."""
    for length in range(longest, 0, -1):
        later = by_length.get(length, [])
        at = bisect.bisect_right(later, index)
        if at < len(later):
            return later[at]
    return None
