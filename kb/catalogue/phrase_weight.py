"""How much a trigger phrase weighs, from how common its words are in any text.

A phrase names a service when questions that hold it are few. Stop words
("how", "my", "für") are left out as before; the rest of a phrase is weighed
by the information of its words: the sum over them of −log10 of each word's
frequency in general English or German text (the `wordfreq` package's word
lists, shipped with it, so nothing is fetched; the larger of the two
languages' frequencies, as a question may be in either, and of the word as
folded and with its umlauts spelled back, "kuendigung" as "kündigung"). The
sum is how rare the phrase is, its words taken as independent:

* a phrase as common as one word in 10,000 of any text or commoner ("new",
  "need", "leave", "access", words of every department's questions) weighs
  nothing (`INFORMATION_NONE`);
* one rarer than one word in 100,000 ("new hire", "laptop broken",
  "courier", "Kündigung") weighs fully (`INFORMATION_FULL`);
* in between, in proportion ("request" 0.24, "parking" 0.53, "laptop" 0.77).

Stop words count in a phrase with other words ("ziehen um", "starts on":
the phrase is rarer than its verb), and a phrase of stop words alone weighs
nothing. So a department file's phrase of everyday words no longer wins the
form, and with it the routing vote, of questions that no other form spells,
while phrases of several words, or of one uncommon one, keep their weight.
The content's own counts cannot tell these apart: in the sample's articles
"new" and "laptop" are each in a quarter of the articles.
"""

from __future__ import annotations

import re
from functools import lru_cache

from whoosh.lang import stopwords_for_language
from wordfreq import zipf_frequency

# The languages of the catalogue's texts (`kb.requests.workflows.LANGUAGES`): a
# question may be in either, so a phrase is judged by the words of both.
LANGUAGES = ("en", "de")
INFORMATION_NONE = 4.0  # −log10 frequency: one word in 10,000 of any text or commoner
INFORMATION_FULL = 5.0  # one in 100,000 or rarer
_ZIPF_TOP = 9.0  # wordfreq's Zipf scale is log10 of a word's count per 10^9 words
_UNFOLD = (("ae", "ä"), ("oe", "ö"), ("ue", "ü"), ("ss", "ß"))


def _unfolded(word: str) -> str:
    for spelled, letter in _UNFOLD:
        word = word.replace(spelled, letter)
    return word


@lru_cache(maxsize=1)
def stop_words() -> frozenset[str]:
    """The stop words of the catalogue's languages (Whoosh's, after Snowball), as
    `kb.catalogue.triggers.fold` writes words."""
    folding = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"})
    return frozenset(
        w.casefold().translate(folding) for lang in LANGUAGES for w in stopwords_for_language(lang)
    )


@lru_cache(maxsize=65_536)
def information(word: str) -> float:
    """−log10 of the folded `word`'s frequency in general text, the commoner of its
    spellings and languages; a word in neither list counts as rare (`_ZIPF_TOP`)."""
    spellings = {word, _unfolded(word)}
    zipf = max(zipf_frequency(w, lang, wordlist="small") for w in spellings for lang in LANGUAGES)
    return _ZIPF_TOP - zipf


def phrase_weight(folded: str) -> float:
    """The weight, 0 to 1, of the phrase `folded` (`kb.catalogue.triggers.fold`),
    from the information of its words; 0 for one made only of stop words."""
    words = re.findall(r"\w+", folded)
    if all(w in stop_words() for w in words):
        return 0.0
    total = sum(information(w) for w in words)
    share = (total - INFORMATION_NONE) / (INFORMATION_FULL - INFORMATION_NONE)
    return min(1.0, max(0.0, share))
