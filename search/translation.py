"""Query translation of key terms through a general bilingual dictionary.

A German question over English pages shares no word with them, so the
keyword side finds nothing and the multilingual model carries the query
alone. `Translator` gives each German content word that the index does not
know (neither the word nor its German stem occurs in the index) the English
terms a general dictionary (`search.dictionary`) has for it, keeping only
terms whose words the index holds; they join the query's concept as
alternatives, which the keyword side scores with the `translation_boost`
setting. A word the index knows (a German article uses it, or it is also
English) is left as it is, so a German question over German articles is
searched as before.

A word the dictionary lacks is looked up by its German stem ("beantrage"
→ "beantragen") and then by its compound parts ("urlaubsstunden" →
"urlaub" + "stunden", split as `search.compounds` splits, the dictionary
being what is known); the parts' terms stand in for the compound.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache

from indexer.german_spelling import with_umlauts
from search.compounds import split_compound
from search.dictionary import BilingualDictionary
from search.terms import is_stopword, stem, unique, words

SOURCE = "de"  # the dictionary's language: queries in it are translated
TARGET = "en"
# Endings tried on a German word, less up to TRIM letters, to find the form the
# dictionary lists (the infinitive of a verb, the singular of a noun); the bare
# shortened word first, so "urlaubs" finds the noun "urlaub" before the verb
# "urlauben", which the German stemmer makes the same stem.
ENDINGS = ("", "en", "n", "e", "er", "es", "s", "t")
TRIM = 3


class Translator:
    """German word → English alternatives the index holds, for one snapshot."""

    def __init__(
        self,
        dictionary: BilingualDictionary,
        indexed: Callable[[str], bool],
        limit: int,
    ) -> None:
        self.dictionary = dictionary
        self.indexed = indexed  # whether an English word occurs in the index
        self.limit = limit
        self.alternatives = lru_cache(maxsize=20_000)(self._alternatives)

    def __bool__(self) -> bool:
        return len(self.dictionary) > 0 and self.limit > 0

    def over(self, indexed: Callable[[str], bool]) -> Translator:
        """The same dictionary and limit over other indexed words: a searcher's
        own (`search.prepared.PreparedSnapshot.translator_for`), so that a term
        only restricted articles hold is never a translation for others."""
        return Translator(self.dictionary, indexed, self.limit)

    def __call__(self, word: str, lang: str) -> tuple[str, ...]:
        """English alternatives of a word of a query in `lang` (none for English)."""
        return self.alternatives(word) if lang == SOURCE and self else ()

    def lookup(self, word: str) -> tuple[str, ...]:
        """The dictionary's terms for a word or, failing that, for the form of it
        that the dictionary lists: the word with up to `TRIM` last letters
        replaced by one of `ENDINGS`, stemmed alike ("beantrage" → "beantragen").
        A word typed with its umlauts spelled out is also looked up as written
        with them ("ueberweisung" → "überweisung": `indexer.german_spelling`)."""
        for form in unique((word, with_umlauts(word))):
            found = self._lookup(form)
            if found:
                return found
        return ()

    def _lookup(self, word: str) -> tuple[str, ...]:
        found = self.dictionary.translations(word)
        if found:
            return found
        root = stem(word, SOURCE)
        for trim in range(TRIM + 1):
            base = word[: len(word) - trim]
            for ending in ENDINGS:
                form = base + ending
                if form != word and form in self.dictionary and stem(form, SOURCE) == root:
                    return self.dictionary.translations(form)
        return ()

    def _held(self, terms: tuple[str, ...]) -> list[str]:
        held = []
        for term in terms:
            content = [w for w in words(term) if not is_stopword(w, (TARGET,))]
            if content and all(self.indexed(w) for w in content):
                held.append(term)
        return held[: self.limit]

    def _alternatives(self, word: str) -> tuple[str, ...]:
        found = self._held(self.lookup(word))
        if found:
            return tuple(found)
        parts = split_compound(word, lambda part: bool(self.lookup(part)))
        if parts is None:
            return ()
        return tuple(unique(t for part in reversed(parts) for t in self._held(self.lookup(part))))


def index_knows(
    frequencies: Callable[[str], int], english_stems: Callable[[str], bool]
) -> Callable[[str], bool]:
    """Whether an English word occurs in the index (as written, or by its stem)."""

    def known(word: str) -> bool:
        return frequencies(word) > 0 or english_stems(stem(word, TARGET))

    return known
