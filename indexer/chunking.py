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

from kb.records import Article, Chunk, Section

MIN_WORDS = 25


def _windows(words: list[str], size: int, overlap: int) -> list[tuple[int, list[str]]]:
    """(first word's position, words) of each window."""
    if len(words) <= size:
        return [(0, words)]
    step = max(1, size - overlap)
    out = []
    for start in range(0, len(words), step):
        out.append((start, words[start : start + size]))
        if start + size >= len(words):
            break
    return out


def _joined(prev: Section, section: Section, sub: str) -> Section:
    """`section` appended to `prev`; page breaks move with the words they mark."""
    text = f"{prev.text}\n{sub}\n{section.text}" if sub else f"{prev.text}\n{section.text}"
    breaks = list(prev.page_breaks)
    if prev.page is not None and section.page is not None:
        offset = len(prev.text.split()) + len(sub.split())
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
            and len(section.text.split()) < MIN_WORDS
            and len(prev.text.split()) + len(section.text.split()) <= size
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
        for start, window in _windows(section.text.split(), words, overlap):
            chunks.append(
                Chunk(
                    article_id=article.id,
                    ordinal=len(chunks),
                    department=article.department,
                    title=article.title,
                    headings=section.headings,
                    text=_restore_lines(section.text, window),
                    lang=article.lang,
                    tags=article.tags,
                    audience=article.audience,
                    locator=section.locator(start, start + len(window)),
                )
            )
    return chunks


def _restore_lines(text: str, window: list[str]) -> str:
    """Windows are cut on words; keep the original line breaks when the window is whole."""
    if len(window) == len(text.split()):
        return text
    return " ".join(window)
