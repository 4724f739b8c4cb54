"""How a passage is cut into sentences, and the sentence windows the model reads.

One split serves the answer's quote (`search.highlight.answer_sentences`,
`search.quote_choice`) and the sentence vectors the indexer stores for it
(`indexer.sentence_vectors`): a stored vector is used only where the search
cuts the passage into the same windows, so both read this module.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from kb.line_wraps import unwrapped, wrapped

# A sentence ends at a run of white space after . ! ? (not after a digit:
# "31. März"), or at a run holding a line break. Runs are read whole, once each
# (a search from each space was quadratic: 40,000 spaces took 5 s a search).
_SPACE_RUN = re.compile(r"\s+")
_SENTENCE_MARK = re.compile(r"[^\d\s][.!?]")


def sentences(text: str) -> list[str]:
    """Sentences and list items of a passage, in order; a paragraph's wrapped
    lines are read as one text (`wrapped`)."""
    parts: list[str] = []
    start, line = 0, len(text) - len(text.lstrip())
    for run in _SPACE_RUN.finditer(text):
        breaks = run.group().count("\n")
        if breaks == 1:
            cut = not wrapped(text, line, run.start(), run.end())
        else:
            cut = breaks > 1 or _sentence_end(text, run.start(), run.end())
        if cut:
            parts.append(text[start : run.start()])
            start = run.end()
        if breaks:
            line = run.end()
    parts.append(text[start:])
    return [unwrapped(s.strip()) for s in parts if s and s.strip()]


def _sentence_end(text: str, end: int, following: int) -> bool:
    """Whether a sentence mark ends `text[:end]` and the text at `following`
    starts a sentence: a word in lower case after the mark continues the
    sentence ("e.g. the", "i.e. filling", "BookIt! is what you'll use")."""
    return (
        bool(_SENTENCE_MARK.fullmatch(text, end - 2, end))
        and not text[following : following + 1].islower()
    )


def windows(parts: Sequence[str]) -> list[str]:
    """Each sentence with the one before and the one after it (a sentence alone
    often leans on the one before: "It can be taken all at once")."""
    return [" ".join(parts[max(0, i - 1) : i + 2]) for i in range(len(parts))]


def sentence_windows(text: str) -> list[str]:
    """The windows of a passage's sentences (`windows` of `sentences`)."""
    return windows(sentences(text))
