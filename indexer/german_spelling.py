"""German words spelled without umlauts, read as the words with them.

Many employees type on keyboards without umlauts and write "Ueberweisung",
"Urlaubsantraege" or "Strasse" for "Überweisung", "Urlaubsanträge" and
"Straße". Whoosh's German stemmer turns "ß" into "ss" and drops the dots of
"ä", "ö", "ü" ("überweisung" becomes "uberweis"), but keeps a spelled-out
umlaut ("ueberweisung" becomes "ueberweis"), so the two spellings missed
each other. The German keyword analysis therefore reads "ae", "oe" and "ue"
as "ä", "ö" and "ü" before the stop list and the stemmer, as the Snowball
"German2" variant does: not "ue" after "q" ("Quelle") nor after a vowel,
where the stemmer takes "u" for a consonant ("Dauer", "neue"). Both
spellings then have the same stem. Index and query read words alike, since
a query word is analysed with the analyser of the index's own schema.

Only the German fields are analysed this way: English words such as "queue",
"does" or "toe" keep their stems in the English fields. Like German2 it also
joins a few words that merely hold these letters ("aktuell" is read as
"aktüll"), on both sides alike. The filters are Whoosh's own, so an index
stays readable by Whoosh alone. Indexes built before this reading record an
older `KEYWORD_ANALYSIS` in their manifest and are built again in full by the
next `kb index` (`indexer.build`).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from whoosh.analysis import (
    Analyzer,
    LowercaseFilter,
    RegexTokenizer,
    StemFilter,
    StopFilter,
    SubstitutionFilter,
)
from whoosh.lang import stopwords_for_language

GERMAN = "de"

# The version of the keyword analysis a snapshot's manifest records: raised
# whenever the same text would be indexed under other terms.
KEYWORD_ANALYSIS = 2
KEYWORD_ANALYSIS_KEY = "keyword_analysis"
UNRECORDED = 1  # indexes from before the version was recorded

# In order; each a lower-case pattern and what it stands for.
_SPELLINGS = (
    ("ß", "ss"),
    ("ae", "ä"),
    ("oe", "ö"),
    ("(?<![aeiouyäöüq])ue", "ü"),
)
_RULES = tuple((re.compile(pattern), umlaut) for pattern, umlaut in _SPELLINGS)
_DOTS_DROPPED = str.maketrans("äöü", "aou")
_STEM_CACHE = 50_000  # as Whoosh's LanguageAnalyzer


def with_umlauts(word: str) -> str:
    """A lower-case German word with its spelled-out umlauts written as umlauts
    and "ß" as "ss": the form the German keyword analysis stems."""
    for pattern, umlaut in _RULES:
        word = pattern.sub(umlaut, word)
    return word


def german_letters(text: str) -> str:
    """German text in lower case with the letters of a keyboard without
    umlauts, the same for either spelling: `with_umlauts`, then the umlauts'
    dots dropped ("Überweisung", "Ueberweisung" and "uberweisung" all read
    "uberweisung"). For matching the start of words, where stems do not serve."""
    return with_umlauts(text.lower()).translate(_DOTS_DROPPED)


def german_stopwords() -> frozenset[str]:
    """Whoosh's German stop words, as `with_umlauts` reads them ("daß" as "dass")."""
    return frozenset(with_umlauts(word) for word in stopwords_for_language(GERMAN))


def german_analyzer() -> Analyzer:
    """The German fields' analyser: Whoosh's German `LanguageAnalyzer` that
    reads words through `with_umlauts` before its stop list and stemmer."""
    chain = RegexTokenizer() | LowercaseFilter()
    for pattern, umlaut in _SPELLINGS:
        chain = chain | SubstitutionFilter(pattern, umlaut)
    return (
        chain
        | StopFilter(stoplist=german_stopwords())
        | StemFilter(lang=GERMAN, cachesize=_STEM_CACHE)
    )


def analysed_by_older(manifest: Mapping[str, Any]) -> int | None:
    """The older keyword analysis's version when a snapshot was indexed by one, else None."""
    version = int(manifest.get(KEYWORD_ANALYSIS_KEY, UNRECORDED))
    return version if version != KEYWORD_ANALYSIS else None
