"""Query understanding: normalisation, language, concepts and alternatives."""

from __future__ import annotations

from search.spelling import SpellingCorrector, Vocabulary
from search.synonyms import Glossary
from search.terms import content_words, normalise
from search.understanding import understand

GLOSSARY = Glossary((("vacation", "annual leave", "Urlaub"), ("training", "Weiterbildung")))
VOCABULARY = Vocabulary(
    {"vacation": 3, "days": 5, "password": 2, "reset": 2, "weiterbildung": 1, "budget": 2},
    doc_count=10,
)


def plan_of(text: str, lang: str | None = "en"):  # type: ignore[no-untyped-def]
    return understand(
        text,
        lang=lang,
        glossary=GLOSSARY,
        corrector=SpellingCorrector(VOCABULARY, GLOSSARY.vocabulary()),
        idf=VOCABULARY.idf,
    )


def test_normalise_removes_controls_and_extra_space() -> None:
    assert normalise("  ﬁle\x00 name\t\n here ") == "file name here"


def test_content_words_drop_stop_words_of_both_languages() -> None:
    assert content_words("How do I book my vacation? Wie geht das?") == ["book", "vacation", "geht"]


def test_concepts_carry_glossary_alternatives_and_weights() -> None:
    plan = plan_of("How many vacation days?")
    assert [c.word for c in plan.concepts] == ["many", "vacation", "days"]
    vacation = plan.concepts[1]
    assert vacation.alternatives == ("annual leave", "Urlaub")
    assert plan.concepts[0].weight > vacation.weight  # "many" is not indexed: rarer
    assert plan.expanded_terms == ["annual leave", "Urlaub"]
    assert plan.search_text == "How many vacation days? (annual leave, Urlaub)"
    assert plan.did_you_mean is None


def test_typos_are_corrected_but_the_model_reads_the_query_as_typed() -> None:
    plan = plan_of("pasword reset")
    assert plan.corrections == {"pasword": "password"}
    assert plan.did_you_mean == "password reset"
    assert plan.concepts[0].alternatives == ("password",)
    assert plan.search_text == "pasword reset"


def test_compound_parts_are_alternatives_and_meet_the_glossary() -> None:
    plan = plan_of("Weiterbildungsbudget", lang="de")
    [concept] = plan.concepts
    assert concept.alternatives[:2] == ("weiterbildung", "budget")
    assert "training" in concept.alternatives
    assert plan.corrections == {}


def test_language_is_detected_when_not_given() -> None:
    assert plan_of("Wie beantrage ich meinen Urlaub?", lang=None).lang == "de"
    assert plan_of("How do I request vacation?", lang=None).lang == "en"


def test_a_query_too_short_to_detect_takes_the_fallback_language() -> None:
    def plan(text: str, fallback: str):  # type: ignore[no-untyped-def]
        return understand(text, lang=None, glossary=GLOSSARY, corrector=None, fallback=fallback)

    assert plan("ok", "de").lang == "de" and plan("4711", "de").lang == "de"
    assert plan("ok", "en").lang == "en"
    # A question that says its language keeps it, whatever the fallback.
    assert plan("How do I request vacation?", "de").lang == "en"


def test_a_query_of_stop_words_keeps_its_words() -> None:
    assert [c.word for c in plan_of("was ist das").concepts] == ["was", "ist", "das"]


def test_coverage_counts_each_concept_once_by_any_of_its_terms() -> None:
    plan = plan_of("How many vacation days?")
    weights = {c.word: c.weight for c in plan.concepts}
    assert plan.coverage(["annual", "leave"]) == weights["vacation"]
    assert plan.coverage(["vacations", "day"]) == weights["vacation"] + weights["days"]
    assert plan.coverage(["weather"]) == 0.0


def test_nonsense_needs_unknown_words_that_do_not_look_like_words() -> None:
    from search.understanding import is_nonsense

    shares = {"asdkjh": 0.17, "qwxz": 0.0, "urlaub": 0.83, "beantrage": 1.0}
    known = {"leave"}.__contains__
    assert is_nonsense(["asdkjh"], 1, known, shares.__getitem__)
    assert is_nonsense(["asdkjh", "qwxz"], 2, known, shares.__getitem__)
    assert is_nonsense([], 0, known, shares.__getitem__)  # nothing but stop words
    # German words over English-only content are words, not a mash.
    assert not is_nonsense(["beantrage", "urlaub"], 2, known, shares.__getitem__)
    # One known word or one concept with alternatives keeps the query.
    assert not is_nonsense(["asdkjh", "leave"], 2, known, lambda w: 0.0)
    assert not is_nonsense(["asdkjh"], 2, known, shares.__getitem__)


def test_single_letters_and_numbers_no_article_holds_carry_no_content() -> None:
    from search.understanding import carries_content

    known = {"2027", "11"}.__contains__
    for token in ("a", "X", "5", "12345", "???", "(a)", "1."):
        assert not carries_content(token, known), token
    for token in ("2027", "W-2", "A-11", "IT", "vpn", "11", "税金"):
        assert carries_content(token, known), token
