"""Trigger phrases: the request type a question asks for, found in time that does
not grow with the number of phrases; a department file cannot win another's
questions by padding its phrases."""

from __future__ import annotations

import random

import pytest

from kb.catalogue.triggers import (
    TriggerIndex,
    Weightless,
    claimed,
    fold,
    spelled,
    weight,
    weightless,
)
from kb.catalogue.types import Catalogue, RequestType


class _CountedLookups(dict):  # type: ignore[type-arg]
    """Phrases by their folded text, counting how often one is looked up."""

    lookups = 0

    def get(self, key, default=None):  # type: ignore[no-untyped-def]
        type(self).lookups += 1
        return super().get(key, default)


def _plain_best(entries: list[tuple[str, dict[str, tuple[str, ...]]]], text: str) -> str | None:
    """The entry chosen by scoring each in turn, the first of equals."""
    scores = claimed({n: spelled(triggers, fold(text)) for n, (_, triggers) in enumerate(entries)})
    best, best_score = None, 0.0
    for number, (name, _) in enumerate(entries):
        score = scores.get(number, 0.0)
        if score > best_score:
            best, best_score = name, score
    return best


def test_the_index_scores_each_entry_as_its_phrases_alone_do() -> None:
    rng = random.Random(486)
    words = ["new", "hire", "hires", "Ärger", "aerger", "vpn", "über", "a", "-", "!!", "laptop"]
    for _ in range(400):
        entries = [
            (
                f"type{n}",
                {
                    lang: tuple(
                        " ".join(rng.choices(words, k=rng.randint(1, 3)))
                        for _ in range(rng.randint(0, 3))
                    )
                    for lang in rng.sample(["en", "de"], rng.randint(0, 2))
                },
            )
            for n in range(rng.randint(0, 5))
        ]
        index = TriggerIndex(entries)
        for _ in range(5):
            text = " ".join(rng.choices([*words, "newer", "Hire.", "VPN-access"], k=8))
            shares = {n: spelled(triggers, fold(text)) for n, (_, triggers) in enumerate(entries)}
            assert index.scores(fold(text)) == claimed(shares)
            found = index.best(text)
            assert found == _plain_best(entries, text)


def test_many_trigger_phrases_cost_a_search_little() -> None:
    """The search page offers the request form a question asks for: 80,000
    phrases in department files (about a megabyte) took 1.3 s of every search.
    Now a question looks up only its own pieces among the phrases."""
    rng = random.Random(4860)
    phrases = tuple(
        " ".join("".join(rng.choices("abcdefghij", k=6)) for _ in range(2)) for _ in range(80_000)
    )
    catalogue = Catalogue(
        {
            "noise": RequestType("noise", "it", {"en": "Noise"}, triggers={"en": phrases}),
            "vpn": RequestType("vpn", "it", {"en": "VPN"}, triggers={"en": ("vpn access",)}),
        }
    )
    assert catalogue.match("I need VPN access for my laptop").id == "vpn"
    index = catalogue._triggers[0]
    _CountedLookups.lookups = 0
    index._owners = _CountedLookups(index._owners)
    assert catalogue.match("Please give me VPN access while I travel next month").id == "vpn"
    # Counted, not timed: a lookup per phrase length at each word start, where
    # matching each phrase reads all 80,000.
    assert 1 <= _CountedLookups.lookups <= 50


def _laptop_catalogue(padded: tuple[str, ...]) -> Catalogue:
    """Facilities' entry, listed first so that a tie would go to it, with `padded`
    triggers, and IT's honest laptop form."""
    return Catalogue(
        {
            "chair": RequestType("chair", "facilities", {"en": "Chair"}, triggers={"en": padded}),
            "laptop": RequestType(
                "laptop", "it", {"en": "Laptop"}, triggers={"en": ("new laptop", "laptop broken")}
            ),
        }
    )


def test_a_padded_department_file_does_not_win_another_s_form() -> None:
    question = "I need a new laptop, mine is broken"
    paddings = {
        "repeated": ("laptop",) * 50,
        "prefixes": ("l", "la", "lap", "lapt", "lapto", "n", "ne"),
        "cases and spaces": ("Laptop", "LAPTOP", "laptop ", " lap top", "laptop!", "LapTop"),
        "look-alikes": ("ｌａｐｔｏｐ", "ＬＡＰＴＯＰ", "laptop\u00a0", "\u2003ｌａｐ"),
        "overlapping": ("new lap", "new l", "new la", "ne", "lapto", "lapt"),
        "alphabet": tuple("abcdefghijklmnopqrstuvwxyz"),
        "no words": ("!!", "-", "..."),
    }
    for name, padded in paddings.items():
        found = _laptop_catalogue(padded).match(question)
        assert found is not None and found.department == "it", name


def test_each_word_of_the_question_counts_once_by_what_a_phrase_spells_of_it() -> None:
    text = fold("New laptops for the new hires")
    honest = spelled({"en": ("new hire",)}, text)
    assert honest == [0, 0, 0, 0, 1, 0.8]
    # "new" alone is an everyday word: it spells nothing (`kb.catalogue.phrase_weight`).
    assert spelled({"en": ("new hire", "NEW HIRE", "new  hire", "new hi", "new")}, text) == [
        0,
        0,
        0,
        0,
        1,
        0.8,
    ]
    assert spelled({"en": ("l", "la", "lapt")}, text)[1] == 4 / 7
    assert spelled({"en": ("!!", "-")}, text) == [0] * 6
    assert spelled({"en": ("a", "i")}, fold("I need a form")) == [0] * 4
    everything = {"en": tuple(text.split()) * 3}
    # "for" and "the" are words any question holds, "new" an everyday word: as
    # phrases they spell nothing.
    assert spelled(everything, text) == [0, 1, 0, 0, 0, 1]


def test_a_word_counts_only_for_the_entries_that_spell_it_best() -> None:
    shares = {0: [1.0, 0.5, 0.0], 1: [1.0, 1.0, 0.0], 2: [0.25, 0.0, 0.0], 3: [0.0, 0.0, 0.0]}
    assert claimed(shares) == {0: 1.0, 1: 2.0}
    assert claimed({}) == {}


def test_honest_triggers_still_choose_as_they_did() -> None:
    catalogue = Catalogue(
        {
            "newcomer": RequestType("newcomer", "it", {"en": "N"}, triggers={"en": ("new",)}),
            "onboarding": RequestType(
                "onboarding",
                "hr",
                {"en": "O"},
                triggers={"en": ("new hire",), "de": ("einarbeitung",)},
            ),
            "laptop": RequestType(
                "laptop", "it", {"en": "L"}, triggers={"en": ("laptop", "broken")}
            ),
        }
    )
    assert catalogue.match("Our new hires start in January").id == "onboarding"  # type: ignore[union-attr]
    assert catalogue.match("Wer macht den Einarbeitungsplan?").id == "onboarding"  # type: ignore[union-attr]
    assert catalogue.match("my new laptop is broken").id == "laptop"  # type: ignore[union-attr]
    # "new" alone is an everyday word, no service's name (`kb.catalogue.phrase_weight`).
    assert catalogue.match("a new idea") is None
    assert catalogue.match("How do I reset my password?") is None


def _broad_catalogue(broad: tuple[str, ...]) -> Catalogue:
    """Facilities' entry with `broad` phrases, listed first so that a tie would go
    to it, and IT's honest password form."""
    return Catalogue(
        {
            "chair": RequestType("chair", "facilities", {"en": "Chair"}, triggers={"en": broad}),
            "password": RequestType(
                "password", "it", {"en": "Password"}, triggers={"en": ("password reset",)}
            ),
        }
    )


def test_phrases_of_words_any_question_holds_or_of_two_letters_carry_no_weight() -> None:
    """A phrase of stop words ("how", "wie kann ich") or of fewer than three letters
    ("hr") matched questions of every department and took those no other form
    spelled better, with their routing vote."""
    broad = ("how", "how do I", "my", "Wie kann ich", "für", "hr", "po", "?!")
    catalogue = _broad_catalogue(broad)
    assert catalogue.match("How do I book a meeting room for my team?") is None
    assert catalogue.match("Wie kann ich für HR eine Bescheinigung bekommen?") is None
    assert catalogue.match("how do I get my password reset").id == "password"  # type: ignore[union-attr]
    common, short = Weightless.COMMON, Weightless.SHORT
    assert [weightless(fold(p)) for p in broad] == [
        common, common, short, common, common, short, short, None,
    ]  # fmt: skip


def test_a_phrase_with_one_word_of_weight_keeps_its_weight() -> None:
    catalogue = _broad_catalogue(("chair for", "need a chair", "nda"))
    for question in ("a chair for my desk", "I need a chair", "an NDA please"):
        assert catalogue.match(question).id == "chair", question  # type: ignore[union-attr]
    assert weightless(fold("laptop for")) is None


def test_a_phrase_of_everyday_words_weighs_nothing() -> None:
    """Words that are no stop words but hold in questions of every department
    ("new", "need", "access", "leave") won another department's form, and with
    it the routing vote, wherever no other form spelled the question."""
    everyday = ("new", "need", "access", "leave", "Neue")
    catalogue = _broad_catalogue(everyday)
    assert catalogue.match("I need access to the new shared drive") is None
    assert catalogue.match("How much annual leave do I have left?") is None
    assert catalogue.match("Neue Kollegin fängt an") is None
    assert catalogue.match("I need a password reset").id == "password"  # type: ignore[union-attr]
    assert {weightless(fold(p)) for p in everyday} == {Weightless.FREQUENT}


def test_a_phrase_weighs_by_how_rare_its_words_are() -> None:
    """Of two forms each spelling one word of the question, the rarer word's wins
    (alike, the first listed would); a phrase of everyday words together, or with
    a stop word, names a service ("new hire", "ziehen um")."""
    catalogue = Catalogue(
        {
            "any": RequestType("any", "hr", {"en": "A"}, triggers={"en": ("request",)}),
            "parking": RequestType("parking", "facilities", {"en": "P"}, triggers={"en": ("parking",)}),
        }
    )  # fmt: skip
    assert catalogue.match("request a parking space").id == "parking"  # type: ignore[union-attr]
    assert 0 < weight(fold("request")) < weight(fold("parking")) < weight(fold("laptop")) < 1
    for phrase in ("new hire", "ziehen um", "starts on", "courier", "Offboarding"):
        assert weight(fold(phrase)) == 1, phrase
    # An umlaut spelled out weighs as the umlaut: "kuendigung" is "Kündigung".
    assert weight(fold("kuendigung")) == weight(fold("Kündigung")) < 1


def test_a_match_is_as_strong_as_the_weight_of_what_it_spells() -> None:
    """`Catalogue.matched`: a question that asks for a form only through an everyday
    word ("request", 0.24) matches it weakly; one through a phrase that names the
    service ("new hire") fully, however many of its words are spelled."""
    catalogue = Catalogue(
        {
            "any": RequestType("any", "hr", {"en": "A"}, triggers={"en": ("request",)}),
            "hire": RequestType("hire", "hr", {"en": "H"}, triggers={"en": ("new hire",)}),
        }
    )
    light = catalogue.matched("request a monitor")
    heavy = catalogue.matched("a new hire starts Monday")
    assert light is not None and light[0].id == "any"
    assert light[1] == pytest.approx(weight(fold("request"))) and light[1] < 0.5
    assert heavy is not None and heavy[0].id == "hire" and heavy[1] == 1.0
    assert catalogue.matched("printer jam") is None
