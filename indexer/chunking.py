"""Cutting articles into passages along their headings.

A passage never crosses a heading, stays within the word budget that suits the
embedding model (all-MiniLM-L6-v2 reads 256 word pieces, about 180 words), and
repeats a few words of the previous window when a long section is split, so a
sentence cut in two is still found whole in one of the passages.

The budget (180 words, 30 repeated) and the fold of sections under 25 words
were measured against no folding, folding under 50 words, 120/20 and 240/40
budgets, overlaps of 0 and 60 words and windows of whole sentences, each
index built afresh and the answer choice refitted on its passages: none
gained on the tune halves (no folding and 120 words lose the answer passage;
at 240 words the second model no longer reads the end of 16 % of the
handbook's passages). docs/search.md, "Passages: how articles are cut", has
the figures.
"""

from __future__ import annotations

import re

from kb.passage_words import WORD, passage_word_count, passage_words
from kb.records import Article, Chunk, Section

MIN_WORDS = 25
# Raise it whenever an article would be cut into other passages: an index cut
# by an older version is cut again by the next `kb index` (`indexer.recut`).
# 1: before it was recorded (a window cut from a long section ran its lines,
# a table's rows, together); 2: windows keep their lines, a table's markup is
# no words, a table cell of dashes is kept escaped; 3: a run of more than
# `kb.passage_words.WORD_CHARS` characters without white space is several words;
# 4: a Markdown article's text is read from its sanitised HTML (no words the page
# hides), and an article carries at most `kb.content.markdown_article.MAX_TAGS` tags.
CUTTER_VERSION = 4
# A table's markup: the pipes between cells and the rule under its header
# ("|", "---", ":---:", "|---|---|"); they hold no words of the table. Each
# cell of a rule is taken whole (`(?>…)`): the expression without it tried
# every way of cutting a run of dashes, and of giving each ":" to the cell
# before or after it, into cells, in time exponential in the word (60 dashes
# and a letter in an article: minutes of indexing); the same words match.
_TABLE_MARKUP = re.compile(r"\|+|(?>\|?:?-{3,}:?)+\|?")


def counts(token: str) -> bool:
    """Whether a token counts toward a passage's word budget: every word does,
    a table's pipes and header rule do not."""
    return _TABLE_MARKUP.fullmatch(token) is None


def word_count(text: str) -> int:
    """The words of `text` that count toward the budget (a table's cells' words)."""
    return sum(counts(token) for token in passage_words(text))


def _windows(tokens: list[str], size: int, overlap: int) -> list[tuple[int, int]]:
    """(first, last + 1) token positions of each window: `size` counted words at
    most, each window repeating the last `overlap` counted words of the one before;
    a table's markup rides along with its cells and counts for nothing."""
    before = [0]  # counted words before each position
    for token in tokens:
        before.append(before[-1] + counts(token))
    total = before[-1]
    if total <= size:
        return [(0, len(tokens))]
    out = []
    start = 0
    while True:
        end = start
        while end < len(tokens) and before[end + 1] - before[start] <= size:
            end += 1
        out.append((start, end))
        if end >= len(tokens):
            break
        # The next window starts `overlap` counted words before this one's end.
        following = start + 1
        while before[end] - before[following] > overlap:
            following += 1
        start = following
    return out


def _joined(prev: Section, section: Section, sub: str) -> Section:
    """`section` appended to `prev`; page breaks move with the words they mark."""
    text = f"{prev.text}\n{sub}\n{section.text}" if sub else f"{prev.text}\n{section.text}"
    breaks = list(prev.page_breaks)
    if prev.page is not None and section.page is not None:
        offset = passage_word_count(prev.text) + passage_word_count(sub)
        last = prev.page + len(prev.page_breaks)
        breaks += [offset] * max(0, section.page - last)  # the section starts on a later page
        breaks += [offset + b for b in section.page_breaks]
    number = prev.number
    if prev.number and section.number and section.number != prev.number:
        number = f"{prev.number.split('–')[0]}–{section.number}"  # "2.1–2.2"
    return Section(prev.headings, text, prev.page, tuple(breaks), number)


def _merge_small(sections: tuple[Section, ...], size: int) -> list[Section]:
    """Fold very short sections into the previous one under the same top heading,
    so that a list of one-line sections does not become many tiny passages."""
    merged: list[Section] = []
    for section in sections:
        if not section.text:
            continue
        prev = merged[-1] if merged else None
        same_top = prev is not None and prev.headings[:1] == section.headings[:1]
        if (
            prev is not None
            and same_top
            and word_count(section.text) < MIN_WORDS
            and word_count(prev.text) + word_count(section.text) <= size
        ):
            sub = " > ".join(section.headings[len(prev.headings) :]) or ""
            merged[-1] = _joined(prev, section, sub)
        else:
            merged.append(section)
    return merged


def chunk_article(article: Article, *, words: int = 180, overlap: int = 30) -> list[Chunk]:
    """Passages of one article, in reading order (ordinal 0, 1, …)."""
    if words < 20 or not 0 <= overlap < words:
        raise ValueError(
            f"chunk budget must be ≥ 20 words with 0 ≤ overlap < budget, got {words}/{overlap}"
        )
    chunks: list[Chunk] = []
    sections = _merge_small(article.sections, words)
    if not sections:
        sections = [Section((), article.summary or article.title)]
    for section in sections:
        spans = [(m.start(), m.end()) for m in WORD.finditer(section.text)]
        tokens = [section.text[a:b] for a, b in spans]
        for start, end in _windows(tokens, words, overlap):
            chunks.append(
                Chunk(
                    article_id=article.id,
                    ordinal=len(chunks),
                    department=article.department,
                    title=article.title,
                    headings=section.headings,
                    text=_window_text(section.text, spans, start, end),
                    lang=article.lang,
                    tags=article.tags,
                    audience=article.audience,
                    locator=section.locator(start, end),
                )
            )
    return chunks


def _window_text(text: str, spans: list[tuple[int, int]], start: int, end: int) -> str:
    """The window's words as the section holds them: line breaks kept, so that a
    list item or table row cut out of a long section is still one line."""
    if (start, end) == (0, len(spans)):
        return text
    return text[spans[start][0] : spans[end - 1][1]]
