"""The words a section is counted and cut in: runs of characters that are not
white space, at most `WORD_CHARS` long.

Passages are cut at these words (`indexer.chunking`), and a document's page
breaks are word positions in them (`kb.records.Section`), so both count with
this one definition. A longer run is taken as several words: cut at white
space alone, a content owner's 2 MB of words joined by zero-width spaces (or
one "word" of 2 MB) was a single word and so a single passage, read whole by
the highlighter, the answer choice and the proximity feature of every search
it answered (1.4 s in the highlighter alone).
"""

from __future__ import annotations

import re

# No word of prose comes near it; a long address is taken as two or three.
WORD_CHARS = 100
WORD = re.compile(rf"\S{{1,{WORD_CHARS}}}")


def passage_words(text: str) -> list[str]:
    """The words of `text`, in order."""
    return WORD.findall(text)


def passage_word_count(text: str) -> int:
    """How many words `text` has."""
    return sum(1 for _ in WORD.finditer(text))
