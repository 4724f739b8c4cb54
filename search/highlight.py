"""Snippets with the query's words marked, and the sentences that answer.

Passages are plain text written by people, so everything is HTML-escaped and
the only markup a snippet carries is `<mark>…</mark>` around words whose stems
meet the query's (its words, their corrections and glossary terms). A snippet
is the window of a passage with the most marked words; an answer highlight is
the passage's best-matching sentence, with its neighbour when that matches too.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from dataclasses import dataclass

from search.terms import WORD, stems

SNIPPET_WORDS = 36
_SPACE = re.compile(r"\s+")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+|\s*\n+\s*")
SHORT_SENTENCE = 6  # words; a shorter best sentence brings the next one along


@dataclass(frozen=True)
class _Token:
    start: int
    end: int
    marked: bool


def _tokens(text: str, match: frozenset[str]) -> list[_Token]:
    return [_Token(m.start(), m.end(), bool(stems(m.group(0).lower()) & match))
            for m in WORD.finditer(text)]


def _escaped(text: str) -> str:
    return html.escape(_SPACE.sub(" ", text), quote=True)


def mark(text: str, match: frozenset[str]) -> str:
    """All of `text`, escaped, with matching words marked."""
    return _render(text, _tokens(text, match), 0, len(text))


def _render(text: str, tokens: list[_Token], start: int, end: int) -> str:
    out: list[str] = []
    pos = start
    for token in tokens:
        if token.start < start or token.end > end:
            continue
        out.append(_escaped(text[pos : token.start]))
        word = html.escape(text[token.start : token.end], quote=True)
        out.append(f"<mark>{word}</mark>" if token.marked else word)
        pos = token.end
    out.append(_escaped(text[pos:end]))
    return "".join(out).strip()


def snippet(text: str, match: frozenset[str], width: int = SNIPPET_WORDS) -> str:
    """The `width`-word window of `text` with the most marked words, as safe HTML."""
    tokens = _tokens(text, match)
    if len(tokens) <= width:
        return _render(text, tokens, 0, len(text))
    best_start, best_count = 0, -1
    count = sum(t.marked for t in tokens[:width])
    for first in range(len(tokens) - width + 1):
        if first:
            count += tokens[first + width - 1].marked - tokens[first - 1].marked
        if count > best_count:
            best_start, best_count = first, count
    # Start a little before the first match so it reads in context.
    if best_count > 0:
        first_mark = next(i for i in range(best_start, best_start + width) if tokens[i].marked)
        best_start = max(0, min(best_start, first_mark - 4))
    window = tokens[best_start : best_start + width]
    start = 0 if best_start == 0 else window[0].start
    end = len(text) if best_start + width >= len(tokens) else window[-1].end
    body = _render(text, window, start, end)
    return ("… " if start else "") + body + (" …" if end < len(text) else "")


def sentences(text: str) -> list[str]:
    """Sentences and list items of a passage, in order."""
    return [s.strip() for s in _SENTENCE_END.split(text) if s and s.strip()]


def best_sentences(text: str, match: frozenset[str],
                   weight: Callable[[str], float] | None = None) -> str:
    """The sentence(s) of a passage that best match the query, as plain text.

    A sentence scores the summed weight of the distinct query words it holds;
    the best one is kept, with its best-scoring neighbour when that scores at
    least half as much, or with the next sentence when it is too short to stand
    alone ("Please apply in time:"). With no match at all, the passage's first
    sentence."""
    parts = sentences(text)
    if not parts:
        return text.strip()
    scores = [_score(part, match, weight) for part in parts]
    best = max(range(len(parts)), key=lambda i: (scores[i], -i))
    if scores[best] <= 0:
        return parts[0]
    neighbours = [i for i in (best - 1, best + 1) if 0 <= i < len(parts)]
    partner = max(neighbours, key=lambda i: scores[i], default=None)
    if partner is not None and scores[partner] >= scores[best] / 2:
        first, last = sorted((best, partner))
        return f"{parts[first]} {parts[last]}"
    if len(parts[best].split()) < SHORT_SENTENCE and best + 1 < len(parts):
        return f"{parts[best]} {parts[best + 1]}"
    return parts[best]


def _score(sentence: str, match: frozenset[str],
           weight: Callable[[str], float] | None) -> float:
    found = {m.group(0).lower() for m in WORD.finditer(sentence)
             if stems(m.group(0).lower()) & match}
    return sum(weight(w) if weight else 1.0 for w in found)
