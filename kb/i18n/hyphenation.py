"""Where a heading's long words may break, marked with soft hyphens.

A German compound ("Arbeitsunfähigkeitsbescheinigung") can be wider than a
phone's column at a heading's size. The style sheet asks for `hyphens: auto`,
but a browser without a German hyphenation dictionary (Chromium on Linux)
hyphenates nothing, and `overflow-wrap` then breaks the word at any letter,
without a hyphen. So the pages mark, in the headings of German text, where a
long word may break: a soft hyphen (U+00AD), which every browser honours and
shows as a hyphen only where the line breaks there.

The places are those of the hyphenation patterns of the language
(`pyphen`, the dictionaries office suites and browsers use), kept only where
both pieces have `MIN_PIECE` letters, so a line never ends or starts with a
lone letter or two ("zusamme-narbeits" is read as "zusam-men-arbeits"). Only
words of `MIN_WORD` letters or more are marked: a shorter one fits the
narrowest column the pages reflow to (320 pixels) at any heading's size, and
stays as written for search and copying. Languages without such words (English)
are left alone.
"""

from __future__ import annotations

import re
from functools import lru_cache

import pyphen

from kb.content.html_parsing import html_tokens

SOFT_HYPHEN = "\u00ad"
MIN_WORD = 16
MIN_PIECE = 3
# The languages whose headings are hyphenated, by the dictionary that does it;
# the style sheet's `hyphens: auto` names the same ones.
DICTIONARIES = {"de": "de_DE"}
_WORD = re.compile(rf"[^\W\d_]{{{MIN_WORD},}}")
_HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
# The letters of long words looked up in the patterns for one title, or for all
# the headings of one body; past them the text stays as written. The patterns
# take about 6 µs a letter, and a title or heading is as long as a content owner
# makes it: a German title of 600,000 letters took 4 s on every page and search
# that showed it. No heading people read holds more.
MAX_LETTERS = 10_000


@lru_cache(maxsize=len(DICTIONARIES))
def _dictionary(lang: str) -> pyphen.Pyphen:
    return pyphen.Pyphen(lang=DICTIONARIES[lang], left=MIN_PIECE, right=MIN_PIECE)


def hyphenated(text: str, lang: str, budget: list[int] | None = None) -> str:
    """`text` with soft hyphens where its long words may break, in `lang`, within
    the first `MAX_LETTERS` letters of long words (or those left in `budget`,
    shared by the texts of one body: a word past them, and every one after it,
    stays as written)."""
    base = lang.split("-")[0].lower()
    if base not in DICTIONARIES or SOFT_HYPHEN in text:
        return text
    dictionary = _dictionary(base)
    left = [MAX_LETTERS] if budget is None else budget

    def mark(match: re.Match[str]) -> str:
        word = match.group(0)
        if len(word) > left[0]:
            left[0] = 0
            return word
        left[0] -= len(word)
        return _marked(word, dictionary)

    return _WORD.sub(mark, text)


def _marked(word: str, dictionary: pyphen.Pyphen) -> str:
    kept, last = [], 0
    for place in dictionary.positions(word):
        if place - last >= MIN_PIECE and len(word) - place >= MIN_PIECE:
            kept.append(place)
            last = place
    pieces = [word[a:b] for a, b in zip([0, *kept], [*kept, len(word)], strict=True)]
    return SOFT_HYPHEN.join(pieces)


def hyphenated_headings(body_html: str, lang: str) -> str:
    """Rendered HTML with the text of its headings hyphenated (`hyphenated`, within
    `MAX_LETTERS` for all of them); everything else, tags and attributes
    included, as written."""
    if lang.split("-")[0].lower() not in DICTIONARIES:
        return body_html
    out, depth, budget = [], 0, [MAX_LETTERS]
    for token in html_tokens(body_html):
        if token.tag in _HEADINGS:
            depth = max(0, depth - 1) if token.end else depth + 1
            out.append(token.raw)
        elif depth and not token.tag and not token.raw.startswith(("<", "&")):
            # Text: the parser keeps character references as tokens of their own.
            out.append(hyphenated(token.raw, lang, budget))
        else:
            out.append(token.raw)
    return "".join(out)
