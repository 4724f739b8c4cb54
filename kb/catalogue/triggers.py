"""Trigger phrases: when a question asks for a request type or a value stream.

A phrase matches at the start of a word, case-insensitively, with umlauts
spelled out: "onboarding" also finds "onboardings", and a German compound
("Einarbeitungsplan") is found by its first part. The score is the number
of matched trigger words, summed, so "new hire" outweighs "new".
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence

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
