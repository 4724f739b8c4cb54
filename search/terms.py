"""Query text: normalisation, the words of a query, and stems per language.

The word pattern is the one the keyword index tokenises with, so a query word
lines up with an indexed term ("v1.2" stays one word). Stems come from the same
Snowball stemmers the index analysers use; they are how the glossary, the
highlighter and the coverage feature decide that "vacations" matches "vacation".
German words are stemmed and checked against the stop list as the index's
German fields read them, spelled-out umlauts as umlauts
(`indexer.german_spelling`): "ueberweisung" has the stem of "überweisung".
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable
from functools import lru_cache

from whoosh.lang import NoStemmer, NoStopWords, stemmer_for_language, stopwords_for_language

from indexer.german_spelling import GERMAN, german_stopwords, with_umlauts

WORD = re.compile(r"\w+(?:\.?\w+)*")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_SPACE = re.compile(r"\s+")

# Languages whose stems are tried when matching words of unknown language:
# the index stems English and German, and queries come in either.
STEM_LANGUAGES = ("en", "de")


def normalise(text: str) -> str:
    """NFKC-normalised text without control characters, with single spaces."""
    text = unicodedata.normalize("NFKC", text)
    text = _CONTROL.sub(" ", text)
    return _SPACE.sub(" ", text).strip()


def words(text: str) -> list[str]:
    """Lower-case words of `text`, in order, repeats kept."""
    return [m.group(0).lower() for m in WORD.finditer(text)]


# Words that turn what follows into its opposite ("not reimbursed", "nicht erstattet").
NEGATIONS = frozenset(
    {"not", "no", "never", "nicht", "nie", "kein", "keine", "keinen", "keinem", "keiner", "keines"}
)


def negates(text: str) -> bool:
    """Whether `text` holds a negation word ("what is not reimbursed")."""
    return not NEGATIONS.isdisjoint(words(text))


def unique(items: Iterable[str]) -> list[str]:
    """Items in first-seen order without repeats."""
    return list(dict.fromkeys(items))


@lru_cache(maxsize=8)
def _stemmer(lang: str) -> Callable[[str], str] | None:
    try:
        stemmer: Callable[[str], str] = stemmer_for_language(lang)
    except NoStemmer:
        return None
    return stemmer


def _spelling(word: str, lang: str) -> str:
    """`word` as the index's fields of `lang` read it before the stop list."""
    return with_umlauts(word) if lang == GERMAN else word


@lru_cache(maxsize=8)
def stopwords(lang: str) -> frozenset[str]:
    """The stop words of `lang`; German ones also as `with_umlauts` reads them."""
    try:
        listed = frozenset(stopwords_for_language(lang))
    except NoStopWords:
        return frozenset()
    return listed | german_stopwords() if lang == GERMAN else listed


@lru_cache(maxsize=100_000)
def stem(word: str, lang: str) -> str:
    """The Snowball stem of a lower-case word (the word itself without a stemmer)."""
    stemmer = _stemmer(lang)
    return stemmer(_spelling(word, lang)) if stemmer else word


MIN_STEM = 3


@lru_cache(maxsize=100_000)
def _stems(word: str, languages: tuple[str, ...]) -> frozenset[str]:
    found = {stem(word, lang) for lang in languages}
    return frozenset({word, *(s for s in found if len(s) >= MIN_STEM)})


def stems(word: str, languages: Iterable[str] = STEM_LANGUAGES) -> frozenset[str]:
    """The word and its stems in each language: two words match when these meet.

    Stems shorter than three letters are left out: German stems "AED" to "a",
    which would make every "a" in a query match the first-aid glossary group."""
    return _stems(word, tuple(languages))


def is_stopword(word: str, languages: Iterable[str] = STEM_LANGUAGES) -> bool:
    """True when the word is a stop word in any of the languages."""
    return any(_spelling(word, lang) in stopwords(lang) for lang in languages)


def content_words(text: str) -> list[str]:
    """The distinct words of a query that carry meaning (no stop words)."""
    return unique(w for w in words(text) if not is_stopword(w))
