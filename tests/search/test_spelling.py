"""'Did you mean' from the index vocabulary."""

from __future__ import annotations

from collections import Counter

from search.spelling import (
    AudienceVocabularies,
    SpellingCorrector,
    Vocabulary,
    corrected_text,
    max_edits,
)

VOCABULARY = Vocabulary(
    {
        "password": 12,
        "passport": 3,
        "expense": 8,
        "report": 9,
        "vacation": 5,
        "datum": 2,
        "wide": 4,
        "weiterbildung": 3,
        "budget": 6,
        "bank": 2,
        "verbindung": 1,
    },
    doc_count=40,
    language_stems={
        "en": {"password", "passport", "expens", "report", "vacat", "wide", "budget", "bank"},
        "de": {"weiterbild", "budget", "datum", "bank", "verbind"},
    },
)


def test_corrects_an_unknown_word_to_the_nearest_indexed_word() -> None:
    corrector = SpellingCorrector(VOCABULARY)
    assert corrector.correct("pasword") == "password"
    assert corrector.correct("expnese") == "expense"  # a transposition is one edit
    assert corrector.corrections(["pasword", "report", "pasword"]) == {"pasword": "password"}


def test_leaves_known_short_and_far_words_alone() -> None:
    corrector = SpellingCorrector(VOCABULARY)
    assert corrector.correct("password") is None
    assert corrector.correct("wine") is None  # too short to correct safely
    assert corrector.correct("zzzzzzzz") is None
    assert corrector.correct("passw0rd") is None  # not a plain word


def test_first_letter_must_agree() -> None:
    assert SpellingCorrector(VOCABULARY).correct("xassword") is None


def test_inflections_the_index_stems_alike_are_known() -> None:
    corrector = SpellingCorrector(VOCABULARY)
    assert corrector.is_known("vacations", "en")
    assert not corrector.is_known("vacations")


def test_correction_must_be_a_word_of_the_query_language() -> None:
    corrector = SpellingCorrector(VOCABULARY)
    assert corrector.correct("passwort", "en") == "password"
    assert corrector.correct("passwort", "de") is None


def test_glossary_words_are_known_and_offered() -> None:
    corrector = SpellingCorrector(VOCABULARY, {"urlaub", "sabbatical"})
    assert corrector.is_known("urlaub")
    assert corrector.correct("sabatical") == "sabbatical"


def test_edit_budget_grows_with_length() -> None:
    assert [max_edits(w) for w in ("wine", "report", "vacation", "reimbursment")] == [0, 1, 1, 2]


def test_with_a_dictionary_short_words_get_one_edit_to_their_only_neighbour() -> None:
    vocabulary = Vocabulary({"wifi": 1, "bank": 2, "band": 2, "desk": 5}, doc_count=10)
    real = {"wine", "desks"}.__contains__
    with_dictionary = SpellingCorrector(vocabulary, real_word=real)
    assert with_dictionary.correct("wifii") == "wifi"
    assert with_dictionary.correct("deks") == "desk"  # a transposition is one edit
    assert with_dictionary.correct("bant") is None  # "bank" and "band" alike: leave it
    assert with_dictionary.correct("wine") is None  # a real word
    assert with_dictionary.correct("wfi") is None  # three letters: too short
    assert with_dictionary.correct("wiifii") is None  # two edits
    # Longer words are corrected as before, whatever the dictionary says.
    longer = Vocabulary({"cancel": 3}, doc_count=10)
    assert (
        SpellingCorrector(longer, real_word={"cancer"}.__contains__).correct("cancer") == "cancel"
    )
    assert SpellingCorrector(vocabulary).correct("wifii") is None  # no dictionary: left alone
    assert [max_edits(w, short=True) for w in ("wfi", "wifii", "report")] == [0, 1, 1]


def test_corrected_text_keeps_everything_else() -> None:
    assert (
        corrected_text("Pasword reset, please!", {"pasword": "password"})
        == "password reset, please!"
    )
    assert corrected_text("unchanged", {}) == "unchanged"


def test_idf_weighs_unknown_words_most() -> None:
    assert VOCABULARY.idf("zebra") > VOCABULARY.idf("verbindung") > VOCABULARY.idf("password")


def test_each_searcher_gets_the_words_of_what_they_may_read() -> None:
    full = Vocabulary({"leave": 3, "salary": 2, "bands": 1, "quokka": 1}, 4)
    restricted = {
        ("hr",): [{"salary", "bands"}],
        ("finance", "hr"): [{"salary", "quokka"}],
    }
    vocabularies = AudienceVocabularies(full, restricted)
    assert dict(vocabularies.for_groups(frozenset()).frequencies) == {"leave": 3}
    assert dict(vocabularies.for_groups(frozenset({"finance"})).frequencies) == {
        "leave": 3,
        "salary": 1,
        "quokka": 1,
    }
    assert dict(vocabularies.for_groups(frozenset({"HR"})).frequencies) == full.frequencies
    assert vocabularies.for_groups(None) is full


def test_each_searcher_knows_the_stems_of_what_they_may_read() -> None:
    # A query word is known by its stem too ("accruals" by "accrual"), so a stem
    # only restricted passages hold must not be known to others either.
    full = Vocabulary(
        {"leave": 3, "accruals": 1, "salary": 2},
        4,
        {"en": frozenset({"leav", "accrual", "salari"})},
        {"en": {"leav": 3, "accrual": 1, "salari": 3}},
    )
    restricted = {("hr",): [{"accruals", "salary"}]}
    stems = {("HR",): {"en": Counter({"accrual": 1, "salari": 1})}}
    vocabularies = AudienceVocabularies(full, restricted, stems)
    outsider = SpellingCorrector(vocabularies.for_groups(frozenset({"it"})))
    assert not outsider.is_known("accrual", "en")
    assert outsider.is_known("salaries", "en")  # a public passage holds "salari" too
    assert outsider.is_known("leaving", "en")
    insider = SpellingCorrector(vocabularies.for_groups(frozenset({"hr"})))
    assert insider.is_known("accrual", "en")
    # Without counts (a vocabulary not read from an index) a stem any restricted
    # passage holds is left out.
    uncounted = Vocabulary(dict(full.frequencies), 4, dict(full.language_stems))
    cautious = AudienceVocabularies(uncounted, restricted, stems).for_groups(frozenset())
    assert cautious.language_stems["en"] == {"leav"}
