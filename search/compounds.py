"""Splitting compound words the index does not know into parts it does.

German writes "Weiterbildungsbudget" where English writes "training budget";
an article may say "Weiterbildung" and "Budget" without ever using the
compound. A query word that is unknown to the index is split into two parts
when both parts are known words (index vocabulary or glossary), allowing a
linking "s", "es", "n" or "en" between them: "bankverbindung" → "bank" +
"verbindung". Of several splits the one with the longest known head wins.
The parts join the query as alternatives of the compound, so the glossary and
the keyword index can match them.
"""

from __future__ import annotations

from collections.abc import Callable

MIN_COMPOUND = 8
MIN_PART = 3
LINKS = ("", "s", "es", "n", "en")


def split_compound(word: str, is_known: Callable[[str], bool]) -> tuple[str, str] | None:
    """(modifier, head) of an unknown compound, or None when no split is known."""
    if len(word) < MIN_COMPOUND or not word.isalpha() or is_known(word):
        return None
    best: tuple[str, str] | None = None
    for cut in range(MIN_PART, len(word) - MIN_PART + 1):
        head = word[cut:]
        if not is_known(head):
            continue
        for link in LINKS:
            modifier = word[:cut]
            if link and not modifier.endswith(link):
                continue
            modifier = modifier[: len(modifier) - len(link)] if link else modifier
            if len(modifier) >= MIN_PART and is_known(modifier):
                if best is None or len(head) > len(best[1]):
                    best = (modifier, head)
                break
    return best
