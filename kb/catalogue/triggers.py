"""Trigger phrases: when a question asks for a request type or a value stream.

A phrase matches at the start of a word, case-insensitively, with umlauts
spelled out: "onboarding" also finds "onboardings", and a German compound
("Einarbeitungsplan") is found by its first part. The score is the number
of matched trigger words, summed, so "new hire" outweighs "new".
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from typing import Generic, TypeVar

T = TypeVar("T")

_FOLD = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"})


def fold(text: str) -> str:
    """Text as triggers are compared: NFKC, case-folded, umlauts spelled out, single spaces."""
    text = unicodedata.normalize("NFKC", text).casefold().translate(_FOLD)
    return " ".join(re.findall(r"\w+", text))


def trigger_score(triggers: Mapping[str, Sequence[str]], folded_text: str) -> int:
    """How strongly `folded_text` (see `fold`) asks for what the triggers name."""
    score = 0
    for phrases in triggers.values():
        for phrase in phrases:
            if re.search(rf"(?<!\w){re.escape(fold(phrase))}", folded_text):
                score += len(phrase.split())
    return score


class TriggerIndex(Generic[T]):
    """The trigger phrases of many entries (request types, value streams), folded
    once, for finding the entry a question asks for best.

    Matching each phrase as a regular expression cost every search (the search
    page offers the matching request form) the number of phrases in the
    department files: a content owner's 80,000 (a department file of about a
    megabyte) took 1.3 s of every search, compiling the expressions again as
    Python keeps 512. A phrase matches where the question's text from the start
    of one of its words begins with it, so each word start is compared with the
    phrases of each length there is, looked up in a set: the time depends on
    the question and the phrase lengths, not on the number of phrases. The
    scores are `trigger_score`'s."""

    def __init__(self, entries: Iterable[tuple[T, Mapping[str, Sequence[str]]]]) -> None:
        self._entries: list[T] = []
        # folded phrase -> entry number -> the words of its phrases, summed
        self._weights: dict[str, dict[int, int]] = {}
        for number, (entry, triggers) in enumerate(entries):
            self._entries.append(entry)
            for phrases in triggers.values():
                for phrase in phrases:
                    weights = self._weights.setdefault(fold(phrase), {})
                    weights[number] = weights.get(number, 0) + len(phrase.split())
        self._lengths = sorted({len(folded) for folded in self._weights})

    def scores(self, folded_text: str) -> dict[int, int]:
        """Entry number -> its score for `folded_text` (see `fold`); 0s left out."""
        starts = [0, *(i + 1 for i, ch in enumerate(folded_text) if ch == " ")]
        found: set[str] = set()
        for length in self._lengths:
            if length == 0:
                found.add("")  # a phrase of no words matches anything, as the expression did
                continue
            if length > len(folded_text):
                break
            for start in starts:
                if start + length > len(folded_text):
                    break
                piece = folded_text[start : start + length]
                if piece in self._weights:
                    found.add(piece)
        scores: dict[int, int] = {}
        for folded in found:
            for number, weight in self._weights[folded].items():
                scores[number] = scores.get(number, 0) + weight
        return scores

    def best(self, text: str) -> T | None:
        """The entry whose triggers `text` matches best (the first of equals); None
        when none matches."""
        scores = self.scores(fold(text))
        best: T | None = None
        best_score = 0
        for number, entry in enumerate(self._entries):
            score = scores.get(number, 0)
            if score > best_score:
                best, best_score = entry, score
        return best
