"""Language identification for articles without a `lang` field and for queries.

The character n-gram classifier is reliable on a sentence, not on a few words:
on "per diem rate France" its best guess is German at 0.24, with Dutch and
Italian close behind. So the guess for a short text counts only when the
classifier is sure of it (`CONFIDENT`); otherwise the text has to show
evidence of its own, words or letters that only German or only English use
(`GERMAN_WORDS`, `ENGLISH_WORDS`), and without it the caller's `default`
stands. Words both languages write often ("was", "in", "an", "also") are no
evidence. An umlaut or ß only in capitalised words is weak evidence: names
carry them ("Müller expense report"), and so do German nouns. Words weigh
more: the language whose own words the text shows wins over it, and without
such words the classifier's reading of the text without those capitalised
words decides between German and English ("expense report" is English,
"Urlaub" German); a text of nothing else stays German ("Kündigung").
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

# Languages the detector chooses between. A closed set keeps short texts from
# being labelled as rare languages; content in others can still set `lang`.
CANDIDATES = ("en", "de", "fr", "es", "it", "nl", "pl")

# A text of up to this many words is a question's length: its guess needs the
# classifier's certainty or evidence of its own. Longer texts keep the guess.
SHORT_WORDS = 12
CONFIDENT = 0.9

_WORD = re.compile(r"\w+")
_GERMAN_LETTERS = re.compile(r"[äöüß]", re.I)
# German function words an English question hardly writes (not "was", "den",
# "hat", "bin", "also", "will"; "die" the verb is rare in a workplace's questions).
_GERMAN = (
    "wie wo wann warum wieso weshalb wer die welche welcher welches welchen ich mein meine "
    "meinen meinem meiner mir mich wir uns unser unsere der das dem und oder nicht "
    "kein keine keinen kann muss darf soll sollte ist sind habe haben wird werden ein "
    "eine einen einem einer auf bei nach zum zur vom beim ins gibt auch noch schon "
    "sich dich"
)
GERMAN_WORDS = frozenset(_GERMAN.split())
# English function words that are no German words (so not "in", "an", "so", "was").
_ENGLISH = (
    "the how what where when why who which my me is are do does did can could should "
    "for to of and with from get i you your our this that there about not"
)
ENGLISH_WORDS = frozenset(_ENGLISH.split())


@lru_cache(maxsize=1)
def _identifier() -> Any:
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    ident = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    ident.set_languages(list(CANDIDATES))
    return ident


# Letters of the Latin script, the one the candidates write: the classifier
# has nothing to go on in digits, signs or another script ("123", "??", "ВПН").
_LATIN_LETTER = re.compile(r"[a-zA-Z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u024f]")


def detect_language(text: str, default: str = "en") -> str:
    """Best guess of the language of `text`; `default` when there is too little:
    under three characters, no letter the classifier can judge, or a short
    text the classifier is unsure of that shows no language's evidence."""
    sample = text.strip()[:2000]
    if says_too_little(sample):
        return default
    lang, prob = _identifier().classify(sample)
    if prob < CONFIDENT and len(sample.split()) <= SHORT_WORDS:
        return evident_language(sample) or default
    return str(lang)


def says_too_little(text: str) -> bool:
    """Under three characters, or no letter the classifier can judge: a text
    whose language is the reader's, or the site's, rather than any guess."""
    sample = text.strip()
    return len(sample) < 3 or not _LATIN_LETTER.search(sample)


def evident_language(text: str) -> str | None:
    """ "de" or "en" where the text shows words or letters of that language
    alone; None where it shows neither, or both ("VPN für my laptop"). German
    letters only in capitalised words count less than words (see the module)."""
    words = _WORD.findall(text)
    found = {w.lower() for w in words}
    lettered = [w for w in words if _GERMAN_LETTERS.search(w)]
    capitalised = {w for w in lettered if w[:1].isupper()}
    german = len(capitalised) < len(lettered) or not found.isdisjoint(GERMAN_WORDS)
    english = not found.isdisjoint(ENGLISH_WORDS)
    if german != english:
        return "de" if german else "en"
    if german or not capitalised:
        return None
    return _beside_capitalised(words, capitalised)


def _beside_capitalised(words: list[str], capitalised: set[str]) -> str:
    """German or English, as the classifier reads the words beside the
    capitalised ones with German letters (a name's, or a German noun's):
    German where there are none to read."""
    rest = " ".join(w for w in words if w not in capitalised)
    if says_too_little(rest):
        return "de"
    ranked = dict(_identifier().rank(rest))
    return "en" if ranked.get("en", 0.0) > ranked.get("de", 0.0) else "de"
