"""Where a content file holds controls that reorder the text after them.

A right-to-left override (U+202E), an embedding or an isolate (U+202A–U+202D,
U+2066–U+2069) in a title makes "Pay \\u202etxt.exe" read as "Pay exe.txt".
Readers never see them (`kb.records.Article` drops them from what a file
publishes); `kb validate`, the indexer's log and the editor say where they are
so that the owner can delete them. Right-to-left letters and the plain
direction marks (U+200E, U+200F) are not such controls and are not named.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from typing import Any

from kb.content.problem_texts import problem
from kb.records import Problem
from kb.validators import bidi_control_names

# A character reference to one of them in Markdown's HTML ("&#x202E;", "&#8238;").
_REFERENCE = re.compile(r"&#(?:[xX]0*(?:202[a-eA-E]|206[6-9])|0*(?:823[4-8]|829[4-7]));")
BODY = "body"


def markdown_control_problems(
    text: str, meta: dict[str, Any], article_id: str, body_line: int
) -> list[Problem]:
    """One warning per field of a Markdown file that holds such a control, on
    its first line that does: each front-matter field of `meta` by its name (a
    YAML escape such as "\\u202e" counts), the body of `text` (from line
    `body_line`; a character reference counts) as `body`."""
    lines = text.split("\n")
    found = []
    for name, value in meta.items():
        if chars := bidi_control_names(" ".join(_strings(value))):
            key = re.compile(rf"\s*['\"]?{re.escape(str(name))}['\"]?\s*:")
            line = next((n for n in range(1, body_line) if key.match(lines[n - 1])), None)
            found.append(_problem(article_id, str(name), chars, line))
    for number in range(body_line, len(lines) + 1):
        line_text = lines[number - 1]
        shown = _REFERENCE.sub(_referenced, line_text)
        if chars := bidi_control_names(shown):
            found.append(_problem(article_id, BODY, chars, number))
            break
    return found


def _referenced(reference: re.Match[str]) -> str:
    """The character a reference ("&#x202E;", "&#8238;") stands for."""
    digits = reference[0][2:-1]
    return chr(int(digits[1:], 16) if digits[:1] in "xX" else int(digits))


def _strings(value: Any) -> Iterator[str]:
    """The texts a front-matter value holds, in lists and mappings too."""
    if isinstance(value, dict):
        for key, item in value.items():
            yield str(key)
            yield from _strings(item)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from _strings(item)
    elif isinstance(value, str):
        yield value


def field_control_problems(fields: Iterable[tuple[str, str]], article_id: str) -> list[Problem]:
    """One warning per named text of `fields` ((field, text) pairs: a document's
    title, headings and text) that holds such a control; a field once."""
    found: dict[str, str] = {}
    for where, value in fields:
        names = bidi_control_names(value)
        if names and where not in found:
            found[where] = names
    return [_problem(article_id, where, names) for where, names in found.items()]


def _problem(article_id: str, field: str, chars: str, line: int | None = None) -> Problem:
    return problem(
        "bidi_control", article_id, kind="bidi_control", line=line, field=field, chars=chars
    )
