"""Language identification for articles without a `lang` field and for queries."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

# Languages the detector chooses between. A closed set keeps short texts from
# being labelled as rare languages; content in others can still set `lang`.
CANDIDATES = ("en", "de", "fr", "es", "it", "nl", "pl")

_GERMAN_HINTS = re.compile(
    r"[äöüß]|\b(wie|wo|was|wann|ich|mein|meine|der|die|das|und|nicht|kann)\b", re.I
)


@lru_cache(maxsize=1)
def _identifier() -> Any:
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    ident = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    ident.set_languages(list(CANDIDATES))
    return ident


def detect_language(text: str, default: str = "en") -> str:
    """Best guess of the language of `text`; `default` when there is too little."""
    sample = text.strip()[:2000]
    if len(sample) < 3:
        return default
    lang, prob = _identifier().classify(sample)
    if len(sample.split()) <= 3 and prob < 0.9:
        # Two-word queries are ambiguous; umlauts and function words decide.
        return "de" if _GERMAN_HINTS.search(sample) else default
    return str(lang)
