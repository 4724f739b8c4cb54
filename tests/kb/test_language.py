"""Language detection of short questions: German only on German evidence."""

from __future__ import annotations

import pytest

from kb.language import detect_language, evident_language

# Short questions the classifier guesses with little certainty: English ones as
# German, Italian or Dutch ("per diem rate France": German at 0.24).
QUESTIONS = {
    "per diem rate France": "en",
    "per diem rate france": "en",
    "per diem in France": "en",
    "refund was denied": "en",
    "rate per day": "en",
    "travel card limit": "en",
    "mileage rate private car": "en",
    "Kann ich ein Taxi abrechnen": "de",
    "Wann bekomme ich mein Gehalt": "de",
    "Laptop geht nicht an": "de",
    "Zuschuss für Brille": "de",
    "Parkplatz Tiefgarage Ausweis verloren": "de",
    "wer genehmigt Homeoffice im Ausland": "de",
}


@pytest.mark.parametrize(("question", "lang"), QUESTIONS.items())
def test_a_short_question_is_german_only_on_german_evidence(question: str, lang: str) -> None:
    assert detect_language(question) == lang
    if lang == "de":  # evidence (or the classifier's certainty) wins over a default
        assert detect_language(question, default="fr") == "de"


def test_without_evidence_an_unsure_guess_gives_way_to_the_default() -> None:
    # Neither German nor English words: the caller's default decides.
    assert detect_language("per diem rate France", default="de") == "de"
    assert detect_language("Firmenwagen privat nutzen", default="en") == "en"
    assert detect_language("Firmenwagen privat nutzen", default="de") == "de"


def test_english_evidence_keeps_a_question_english_on_a_german_site() -> None:
    assert detect_language("per diem rate for France", default="de") == "en"
    assert detect_language("where is the parking garage", default="de") == "en"


def test_evidence_is_words_one_language_alone_writes() -> None:
    assert evident_language("refund was denied") is None  # "was" is both
    assert evident_language("Reise für Paris") == "de"  # an umlaut
    assert evident_language("wie lange dauert das") == "de"
    assert evident_language("how long does it take") == "en"
    assert evident_language("VPN für my laptop") is None  # both


def test_an_umlaut_in_a_capitalised_word_gives_way_to_word_evidence() -> None:
    """A name's umlaut ("Müller") made an English question German; German
    nouns are capitalised too, so the umlaut is weak evidence, not none."""
    assert detect_language("Müller expense report", default="de") == "en"
    assert detect_language("Björn laptop broken", default="de") == "en"
    assert evident_language("Müller for my laptop") == "en"  # English words win
    assert evident_language("Müller expense report") == "en"  # beside it: English
    assert detect_language("Übertrag Urlaub", default="en") == "de"  # beside it: German
    assert evident_language("Kündigung") == "de"  # nothing beside it
    assert evident_language("Zuschuss über Brille") == "de"  # a small word's umlaut
    assert evident_language("Müller über my laptop") is None  # both, as before


def test_a_long_text_keeps_the_classifier_guess() -> None:
    french = (
        "Les employés doivent soumettre leurs notes de frais avant la fin du mois "
        "afin que le service comptable puisse les rembourser rapidement."
    )
    assert detect_language(french) == "fr"


RUSSIAN = (
    "Сотрудники должны подать отчет о расходах до конца месяца, чтобы бухгалтерия "
    "могла быстро вернуть деньги всем сотрудникам компании сразу"
)


@pytest.mark.parametrize("text", ["ab", "  x ", "123", "4711 ??", "ВПН не работает", RUSSIAN])
def test_too_little_to_judge_is_the_default(text: str) -> None:
    """Under three characters, or no letter of the script the candidates write:
    the caller's default (the site's or the searcher's language), not English."""
    assert detect_language(text, default="de") == "de"
    assert detect_language(text, default="en") == "en"
