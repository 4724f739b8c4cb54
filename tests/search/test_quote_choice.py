"""Choosing the answer's quote by its words and its meaning (`search.quote_choice`)."""

from __future__ import annotations

import json
from collections.abc import Sequence

import numpy as np
import pytest

from indexer import sentence_vectors
from indexer.build import IndexBuilder
from indexer.reader import Snapshot
from kb.passage_sentences import sentences
from kb.results import Query
from kb.settings import Settings
from search.engine import SearchEngine
from search.highlight import answer_of, answer_sentences
from search.quote_choice import MAX_SENTENCES, QuoteChoice, fused, reading_ranks, windows
from search.terms import stems
from tests.conftest import ROOT
from tests.support import HashingEmbedder

# How far int8 rounding may move a window's cosine (about a thousandth, typically).
ROUNDING = 0.005

MATCH = frozenset(stems("temporary") | stems("promotion") | stems("long"))


class Meaning:
    """Embeds a text as [1, 0] when it holds `near`, else [0, 1]; counts texts."""

    def __init__(self, near: str) -> None:
        self.near = near
        self.texts: list[str] = []

    def __call__(self, texts: Sequence[str]) -> np.ndarray:
        self.texts.extend(texts)
        return np.array([[1.0, 0.0] if self.near in t else [0.0, 1.0] for t in texts])


QUERY = np.array([1.0, 0.0])


def test_each_sentence_is_read_with_its_neighbours() -> None:
    assert windows(["A.", "B.", "C."]) == ["A. B.", "A. B. C.", "B. C."]
    assert windows(["A."]) == ["A."]


def test_equal_scores_rank_in_reading_order() -> None:
    assert reading_ranks([1.0, 3.0, 1.0]) == [1, 0, 2]


def test_the_first_by_words_or_by_meaning_whichever_ranks_higher_in_the_other() -> None:
    def best(words: list[float], cosines: list[float]) -> int:
        keys = fused(words, cosines)
        return max(range(len(keys)), key=lambda i: (keys[i], -i))

    # The first by words is second by meaning; the first by meaning is last by words.
    assert best([3.0, 2.0, 1.0], [0.5, 0.1, 0.9]) == 0
    # The first by meaning is second by words; the first by words is last by meaning.
    assert best([3.0, 1.0, 2.0], [0.1, 0.5, 0.9]) == 2
    # A sentence second in both orders never wins over a first.
    assert best([3.0, 2.0, 0.0], [0.1, 0.8, 0.9]) in (0, 2)


def test_the_sentence_that_answers_in_other_words_is_quoted() -> None:
    text = (
        "These hiring actions include temporary promotions. "
        "A detail to a higher level is a temporary promotion and cannot exceed 120 days. "
        "Someone selected for a temporary promotion has the resume reviewed."
    )
    # By words alone the three tie and the first is quoted.
    words_only, _ = answer_sentences(text, MATCH)
    assert words_only.startswith("These hiring actions")
    quote, _ = answer_sentences(text, MATCH, choose=QuoteChoice(Meaning("120 days"), QUERY))
    assert quote.startswith("A detail to a higher level") or "120 days" in quote


def test_the_words_still_decide_the_neighbour() -> None:
    text = "Unrelated opening words. Parental leave lasts twelve weeks. It can be taken in parts."
    match = frozenset(stems("parental") | stems("leave"))
    quote, _ = answer_sentences(text, match, choose=QuoteChoice(Meaning("in parts"), QUERY))
    # The last sentence wins by meaning; its neighbour holds the words and joins.
    assert quote == "Parental leave lasts twelve weeks. It can be taken in parts."


def test_at_most_max_sentences_are_embedded() -> None:
    parts = [f"Sentence number {i} about leave." for i in range(MAX_SENTENCES + 10)]
    meaning = Meaning("number 3 ")
    keys = QuoteChoice(meaning, QUERY)(parts, [1.0] * len(parts))
    assert len(meaning.texts) == MAX_SENTENCES
    # The sentences past the cap rank last by meaning.
    assert keys[-1] == 1 / len(parts) + 1 / len(parts)


def test_one_sentence_embeds_nothing() -> None:
    meaning = Meaning("leave")
    quote, _ = answer_sentences(
        "Parental leave lasts twelve weeks.", MATCH, choose=QuoteChoice(meaning, QUERY)
    )
    assert quote == "Parental leave lasts twelve weeks." and meaning.texts == []


class Counting(HashingEmbedder):
    """The hashing embedder that remembers the passage-role texts it embeds."""

    def __init__(self) -> None:
        self.texts: list[str] = []

    def embed(self, texts: Sequence[str], progress: object = None) -> np.ndarray:
        self.texts.extend(texts)
        return super().embed(texts, progress)


QUESTION = "when do I need a doctor's certificate"


def test_stored_sentence_vectors_spare_the_model_and_quote_alike(tiny_settings: Settings) -> None:
    """An index built with the setting holds the windows' vectors: a search
    embeds none of them; one built without embeds them and quotes the same."""
    on = tiny_settings.replace(answer_quote_by_meaning=True, answer_threshold=0.0)
    counting = Counting()
    IndexBuilder(on, embedder=counting).run()
    counting.texts.clear()
    engine = SearchEngine(on, embedder=counting)
    stored = engine.search(Query(QUESTION)).answer
    engine.close()
    assert stored is not None and len(sentences(stored.passage)) > 1
    assert counting.texts == []
    # The same content indexed without them: the search embeds the windows.
    IndexBuilder(on.replace(answer_quote_by_meaning=False), embedder=counting).run(full=True)
    counting.texts.clear()
    engine = SearchEngine(on, embedder=counting)
    embedded = engine.search(Query(QUESTION)).answer
    engine.close()
    assert embedded is not None and embedded.passage == stored.passage
    assert counting.texts == windows(sentences(stored.passage))[:MAX_SENTENCES]
    assert embedded.highlight == stored.highlight


@pytest.mark.slow
def test_int8_sentence_vectors_quote_as_float16_on_the_labelled_set(
    sample_index: Settings,
    embedder,  # type: ignore[no-untyped-def]
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The real model's window vectors, stored as float16 (before) or int8 with
    a scale per window (`indexer.sentence_vectors`), read every window's cosine
    within `ROUNDING` of each other, so they choose the same quote for the
    sample content's labelled set but where two windows' cosines lie that close
    (a near tie: the CPU's float arithmetic alone decides some of those).

    Each question is searched once, with the setting on: the engine's answer
    passage is quoted from float16 vectors (what it answers), from int8 ones,
    and by the words alone, as the engine quotes it with the setting off (no
    `choose`; the setting takes no other part in a search). Three searches of
    each question gave the same three quotes in three times the time."""
    on = sample_index.replace(answer_quote_by_meaning=True)
    lines = (ROOT / "benchmarks" / "labelled" / "queries.jsonl").read_text().splitlines()
    questions = [json.loads(line)["text"] for line in lines if line.strip()]
    embedded: dict[tuple[str, ...], np.ndarray] = {}

    def float16(windows: Sequence[str]) -> np.ndarray:
        if tuple(windows) not in embedded:
            embedded[tuple(windows)] = embedder.embed(list(windows)).astype(np.float16)
        return embedded[tuple(windows)]

    def int8(windows: Sequence[str]) -> np.ndarray | None:
        return sentence_vectors.decode(*sentence_vectors.encode(float16(windows)), len(windows))

    reading = {"float16": lambda w: float16(w).astype(np.float32), "int8": int8}
    read_as = ["float16"]
    monkeypatch.setattr(
        Snapshot, "sentence_vectors", lambda _, pid, windows: reading[read_as[0]](windows)
    )
    other_quotes: dict[str, list[str]] = {"int8": [], "words": []}
    read: list[list[float]] = []  # each quote choice's window cosines, as it read them
    cosines: list[tuple[list[list[float]], list[list[float]]]] = []  # (int8, float16)

    def recorded(word_scores: Sequence[float], by_meaning: Sequence[float]) -> list[float]:
        read.append(list(by_meaning))
        return fused(word_scores, by_meaning)

    monkeypatch.setattr("search.quote_choice.fused", recorded)

    def quoted_three_ways(passage, coverage, match, choose=None):  # type: ignore[no-untyped-def]
        assert isinstance(choose, QuoteChoice)  # the engine's quote by meaning
        read_as[0] = "int8"
        read.clear()
        other_quotes["int8"].append(answer_of(passage, coverage, match, choose).highlight)
        by_int8 = list(read)
        other_quotes["words"].append(answer_of(passage, coverage, match).highlight)
        read_as[0] = "float16"
        read.clear()
        answer = answer_of(passage, coverage, match, choose)
        cosines.append((by_int8, list(read)))
        return answer

    monkeypatch.setattr("search.engine.answer_of", quoted_three_ways)
    engine = SearchEngine(on, embedder=embedder)
    answers = [engine.search(Query(q)).answer for q in questions]
    engine.close()
    by_float16 = [a.highlight for a in answers if a is not None]
    assert len(by_float16) == len(other_quotes["int8"]) == len(other_quotes["words"])
    assert sum(bool(h) for h in by_float16) >= len(questions) // 2
    # The meaning moves some quotes: the comparison is not idle.
    assert other_quotes["words"] != by_float16
    shifts = [
        abs(a - b)
        for by_int8, by_f16 in cosines
        for row_int8, row_f16 in zip(by_int8, by_f16, strict=True)
        for a, b in zip(row_int8, row_f16, strict=True)
        if np.isfinite(b)
    ]
    assert shifts and max(shifts) <= ROUNDING
    # A quote moves only where the rounding reorders two windows' cosines.
    for quote, shown, (by_int8, by_f16) in zip(
        other_quotes["int8"], by_float16, cosines, strict=True
    ):
        if quote != shown:
            assert [reading_ranks(r) for r in by_int8] != [reading_ranks(r) for r in by_f16]
    moved = sum(q != s for q, s in zip(other_quotes["int8"], by_float16, strict=True))
    assert moved <= len(by_float16) // 20  # now and then a near tie, never a pattern
