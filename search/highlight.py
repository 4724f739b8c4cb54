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
from collections.abc import Callable, Sequence
from collections.abc import Set as AbstractSet
from typing import NamedTuple

from indexer.metadata import Passage
from kb.extract.table_markdown import cell_text, split_cells
from kb.passage_sentences import sentences
from kb.results import Answer, Hit
from search.terms import NEGATIONS, WORD, stems

SNIPPET_WORDS = 36
_SPACE = re.compile(r"\s+")
_TABLE_RULE = re.compile(r"^\s*\|(?:\s*:?-{3,}:?\s*\|)+\s*$")
# A header rule, or the part of one a passage cut on words begins or ends with.
# Its first three dashes are written out: `-{3,}` followed by a class that
# holds "-" too could split a run of dashes between them in every way, and a
# line of 16,000 dashes and a digit in an article took 5 s to be found no
# rule, for every search that listed the article.
_RULE_PART = re.compile(r"^[\s|:]*---[\s|:-]*$")
CELL_SEPARATOR = " · "
ROW_END = ";"
SHORT_SENTENCE = 6  # words; a shorter best sentence brings the next one along
INTRODUCED_WORDS = 40  # how much of the list or table a sentence ending in ":" brings
LIST_ITEMS = 3  # consecutive short lines that make a list
LIST_LINE_WORDS = 25  # the longest line a list item may be
LIST_WORDS = 90  # the longest list shown whole as an answer


class Marker:
    """Decides which words to mark: those whose stems meet the query's.

    Build one per search and pass it to every snippet: it remembers each word
    it has judged, and passages of one result list share most of their words."""

    def __init__(self, match: AbstractSet[str], negated: bool = False) -> None:
        self.match = match
        self.negated = negated  # the query itself negates ("what is not reimbursed")
        self._seen: dict[str, bool] = {}

    def __call__(self, word: str) -> bool:
        found = self._seen.get(word)
        if found is None:
            found = not self.match.isdisjoint(stems(word.lower()))
            self._seen[word] = found
        return found


Match = Marker | AbstractSet[str]
# Scores a sentence from its matched words (lower case, distinct).
SentenceScore = Callable[[Sequence[str]], float]
# Keys the best sentence is chosen by, from the sentences and their word scores
# (`search.quote_choice.QuoteChoice`: the words' order fused with the meaning's).
SentenceChoice = Callable[[Sequence[str], Sequence[float]], Sequence[float]]


class _Token(NamedTuple):
    start: int
    end: int
    marked: bool


def _marker(match: Match) -> Marker:
    return match if isinstance(match, Marker) else Marker(match)


def _tokens(text: str, match: Match) -> list[_Token]:
    marker = _marker(match)
    return [_Token(m.start(), m.end(), marker(m.group(0))) for m in WORD.finditer(text)]


def _escaped(text: str) -> str:
    return html.escape(_SPACE.sub(" ", text), quote=True)


def mark(text: str, match: Match) -> str:
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


def readable_rows(text: str) -> str:
    """`text` with its Markdown table rows as a reader takes them in a line of
    text: the cells of a row split by ' · ', each row but the last ending in ';',
    the rule under the header left out (a row of cells that say "none" with
    dashes keeps them: `kb.extract.table_markdown` escapes them). A row cut in
    two by a passage's edge ("7 days |") loses its pipes too; every other line
    is kept as it is. An article's table keeps each cell on a line of its own
    (`cell_line`): those lines make one row."""
    lines: list[str] = []
    row_at: int | None = None  # the last row's line, while only blank lines follow it
    in_row = False  # whether the line before is a cell of the same row
    for line in text.splitlines():
        stripped = line.strip()
        if _RULE_PART.match(stripped) and "|" in stripped:
            continue
        if cell_line(stripped):
            cell = cell_text(stripped[1:].strip())
            if in_row:
                lines[-1] = f"{lines[-1]}{CELL_SEPARATOR}{cell}" if lines[-1] else cell
            else:
                if row_at is not None:
                    lines[row_at] += ROW_END
                lines.append(cell)
            row_at, in_row = len(lines) - 1, True
            continue
        in_row = False
        if stripped.startswith("|") or stripped.endswith("|"):
            cells = split_cells(stripped.removeprefix("|").removesuffix("|"))
            if row_at is not None:
                lines[row_at] += ROW_END
            lines.append(CELL_SEPARATOR.join(c for c in cells if c))
            row_at = len(lines) - 1
        else:
            lines.append(line)
            if stripped:
                row_at = None
    return "\n".join(lines)


def cell_line(line: str) -> bool:
    """Whether a line is one cell of an article's table as the index keeps it:
    each cell on a line of its own after a '|' (an empty cell a '|' alone), a
    blank line after each row (`kb.content.markdown_text`); a document's table
    keeps a row's cells on one line, between pipes."""
    stripped = line.strip()
    if stripped == "|":
        return True
    return (
        stripped.startswith("|")
        and not stripped.endswith("|")
        and len(split_cells(stripped[1:])) == 1
    )


def _table_row(text: str, sentence: str) -> str | None:
    """The whole row of an article's table that a matched cell belongs to, when
    it is short: the cell alone ("Mid-year due date") loses what the row pairs
    it with ("June 2, 2025"), and its neighbouring line may be a cell of
    another row."""
    lines = text.splitlines()
    at = next((i for i, line in enumerate(lines) if sentence in line), None)
    if at is None or not cell_line(lines[at]):
        return None
    first, last = at, at
    while first > 0 and cell_line(lines[first - 1]):
        first -= 1
    while last + 1 < len(lines) and cell_line(lines[last + 1]):
        last += 1
    cells = [lines[i].strip() for i in range(first, last + 1) if lines[i].strip() != "|"]
    if len(cells) < 2 or sum(len(c.split()) for c in cells) > LIST_WORDS:
        return None
    return " ".join(cells)


def snippet(text: str, match: Match, width: int = SNIPPET_WORDS) -> str:
    """The `width`-word window of `text` with the most marked words, as safe HTML;
    a table's rows read as text (`readable_rows`)."""
    text = readable_rows(text)
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


def best_sentences(text: str, match: Match, score: SentenceScore | None = None) -> str:
    """The sentence(s) of a passage that best match the query, as plain text."""
    return answer_sentences(text, match, score)[0]


def answer_sentences(
    text: str,
    match: Match,
    score: SentenceScore | None = None,
    choose: SentenceChoice | None = None,
) -> tuple[str, float]:
    """The sentence(s) of a passage that best match the query, and their score.

    A sentence scores `score(its matched words)`, by default the number of
    distinct query words it holds; the best one is kept, with its best-scoring neighbour when that scores at
    least half as much. A sentence that introduces a list or table ("Please
    apply in time:") brings the lines that follow, up to about 40 words; a cell
    of an article's table brings its row (`_table_row`); one too short to stand
    alone brings the next sentence. With no match at all, the passage's first
    sentence. With `choose`, the best sentence is the one of the highest key
    it gives (equal keys: the higher word score; the words' scores still
    decide the neighbour)."""
    parts = sentences(text)
    if not parts:
        return text.strip(), 0.0
    marker = _marker(match)
    scores = [_score(part, marker, score) for part in parts]
    keys = choose(parts, scores) if choose is not None and len(parts) > 1 else scores
    best = max(range(len(parts)), key=lambda i: (keys[i], scores[i], -i))
    if keys is scores and scores[best] <= 0:
        return parts[0], 0.0
    steps = _list_around(text, parts[best]) or _table_row(text, parts[best])
    if steps:
        return steps, scores[best]
    neighbours = [i for i in (best - 1, best + 1) if 0 <= i < len(parts)]
    partner = max(neighbours, key=lambda i: (scores[i], keys[i]), default=None)
    if parts[best].endswith(":"):
        return _with_following(parts, best), scores[best]
    if partner is not None and scores[partner] > 0 and scores[partner] >= scores[best] / 2:
        first, last = sorted((best, partner))
        return f"{parts[first]} {parts[last]}", scores[best]
    if len(parts[best].split()) < SHORT_SENTENCE and best + 1 < len(parts):
        return f"{parts[best]} {parts[best + 1]}", scores[best]
    return parts[best], scores[best]


def _list_around(text: str, sentence: str) -> str | None:
    """The whole list (or table) a matched line belongs to, when it is short.

    The indexer keeps one list item or table row per line, so a run of at
    least LIST_ITEMS consecutive short lines is a list: answering with one of
    its steps ("4. Choose a new password") leaves out the others, so the run
    is shown whole, with the line that introduces it when that ends in ":".
    Longer runs (over LIST_WORDS words) fall back to the sentence rules."""
    # A Markdown table's line under its header (documents' tables) holds no words.
    lines = [line.strip() for line in text.splitlines() if not _TABLE_RULE.match(line)]
    at = next((i for i, line in enumerate(lines) if sentence in line), None)
    if at is None or not _short(lines[at]):
        return None
    first, last = at, at
    # A line ending in ":" introduces the list: the run starts there.
    while first > 0 and _short(lines[first - 1]) and not lines[first].endswith(":"):
        first -= 1
    while last + 1 < len(lines) and _short(lines[last + 1]) and not lines[last].endswith(":"):
        last += 1
    items = last - first + 1 - lines[first].endswith(":")
    if items < LIST_ITEMS:
        return None
    if first > 0 and not lines[first].endswith(":") and lines[first - 1].endswith(":"):
        first -= 1
    run = lines[first : last + 1]
    if sum(len(line.split()) for line in run) > LIST_WORDS:
        return None
    return " ".join(run)


def _short(line: str) -> bool:
    return 0 < len(line.split()) <= LIST_LINE_WORDS


def _with_following(parts: list[str], first: int) -> str:
    taken = [parts[first]]
    count = len(parts[first].split())
    for part in parts[first + 1 :]:
        count += len(part.split())
        if count > INTRODUCED_WORDS and len(taken) > 1:
            break
        taken.append(part)
    return " ".join(taken)


def _score(sentence: str, match: Marker, score: SentenceScore | None) -> float:
    """The sentence's matched words, scored. A word right after a negation
    ("Costs that are not reimbursed") says the opposite of what was asked and
    does not count, unless the query negates too."""
    tokens = [m.group(0) for m in WORD.finditer(sentence)]
    found = sorted(
        {
            word.lower()
            for i, word in enumerate(tokens)
            if match(word)
            and (
                match.negated or NEGATIONS.isdisjoint(t.lower() for t in tokens[max(0, i - 2) : i])
            )
        }
    )
    return score(found) if score else float(len(found))


def hit_of(article_id: str, score: float, passage: Passage, match: Marker) -> Hit:
    """A result: the article, shown by its best passage with a highlighted snippet."""
    return Hit(
        id=article_id,
        department=passage.department,
        title=passage.title,
        score=score,
        snippet=snippet(passage.text, match),
        passage=passage.text,
        headings=passage.headings,
        lang=passage.lang,
        tags=passage.tags,
        locator=passage.locator,
    )


def answer_of(
    passage: Passage,
    coverage: Callable[[Sequence[str]], float],
    match: Marker,
    choose: SentenceChoice | None = None,
) -> Answer:
    """The answer box: the passage, with its answering sentence(s) highlighted
    (chosen by `choose` where given: `answer_sentences`)."""
    highlight, _ = answer_sentences(passage.text, match, coverage, choose)
    return Answer(
        id=passage.article_id,
        title=passage.title,
        department=passage.department,
        passage=passage.text,
        highlight=highlight,
        headings=passage.headings,
        locator=passage.locator,
    )
