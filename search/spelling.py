"""'Did you mean': spelling corrections from the index vocabulary.

The vocabulary is the `words` field of the keyword index (unstemmed lower-case
words with their document frequencies), read once per snapshot. A query word
that is not in it (and not a glossary term) is replaced by the closest indexed
word within a small edit distance (transpositions count as one edit), the more
frequent word winning ties. The first letter must agree: in a small
vocabulary the nearest word to a real but unindexed word ("wine") is usually
an unrelated one ("eine"), and typos rarely hit the first letter. Words are
bucketed by length so a lookup only
compares against words that could be close enough.

Words of four and five letters are corrected too when a general dictionary
(`search.dictionary`, German or English) does not know them, so that they
are no real word the index lacks, by one edit and only when exactly one
word of the vocabulary is that near ("wifii" → "wifi"); without a
dictionary they are left alone, as most words one edit from a short word
are other real words.

Corrections are offered from the words the searcher may read
(`AudienceVocabularies`): a word that occurs only in restricted articles
is never suggested to someone outside their audience, since the suggestion
alone would reveal it ("quokkasecrt" → "quokkasecret").
"""

from __future__ import annotations

import math
import re
import threading
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from typing import Any

from rapidfuzz import process
from rapidfuzz.distance import OSA

from indexer.keyword_index import text_fields
from search.postings import live_frequencies
from search.terms import stem

MIN_LENGTH = 6
SHORT_LENGTH = 4  # with a dictionary: four and five letters, one edit, one candidate
LONG_WORD = 9
_CORRECTABLE = re.compile(r"^[^\W\d_]+$")


def _trigrams(word: str) -> list[str]:
    marked = f"^{word}$"
    return [marked[i : i + 3] for i in range(len(marked) - 2)]


@dataclass(frozen=True)
class Vocabulary:
    """Indexed words → number of passages that contain them."""

    frequencies: Mapping[str, int]
    doc_count: int
    # Stems indexed in each language's text fields: a correction must be a word
    # of the query's language ("datei" is German, not a typo of English "date").
    language_stems: Mapping[str, AbstractSet[str]] = field(default_factory=dict)
    # Per language, each stem → how many of its text fields' documents hold it
    # (summed over title, headings and body): what tells the public stems apart.
    stem_counts: Mapping[str, Mapping[str, int]] = field(
        default_factory=dict, repr=False, compare=False
    )
    _by_length: dict[int, list[str]] = field(default_factory=dict, repr=False, compare=False)

    def __post_init__(self) -> None:
        for word in self.frequencies:
            self._by_length.setdefault(len(word), []).append(word)

    @classmethod
    def from_reader(
        cls, reader: Any, languages: Iterable[str] = (), fieldname: str = "words"
    ) -> Vocabulary:
        """The vocabulary of a Whoosh reader (linear in its size: once per
        snapshot), counting live documents only: words of passages an
        incremental update deleted are neither offered nor counted."""
        freqs = live_frequencies(reader, fieldname)
        counts: dict[str, Counter[str]] = {}
        for lang in languages:
            found = counts.setdefault(lang, Counter())
            for name in text_fields(lang):
                found.update(live_frequencies(reader, name))
        stems = {lang: frozenset(found) for lang, found in counts.items()}
        return cls(freqs, int(reader.doc_count()), stems, counts)

    def in_language(self, word: str, lang: str) -> bool:
        """Whether the word (by its stem) occurs in texts of `lang`; True when unknown."""
        found = self.language_stems.get(lang)
        return not found or stem(word, lang) in found or word in found

    def __contains__(self, word: object) -> bool:
        return word in self.frequencies

    def wordlike(self, word: str) -> float:
        """Share of the word's letter trigrams (with its start and end) that occur in
        the index's words seen at least twice: real words of any language the
        index holds share most of theirs, a keyboard mash ("asdkjh" 0.17,
        "qwertzuiop" 0.30 on the 18F handbook) few; German words on that
        English-only index still score 0.40-1.0."""
        grams = self.__dict__.get("_trigrams")
        if grams is None:
            grams = set()
            for known, count in self.frequencies.items():
                if count >= 2:
                    grams.update(_trigrams(known))
            object.__setattr__(self, "_trigrams", grams)  # built once, on first use
        own = _trigrams(word.lower())
        return sum(g in grams for g in own) / len(own) if own else 0.0

    def frequency(self, word: str) -> int:
        return self.frequencies.get(word, 0)

    def idf(self, word: str) -> float:
        """Inverse document frequency; unknown words weigh the most."""
        return math.log(1.0 + (self.doc_count + 1) / (self.frequency(word) + 0.5))

    def near(self, word: str, max_distance: int) -> list[tuple[str, int]]:
        """Indexed words within `max_distance` edits, as (word, distance)."""
        out: list[tuple[str, int]] = []
        for length in range(len(word) - max_distance, len(word) + max_distance + 1):
            bucket = self._by_length.get(length)
            if not bucket:
                continue
            for candidate, distance, _ in process.extract(
                word, bucket, scorer=OSA.distance, score_cutoff=max_distance, limit=None
            ):
                out.append((candidate, int(distance)))
        return out


# As the keyword index's `words` field splits text (indexer.keyword_index).
_WORD = re.compile(r"\w+")


def passage_words(title: str, headings: Iterable[str], text: str) -> set[str]:
    """The distinct words a passage contributes to the `words` field."""
    joined = f"{title}\n{' '.join(headings)}\n{text}"
    return {w.lower() for w in _WORD.findall(joined)}


# Audience → language → the stems its restricted passages put into that
# language's text fields, counted as `indexer.keyword_index.field_terms` does.
RestrictedStems = Mapping[tuple[str, ...], Mapping[str, Counter[str]]]


class AudienceVocabularies:
    """The vocabulary each searcher may see: every word and stem of the public
    passages, plus those of the restricted passages whose audience includes them.

    The stems matter as much as the words: a query word whose stem the index
    holds is a known word (`SpellingCorrector.is_known`), and a query of known
    words lists its nearest articles where one of unknown words lists nothing.
    With every stem of the index, a visitor searching a word written only in a
    restricted article got results, and one that no article holds got none.

    The passages they count are the searcher's too: a word's IDF weight
    divides by the passages the searcher may read, not by every passage (the
    keyword scores count the same passages: `search.corpus`).

    Built once per snapshot from the full vocabulary and the words and stems of
    the restricted passages only (usually few), by audience; each searcher's
    vocabulary is then made once per set of groups and kept."""

    MAX_CACHED = 256

    def __init__(
        self,
        full: Vocabulary,
        restricted: Mapping[tuple[str, ...], Iterable[set[str]]],
        restricted_stems: RestrictedStems | None = None,
    ) -> None:
        self.full = full
        self._restricted: dict[tuple[str, ...], Counter[str]] = {}
        # Passages per audience: the IDF's passage count is also the searcher's.
        self._passages: Counter[tuple[str, ...]] = Counter()
        hidden: Counter[str] = Counter()
        for audience, passages in restricted.items():
            counts: Counter[str] = Counter()
            key = tuple(a.lower() for a in audience)
            for words in passages:
                counts.update(words)
                self._passages[key] += 1
            self._restricted[key] = counts
            hidden.update(counts)
        self._stems = {
            tuple(a.lower() for a in audience): by_lang
            for audience, by_lang in (restricted_stems or {}).items()
        }
        public = {w: n - hidden[w] for w, n in full.frequencies.items() if n - hidden[w] > 0}
        documents = max(full.doc_count - self._passages.total(), 0)
        self.public = Vocabulary(public, documents, self._public_stems())
        self._cache: dict[frozenset[str], Vocabulary] = {frozenset(): self.public}
        self._lock = threading.Lock()

    def for_groups(self, groups: frozenset[str] | None) -> Vocabulary:
        """The vocabulary of a searcher with `groups` (None: unrestricted)."""
        if groups is None or not self._restricted:
            return self.full if groups is None else self.public
        key = frozenset(g.lower() for g in groups)
        found = self._cache.get(key)
        if found is None:
            counts: Counter[str] = Counter(self.public.frequencies)
            stems = {lang: set(held) for lang, held in self.public.language_stems.items()}
            documents = self.public.doc_count
            for audience, words in self._restricted.items():
                if key.intersection(audience):
                    counts.update(words)
                    documents += self._passages[audience]
                    for lang, terms in self._stems.get(audience, {}).items():
                        stems.setdefault(lang, set()).update(terms)
            found = Vocabulary(dict(counts), documents, stems)
            with self._lock:
                if len(self._cache) >= self.MAX_CACHED:
                    self._cache = {frozenset(): self.public}
                self._cache[key] = found
        return found

    def _public_stems(self) -> dict[str, AbstractSet[str]]:
        """Each language's stems some public passage holds: the full index's
        less those only restricted passages hold. Without counts (a vocabulary
        not read from an index), every stem a restricted passage holds is left
        out, the cautious side."""
        hidden: dict[str, Counter[str]] = {}
        for by_lang in self._stems.values():
            for lang, terms in by_lang.items():
                hidden.setdefault(lang, Counter()).update(terms)
        public: dict[str, AbstractSet[str]] = {}
        for lang, stems in self.full.language_stems.items():
            held, counts = hidden.get(lang, Counter()), self.full.stem_counts.get(lang)
            if counts is None:
                public[lang] = frozenset(s for s in stems if s not in held)
            else:
                public[lang] = frozenset(s for s, n in counts.items() if n > held[s])
        return public


def _text(term: bytes | str) -> str:
    return term.decode("utf-8") if isinstance(term, bytes) else str(term)


def max_edits(word: str, short: bool = False) -> int:
    """Edits allowed for a word: none below six letters (four with `short`, which
    allows one from four), one up to eight, two beyond.

    Short words are left alone unless a dictionary vouches that the word is no
    real word (`short`): one edit away from a short word there is almost
    always another real word ("wine"/"wide", "found"/"fund"), so a correction
    would more often be wrong than right."""
    if len(word) < (SHORT_LENGTH if short else MIN_LENGTH):
        return 0
    if len(word) < MIN_LENGTH:
        return 1
    return 1 if len(word) < LONG_WORD else 2


class SpellingCorrector:
    """Corrects query words that neither the index nor the glossary knows."""

    def __init__(
        self,
        vocabulary: Vocabulary,
        glossary: Vocabulary | AbstractSet[str] | None = None,
        real_word: Callable[[str], bool] | None = None,
    ) -> None:
        self.vocabulary = vocabulary
        # Whether a general dictionary knows the word (None: no dictionary).
        self.real_word = real_word
        if glossary is None or not isinstance(glossary, Vocabulary):
            glossary = Vocabulary(dict.fromkeys(glossary or (), 1), 1)
        self.glossary = glossary

    def is_known(self, word: str, lang: str | None = None) -> bool:
        """In the index or glossary, or (with `lang`) an inflection the index stems alike."""
        if word in self.vocabulary or word in self.glossary:
            return True
        return (
            lang is not None
            and bool(self.vocabulary.language_stems.get(lang))
            and stem(word, lang) in self.vocabulary.language_stems[lang]
        )

    def correct(self, word: str, lang: str | None = None) -> str | None:
        """The best replacement of an unknown word, or None to leave it."""
        if self.is_known(word, lang) or not _CORRECTABLE.match(word):
            return None
        # A short word is corrected only when the dictionary says it is no real word.
        real = self.real_word
        limit = max_edits(
            word, short=len(word) < MIN_LENGTH and real is not None and not real(word)
        )
        if not limit:
            return None
        candidates = [
            (c, d, self.vocabulary.frequency(c))
            for c, d in self.vocabulary.near(word, limit)
            if lang is None or self.vocabulary.in_language(c, lang)
        ]
        candidates += [(c, d, 1) for c, d in self.glossary.near(word, limit)]
        # Typos rarely hit the first letter; a different first letter is far more
        # often a different word the index happens not to contain ("wine"/"eine").
        candidates = [c for c in candidates if c[0][0] == word[0]]
        if not candidates:
            return None
        # A short word near two words is as likely either: leave it.
        if len(word) < MIN_LENGTH and len({c[0] for c in candidates}) > 1:
            return None
        return min(candidates, key=lambda c: (c[1], -c[2], c[0]))[0]

    def corrections(self, query_words: Iterable[str], lang: str | None = None) -> dict[str, str]:
        """Unknown word → replacement, for the words that have one."""
        out: dict[str, str] = {}
        for word in query_words:
            if word not in out:
                fixed = self.correct(word, lang)
                if fixed:
                    out[word] = fixed
        return out


def corrected_text(text: str, corrections: Mapping[str, str]) -> str:
    """`text` with corrected words replaced (other text, case included, kept)."""
    if not corrections:
        return text

    def swap(match: re.Match[str]) -> str:
        return corrections.get(match.group(0).lower(), match.group(0))

    return re.sub(r"\w+(?:\.?\w+)*", swap, text)
