"""The links of an article's Markdown that name one article, pointed at another.

When an article is renamed (`kb.authoring.moving`), the articles that link
to it are changed to name its new id (`kb.authoring.relinking`). Only links
are changed: an inline link `[text](../it/vpn.md#part "title")`, a reference
definition `[vpn]: ../it/vpn.md`, an HTML anchor `<a href="vpn.md">` and a
`related:` entry. The same words in a sentence, in a code span or in a
fenced code block (an example of how to write a link) are text a person
wrote and stay as they are. A link keeps its form: relative stays relative,
its fragment, query and title stay, and only the file name changes when the
article kept its folder.

Which article a link names is decided by `kb.content.sanitize.resolve_article_link`,
as the article page decides it, so a link is changed exactly when the page
would have led to the old id. Every expression here scans a line's `[` only
to its next `]` or the end of a token, so the time is linear in the body.
"""

from __future__ import annotations

import bisect
import posixpath
import re
from collections.abc import Iterator, Sequence
from urllib.parse import quote

from kb.content.sanitize import resolve_article_link

# An inline link's target, not a picture's, as `kb.content.dropped_links` reads
# it, and only where the link closes (a title between): `[a](b.md` is text.
_INLINE = re.compile(
    r"(?<!!)\[[^\[\]]*\]\(\s*<?([^)\s>\]\"]+)(?=>?(?:\s+(?:\"[^\"\n]*\"|'[^'\n]*'))?\s*\))"
)
# A reference definition at the start of a line: `[label]: target`.
_REFERENCE = re.compile(r"^ {0,3}\[[^\[\]]+\]:[ \t]*<?([^\s>]+)", re.MULTILINE)
# An HTML anchor written into the Markdown.
_ANCHOR = re.compile(r"<a\s[^<>]*?\bhref\s*=\s*[\"']([^\"'<>]+)[\"']", re.IGNORECASE)
# A fence opening or closing a code block: three or more backticks or tildes.
_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})", re.MULTILINE)
_TICKS = re.compile(r"`+")


def _fenced(body: str) -> list[tuple[int, int]]:
    """The spans of fenced code blocks (to the end of the body when one is not closed)."""
    spans = []
    opened: tuple[int, str] | None = None
    for fence in _FENCE.finditer(body):
        mark = fence.group(1)
        if opened is None:
            opened = (fence.start(), mark)
        elif mark[0] == opened[1][0] and len(mark) >= len(opened[1]):
            end = body.find("\n", fence.end())
            spans.append((opened[0], len(body) if end < 0 else end))
            opened = None
    if opened is not None:
        spans.append((opened[0], len(body)))
    return spans


def _code_spans(body: str, fenced: Sequence[tuple[int, int]]) -> list[tuple[int, int]]:
    """The spans of code, in order: the fenced blocks and inline code (`` `x` ``,
    ``` ``x`` ```: a run of backticks to the next run of the same length)."""
    runs = [m.span() for m in _TICKS.finditer(body) if not _inside(m.start(), fenced)]
    following: list[int | None] = [None] * len(runs)
    later: dict[int, int] = {}  # run length → the next run of that length
    for index in range(len(runs) - 1, -1, -1):
        length = runs[index][1] - runs[index][0]
        following[index] = later.get(length)
        later[length] = index
    spans = list(fenced)
    index = 0
    while index < len(runs):
        closing = following[index]
        if closing is None:
            index += 1  # a lone run of backticks is text
            continue
        spans.append((runs[index][0], runs[closing][1]))
        index = closing + 1
    return sorted(spans)


def _inside(at: int, spans: Sequence[tuple[int, int]]) -> bool:
    """Whether `at` lies in one of `spans` (sorted, not overlapping)."""
    index = bisect.bisect_right(spans, at, key=lambda span: span[0]) - 1
    return index >= 0 and spans[index][0] <= at < spans[index][1]


def _targets(body: str) -> Iterator[tuple[int, int]]:
    """Where each link target outside code lies in `body`: (start, end)."""
    code = _code_spans(body, _fenced(body))
    for expression in (_INLINE, _REFERENCE, _ANCHOR):
        for match in expression.finditer(body):
            if not _inside(match.start(), code):
                yield match.span(1)


def _retargeted(target: str, article_id: str, old_id: str, new_id: str) -> str | None:
    """`target` (written in `article_id`) made to name `new_id`; None when it does
    not name `old_id`."""
    resolved = resolve_article_link(target, article_id)
    if resolved is None or resolved[0] != old_id:
        return None
    cut = min((i for i in (target.find("#"), target.find("?")) if i >= 0), default=len(target))
    path, rest = target[:cut], target[cut:]
    if posixpath.dirname(old_id) == posixpath.dirname(new_id):
        folder = path.rpartition("/")[0]
        name = quote(posixpath.basename(new_id))
        return f"{folder}/{name}{rest}" if "/" in path else f"{name}{rest}"
    if path.startswith("/"):
        return f"/{quote(new_id)}{rest}"
    return quote(posixpath.relpath(new_id, posixpath.dirname(article_id) or ".")) + rest


def retarget_links(body: str, article_id: str, old_id: str, new_id: str) -> tuple[str, int]:
    """`body` (the Markdown of `article_id`) with every link that names `old_id`
    naming `new_id` instead (see the module), and how many links changed."""
    changes = []
    for start, end in _targets(body):
        new = _retargeted(body[start:end], article_id, old_id, new_id)
        if new is not None:
            changes.append((start, end, new))
    for start, end, new in sorted(changes, reverse=True):
        body = body[:start] + new + body[end:]
    return body, len(changes)


def retarget_related(related: Sequence[str], old_id: str, new_id: str) -> tuple[str, ...]:
    """`related` entries with `old_id` replaced by `new_id` (named once)."""
    return tuple(dict.fromkeys(new_id if item == old_id else item for item in related))
