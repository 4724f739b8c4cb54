"""Query understanding: what a query asks for, before any index is searched.

`understand` normalises the text, detects its language, expands it with the
glossary and corrects words the index does not know. The result, a
`QueryPlan`, is what the retrievers, the highlighter and the confidence model
read, so all of them agree on the query's words and their alternatives.

A *concept* is one content word of the query; its alternatives are the word's
spelling correction and the glossary terms of any expansion the word is part
of. Coverage ("how much of the query does this passage match") is counted in
concepts, weighted by IDF.
"""

from __future__ import annotations

import string
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from kb.i18n.languages import DEFAULT_LANGUAGE
from kb.language import detect_language
from search.compounds import split_compound
from search.spelling import SpellingCorrector, corrected_text
from search.synonyms import Expansion, Glossary
from search.terms import content_words, is_stopword, negates, normalise, stems, unique, words
from search.translation import SOURCE as DICTIONARY_LANGUAGE


@dataclass(frozen=True)
class Concept:
    """One content word of the query and the terms that stand in for it."""

    word: str
    alternatives: tuple[str, ...] = ()
    weight: float = 1.0
    # Dictionary terms in the index's language for a word it lacks (search.translation).
    translations: tuple[str, ...] = ()

    @property
    def terms(self) -> tuple[str, ...]:
        return (self.word, *self.alternatives, *self.translations)


@dataclass(frozen=True)
class QueryPlan:
    """A query as the engine understands it."""

    text: str
    lang: str
    words: tuple[str, ...]
    concepts: tuple[Concept, ...]
    expansions: tuple[Expansion, ...] = ()
    corrections: dict[str, str] = field(default_factory=dict)
    # No word the index or glossary knows, and the unknown ones do not look
    # like words of any language the index holds (see `is_nonsense`).
    nonsense: bool = False
    # Every content word unknown to the index, with no correction, compound
    # parts, glossary or dictionary terms: nothing the keyword side could find.
    unheard: bool = False

    def lists_nothing(self, answered: bool) -> bool:
        """No results to list: nothing to search for ("asdkjh"), or, left
        unanswered, no word any article holds ("blorf"), whose vector-side
        neighbours are near nothing in particular."""
        return self.nonsense or (self.unheard and not answered)

    @property
    def did_you_mean(self) -> str | None:
        fixed = corrected_text(self.text, self.corrections)
        return fixed if fixed != self.text else None

    @property
    def expanded_terms(self) -> list[str]:
        return unique(t for e in self.expansions for t in e.terms)

    @property
    def extra_terms(self) -> list[str]:
        """Glossary terms of the query that it does not already hold."""
        return [t for t in self.expanded_terms if t.lower() not in self.text.lower()]

    @property
    def search_text(self) -> str:
        """What the embedding model reads: the query as typed and its glossary terms.

        Corrections stay out: the model copes with typos itself, while a wrong
        correction ("datei" → "date") would pull the vector search off course."""
        extra = self.extra_terms
        return f"{self.text} ({', '.join(extra)})" if extra else self.text

    @property
    def translated(self) -> bool:
        """Whether any concept carries dictionary translations."""
        return any(c.translations for c in self.concepts)

    def coverage(self, found: Iterable[str]) -> float:
        """Summed weight of the concepts that `found` words stand for (by stem)."""
        found_stems: set[str] = set()
        for word in found:
            found_stems |= stems(word)
        total = 0.0
        for concept in self.concepts:
            concept_words = {w for t in concept.terms for w in words(t) if not is_stopword(w)}
            if any(not found_stems.isdisjoint(stems(w)) for w in concept_words):
                total += concept.weight
        return total

    @property
    def negated(self) -> bool:
        """Whether the query asks about what is *not* so ("what is not reimbursed")."""
        return negates(self.text)

    def match_stems(self) -> frozenset[str]:
        """Stems of every word a matching passage may contain (for highlighting)."""
        out: set[str] = set()
        for concept in self.concepts:
            for term in concept.terms:
                for w in words(term):
                    out |= stems(w)
        return frozenset(out)


def _concepts(
    meaningful: list[str],
    phrases: dict[str, Expansion],
    splits: dict[str, tuple[str, str]],
    corrections: dict[str, str],
    expansions: tuple[Expansion, ...],
    weight: Callable[[str], float],
    translated: dict[str, tuple[str, ...]],
) -> list[Concept]:
    """The query's concepts: each meaningful word with its spelling fix, compound
    parts and synonyms; a glossary phrase ("works council") as one concept."""
    concepts: list[Concept] = []
    emitted: set[str] = set()
    for word in meaningful:
        phrase = phrases.get(word)
        if phrase is not None:
            # A glossary phrase ("works council") is one concept, not two words:
            # "works" alone would match every text about work.
            if phrase.source not in emitted:
                emitted.add(phrase.source)
                members = [w for w in words(phrase.source) if w in phrases]
                concepts.append(
                    Concept(phrase.source, phrase.terms, sum(weight(w) for w in members))
                )
            continue
        forms = {word, *splits.get(word, ())}
        alternatives: list[str] = []
        if word in corrections:
            alternatives.append(corrections[word])
        alternatives.extend(splits.get(word, ()))
        for expansion in expansions:
            if forms & set(words(expansion.source)):
                alternatives.extend(expansion.terms)
        concepts.append(
            Concept(word, tuple(unique(alternatives)), weight(word), translated.get(word, ()))
        )
    return concepts


def query_language(text: str, fallback: str = DEFAULT_LANGUAGE) -> str:
    """The language of a query that names none, as searching detects it (and
    the words a vote keeps for a search that was not logged, so that insights
    group them alike); `fallback` where the text says too little (`Query.fallback_lang`)."""
    return detect_language(normalise(text), fallback)


def understand(
    text: str,
    *,
    lang: str | None,
    glossary: Glossary,
    corrector: SpellingCorrector | None,
    idf: Callable[[str], float] | None = None,
    translate: Callable[[str, str], tuple[str, ...]] | None = None,
    fallback: str = DEFAULT_LANGUAGE,
) -> QueryPlan:
    """Analyse a raw query into a `QueryPlan` (`fallback`: see `query_language`); `translate(word,
    lang)` gives the dictionary terms of a word the index does not know (`search.translation`)."""
    clean = normalise(text)
    language = lang or query_language(clean, fallback)
    all_words = words(clean)
    meaningful = content_words(clean) or unique(all_words)
    splits: dict[str, tuple[str, str]] = {}
    corrections: dict[str, str] = {}
    translated: dict[str, tuple[str, ...]] = {}
    if corrector is not None:
        unknown = [w for w in meaningful if not corrector.is_known(w, language)]
        if lang is None and translate is not None and _untold(meaningful, unknown, translate):
            language = DICTIONARY_LANGUAGE
            unknown = [w for w in meaningful if not corrector.is_known(w, language)]
        for word in unknown:
            parts = split_compound(word, corrector.is_known)
            if parts:
                splits[word] = parts
            elif translate is not None and (terms := translate(word, language)):
                translated[word] = terms
        # A word the dictionary knows is a real word of the query's language, not a typo.
        corrections = corrector.corrections(
            (w for w in unknown if w not in splits and w not in translated), language
        )
    # Compounds are matched against the glossary by their parts as well.
    expansions = tuple(
        glossary.expand(" ".join(" ".join(splits[w]) if w in splits else w for w in all_words))
    )
    phrases = _phrases(expansions, set(meaningful))

    def weight(word: str) -> float:
        return idf(corrections.get(word, word)) if idf else 1.0

    concepts = _concepts(meaningful, phrases, splits, corrections, expansions, weight, translated)
    bare = [c.word for c in concepts if len(c.terms) == 1]
    nonsense, unheard = _emptiness(clean, bare, len(concepts), corrector, language)
    return QueryPlan(
        clean,
        language,
        tuple(unique(all_words)),
        tuple(concepts),
        expansions,
        corrections,
        nonsense,
        unheard,
    )


def _emptiness(
    clean: str, bare: list[str], concepts: int, corrector: SpellingCorrector | None, lang: str
) -> tuple[bool, bool]:
    """(`QueryPlan.nonsense`, `QueryPlan.unheard`); both False without a corrector."""
    if corrector is None:
        return False, False
    known = lambda w: corrector.is_known(w, lang)  # noqa: E731
    nonsense = is_nonsense(bare, concepts, known, corrector.vocabulary.wordlike)
    nonsense = nonsense or not any(carries_content(t, known) for t in clean.split())
    unheard = bool(concepts) and len(bare) == concepts and not any(map(known, bare))
    return nonsense, unheard


def _untold(
    meaningful: list[str], unknown: list[str], translate: Callable[[str, str], tuple[str, ...]]
) -> bool:
    """A short German query the detector took for another language ("Urlaub
    beantragen", "Reisekreditkarte beantragen" read as English): every content
    word is unknown to the index and a word of the German dictionary."""
    return (
        bool(meaningful)
        and len(unknown) == len(meaningful)
        and all(translate(w, DICTIONARY_LANGUAGE) for w in unknown)
    )


def carries_content(token: str, known: Callable[[str], bool]) -> bool:
    """Whether a token of the query (as typed between spaces) gives either
    side something to search for: a single Latin letter ("a", "x") or a
    number no article holds ("12345") does not, a code such as "W-2" does.
    The keyword side drops or misses such tokens, and the models embed them
    near whatever page happens to be nearest, so a query of nothing else was
    answered with confidences of 0.74-0.77 on the sample content."""
    core = token.strip(string.punctuation).lower()
    if not any(c.isalnum() for c in core) or (len(core) == 1 and core.isascii()):
        return False
    return not core.isdigit() or known(core)


NONSENSE_WORDLIKE = 0.35  # mean trigram share below which unknown words are a keyboard mash


def is_nonsense(
    bare: list[str],
    concepts: int,
    known: Callable[[str], bool],
    wordlike: Callable[[str], float],
) -> bool:
    """A query with nothing to search for: no content words at all, or every
    concept an unknown word without correction, compound parts or glossary
    terms (`bare`), whose letters do not look like the index's words either.
    German questions over English-only content keep their results (their
    words score 0.4-1.0 on `Vocabulary.wordlike`); "asdkjh" does not."""
    if concepts == 0:
        return True
    if len(bare) < concepts or any(known(w) for w in bare):
        return False
    return sum(wordlike(w) for w in bare) / len(bare) < NONSENSE_WORDLIKE


def _phrases(expansions: tuple[Expansion, ...], query_words: set[str]) -> dict[str, Expansion]:
    """Query word → the multi-word glossary match it belongs to."""
    found: dict[str, Expansion] = {}
    for expansion in expansions:
        members = words(expansion.source)
        if len(members) > 1 and any(w in query_words for w in members):
            for word in members:
                if word in query_words:
                    found.setdefault(word, expansion)
    return found
