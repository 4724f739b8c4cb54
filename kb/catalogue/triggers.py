"""Trigger phrases: when a question asks for a request type or a value stream.

A phrase matches at the start of a word, case-insensitively, with umlauts
spelled out: "onboarding" also finds "onboardings", and a German compound
("Einarbeitungsplan") is found by its first part.

A question's word counts for an entry by the largest share of its letters
one of the entry's matching phrases spells ("lap" of "laptop" a half,
"laptop" of "laptops" six sevenths, a whole word one), once however many of
its phrases spell it, and only for the entries that spell it best (all of
them where several do alike); words of one letter ("I", "a") count for
nothing. An entry's score is the sum over the question's words. So "new
hire" outweighs "new", as when each matching phrase's words were summed;
but a department file that repeats a phrase, lists it again in other
cases, spacing or look-alike forms (all folded the same), lists its
prefixes ("l", "la", "lap") or phrases overlapping on the same words gains
nothing by it: an entry scores at most one for each word of the question,
and nothing for a word another entry spells better. Summed, one content
owner's padded phrases won another department's form for a question, and
with it a routing vote (`search.routing`).

A phrase must name a service to carry weight: one made only of words any
question may hold ("how", "my", "für": the stop words of the catalogue's
languages, the general lists the keyword index leaves out, Whoosh's after
Snowball) or of fewer than `MIN_TRIGGER_LETTERS` letters ("hr") matched
questions of every department and, winning those no other form spelled
better, gave its department their form offer and routing vote. It is left
out here (`weightless`) and named by `kb validate` with its file, request
type and line (`kb.catalogue.trigger_checks`). A phrase with one word of
weight ("laptop for", "need a licence") keeps its weight.

Each phrase also weighs by how common its words are in any text
(`kb.catalogue.phrase_weight`, `weight`): a word's share of letters is
multiplied by its phrase's weight, so everyday words alone ("new", "need",
"access") weigh nothing (`Weightless.FREQUENT`, named by `kb validate` too)
and a single everyday but rarer word ("request", "parking") less than a
phrase that names the service ("new hire", "courier").
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from enum import Enum
from functools import lru_cache
from typing import Generic, TypeVar

from kb.catalogue.limits import MIN_TRIGGER_LETTERS
from kb.catalogue.phrase_weight import phrase_weight, stop_words

T = TypeVar("T")

_FOLD = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"})
_PLACES = 9  # scores are rounded, so that equal shares summed in any order tie


def fold(text: str) -> str:
    """Text as triggers are compared: NFKC, case-folded, umlauts spelled out, single spaces."""
    text = unicodedata.normalize("NFKC", text).casefold().translate(_FOLD)
    return " ".join(re.findall(r"\w+", text))


class Weightless(Enum):
    """Why a trigger phrase carries no weight."""

    SHORT = "short"  # fewer than MIN_TRIGGER_LETTERS letters in all
    COMMON = "common"  # made only of stop words
    FREQUENT = "frequent"  # its other words as common as one in 10,000 of any text


@lru_cache(maxsize=65_536)
def weight(folded: str) -> float:
    """The weight, 0 to 1, of the phrase `folded` (see `fold`): 0 when `weightless`,
    else by how common its words are (`kb.catalogue.phrase_weight`)."""
    if not folded or len(folded.replace(" ", "")) < MIN_TRIGGER_LETTERS:
        return 0.0
    return phrase_weight(folded)


def weightless(folded: str) -> Weightless | None:
    """Why the phrase `folded` (see `fold`) carries no weight; None when it does, or
    when it has no words (it spells nothing anyway)."""
    if not folded:
        return None
    if len(folded.replace(" ", "")) < MIN_TRIGGER_LETTERS:
        return Weightless.SHORT
    if all(word in stop_words() for word in folded.split(" ")):
        return Weightless.COMMON
    if weight(folded) == 0:
        return Weightless.FREQUENT
    return None


def _spelled(question: Sequence[str], first: int, phrase: str, shares: list[float]) -> None:
    """Raise `shares` (one per question word) to what `phrase`, matching from the
    question's word `first` on, spells of each word, times the phrase's `weight`."""
    weighs = weight(phrase)
    for offset, part in enumerate(phrase.split(" ")):
        word = question[first + offset]
        if len(word) > 1:
            share = weighs * len(part) / len(word)
            shares[first + offset] = max(shares[first + offset], share)


def spelled(triggers: Mapping[str, Sequence[str]], folded_text: str) -> list[float]:
    """For each word of `folded_text` (see `fold`), the largest share of it one of
    the phrases of `triggers` spells where it matches."""
    question = folded_text.split(" ")
    starts = [0, *(i + 1 for i, ch in enumerate(folded_text) if ch == " ")]
    shares = [0.0] * len(question)
    for phrases in triggers.values():
        for phrase in phrases:
            folded = fold(phrase)
            if not folded or weightless(folded):
                continue  # a phrase of no words spells nothing; see `weightless`
            for first, start in enumerate(starts):
                if folded_text.startswith(folded, start):
                    _spelled(question, first, folded, shares)
    return shares


def claimed(shares: Mapping[int, Sequence[float]]) -> dict[int, float]:
    """Entry number -> its score from what each entry spells of each word (`spelled`):
    the sum of the words it spells best; 0s left out."""
    if not shares:
        return {}
    best = [max(word) for word in zip(*shares.values(), strict=True)]
    scores = {
        number: round(sum(s for s, top in zip(own, best, strict=True) if s == top), _PLACES)
        for number, own in shares.items()
    }
    return {number: score for number, score in scores.items() if score > 0}


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
    shares are `spelled`'s, the scores `claimed`'s."""

    def __init__(self, entries: Iterable[tuple[T, Mapping[str, Sequence[str]]]]) -> None:
        self._entries: list[T] = []
        # folded phrase -> the numbers of the entries that list it
        self._owners: dict[str, set[int]] = {}
        for number, (entry, triggers) in enumerate(entries):
            self._entries.append(entry)
            for phrases in triggers.values():
                for phrase in phrases:
                    folded = fold(phrase)
                    if folded and not weightless(folded):  # see `spelled`
                        self._owners.setdefault(folded, set()).add(number)
        self._lengths = sorted({len(folded) for folded in self._owners})

    def scores(self, folded_text: str) -> dict[int, float]:
        """Entry number -> its score for `folded_text` (see `fold`); 0s left out."""
        question = folded_text.split(" ")
        starts = [0, *(i + 1 for i, ch in enumerate(folded_text) if ch == " ")]
        shares: dict[int, list[float]] = {}
        for length in self._lengths:
            if length > len(folded_text):
                break
            for first, start in enumerate(starts):
                if start + length > len(folded_text):
                    break
                piece = folded_text[start : start + length]
                for number in self._owners.get(piece, ()):
                    own = shares.setdefault(number, [0.0] * len(question))
                    _spelled(question, first, piece, own)
        return claimed(shares)

    def best(self, text: str) -> T | None:
        """The entry whose triggers `text` matches best (the first of equals); None
        when none matches."""
        found = self.best_scored(text)
        return found[0] if found is not None else None

    def best_scored(self, text: str) -> tuple[T, float] | None:
        """`best` with its score (`claimed`): the question's words its phrases spell,
        each by its share of letters times its phrase's `weight`; None when none
        matches."""
        scores = self.scores(fold(text))
        best: tuple[T, float] | None = None
        for number, entry in enumerate(self._entries):
            score = scores.get(number, 0.0)
            if score > (best[1] if best else 0.0):
                best = (entry, score)
        return best
