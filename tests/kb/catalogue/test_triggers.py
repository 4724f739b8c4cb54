"""Trigger phrases: the request type a question asks for, found in time that does
not grow with the number of phrases, with the scores of the expressions."""

from __future__ import annotations

import random
import time

from kb.catalogue.triggers import TriggerIndex, fold, trigger_score
from kb.catalogue.types import Catalogue, RequestType


def _earlier_best(entries: list[tuple[str, dict[str, tuple[str, ...]]]], text: str) -> str | None:
    """The entry chosen as before: every phrase's expression, the first of equals."""
    folded = fold(text)
    best, best_score = None, 0
    for name, triggers in entries:
        score = trigger_score(triggers, folded)
        if score > best_score:
            best, best_score = name, score
    return best


def test_each_question_gets_the_entry_the_expressions_gave() -> None:
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
            scores = index.scores(fold(text))
            for number, (_, triggers) in enumerate(entries):
                assert scores.get(number, 0) == trigger_score(triggers, fold(text))
            found = index.best(text)
            assert found == _earlier_best(entries, text)


def test_many_trigger_phrases_cost_a_search_little() -> None:
    """The search page offers the request form a question asks for: 80,000
    phrases in department files (about a megabyte) took 1.3 s of every search."""
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
    started = time.process_time()
    for _ in range(20):
        assert catalogue.match("Please give me VPN access while I travel next month").id == "vpn"
    assert time.process_time() - started < 0.5
