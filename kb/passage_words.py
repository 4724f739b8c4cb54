"""The words a section is counted and cut in: runs of characters that are not
white space, at most `WORD_CHARS` long.

Passages are cut at these words (`indexer.chunking`), and a document's page
breaks are word positions in them (`kb.records.Section`), so both count with
this one definition. A longer run is taken as several words: cut at white
space alone, a content owner's 2 MB of words joined by zero-width spaces (or
one "word" of 2 MB) was a single word and so a single passage, read whole by
the highlighter, the answer choice and the proximity feature of every search
it answered (1.4 s in the highlighter alone).

`model_heading` is how much of a passage's title and heading path the
embedding models read, counted in the same words.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from itertools import islice

# No word of prose comes near it; a long address is taken as two or three.
WORD_CHARS = 100
WORD = re.compile(rf"\S{{1,{WORD_CHARS}}}")


def passage_words(text: str) -> list[str]:
    """The words of `text`, in order."""
    return WORD.findall(text)


def passage_word_count(text: str) -> int:
    """How many words `text` has."""
    return sum(1 for _ in WORD.finditer(text))


# How much of a passage's title and heading path ("Title > Heading > Subheading")
# the embedding models read, before the passage's text: at most `MAX_HEAD_WORDS`
# words of at most `MAX_HEAD_CHARS` characters. A title is as long as its content
# owner writes it, and every passage of the article carries it: a title of a few
# thousand words filled each passage to the model's longest input (512 word pieces
# for multilingual-e5-small, 256 for all-MiniLM-L6-v2), several times the work of
# the passage itself. The longest heading path of the sample content has 20 words
# (115 characters), of the 18F handbook 53 (316 characters): none is cut, so no
# passage of them is read or cached otherwise.
MAX_HEAD_WORDS = 64
MAX_HEAD_CHARS = 480


def model_heading(title: str, headings: Sequence[str]) -> str:
    """ "Title > Heading > Subheading" as the embedding models read it: cut after
    `MAX_HEAD_WORDS` words and `MAX_HEAD_CHARS` characters; whole when shorter."""
    # Each part cut first, so that a long title is never copied whole.
    head = " > ".join(part[:MAX_HEAD_CHARS] for part in (title, *headings))[:MAX_HEAD_CHARS]
    words = list(islice(WORD.finditer(head), MAX_HEAD_WORDS + 1))
    if len(words) > MAX_HEAD_WORDS:
        head = head[: words[MAX_HEAD_WORDS - 1].end()]
    return head
