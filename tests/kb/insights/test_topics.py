"""The daily topic update on a real SQLite store, with a small fake embedder."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import pytest

from kb.insights.clustering import unit_rows
from kb.insights.records import QuestionFigures
from kb.insights.result_articles import DIMENSIONS, RESULTS_THRESHOLD
from kb.insights.store import InsightsStore, insights_store
from kb.insights.topics import DEFAULT_THRESHOLD, PRIOR_KEY, TopicBuilder, choose_label
from kb.store.factory import create_store

NOW = datetime(2026, 3, 2, tzinfo=UTC)
WORDS = ["parking", "parken", "phishing", "toner", "kantine"]
SAME = {"parken": "parking"}  # the fake model knows one translation


class WordEmbedder:
    """One dimension per topic word, a large direction every text shares (real
    models put all texts in a narrow cone) and one more for German."""

    name = "fake"

    def __init__(self, german: float = 0.8) -> None:
        self.calls: list[list[str]] = []
        self.german = german

    def embed_questions(self, texts: Sequence[str]) -> np.ndarray:
        self.calls.append(list(texts))
        rows = np.zeros((len(texts), 8), dtype=np.float32)
        for i, text in enumerate(texts):
            for word in WORDS:
                if word in text.lower():
                    rows[i, WORDS.index(SAME.get(word, word))] = 1.0
            rows[i, 7] = (
                self.german if any(w in text.lower() for w in ("parken", "kantine", "wo")) else 0.0
            )
            rows[i, 6] = 2.0  # what all texts share, as in real models
        return unit_rows(rows)


def q(
    text: str, *, lang: str = "en", searches: int = 2, people: int = 3, dept: str = "it"
) -> QuestionFigures:
    return QuestionFigures(
        text=text,
        department=dept,
        lang=lang,
        searches=searches,
        unanswered=searches,
        unclicked=0,
        not_helpful=0,
        people=people,
    )


@pytest.fixture
def store(tmp_path: Path) -> Iterator[InsightsStore]:
    opened = create_store(f"sqlite:///{tmp_path / 'kb.db'}")
    yield insights_store(opened)
    opened.close()


def _builder(store: InsightsStore, embedder: WordEmbedder) -> TopicBuilder:
    prior = {"en": ["Annual leave", "VPN"], "de": ["Urlaub", "Wo ist"]}
    return TopicBuilder(store, lambda: embedder, "fake", lambda: prior, clock=lambda: NOW)


def test_questions_become_topics_and_tomorrow_s_join_them(store: InsightsStore) -> None:
    embedder = WordEmbedder()
    builder = _builder(store, embedder)
    first = builder.update(
        [
            q("parking permit"),
            q("where to go parking", searches=5),
            q("phishing mail"),
            q("report phishing"),
            q("wo parken", lang="de"),
        ]
    )
    assert (first.questions, first.embedded, first.new_topics) == (5, 5, 2)
    topics = {t.label: t for t in store.topics()}
    assert set(topics) == {"where to go parking", "phishing mail"}
    parking = topics["where to go parking"]
    members = [g.text for g in store.gap_questions() if g.topic_id == parking.id]
    assert sorted(members) == ["parking permit", "where to go parking", "wo parken"]
    embedder.calls.clear()
    second = builder.update([q("parking permit"), q("parken am büro", lang="de"), q("toner empty")])
    # Only the new texts, then their words (`kb.insights.subjects`), in one call.
    assert embedder.calls == [["parken am büro", "toner empty", "büro", "empty", "parken", "toner"]]
    assert (second.assigned, second.new_topics) == (1, 1)
    assert len(store.topics()) == 3
    (joined,) = store.gap_questions(["parken am büro"])
    assert joined.topic_id == parking.id


def test_the_language_prior_is_computed_once_and_kept(store: InsightsStore) -> None:
    embedder = WordEmbedder()
    builder = _builder(store, embedder)
    prior = builder.prior()
    assert set(prior) == {"en", "de"}
    assert any(g.text == PRIOR_KEY + "de" for g in store.gap_questions(model="fake"))
    embedder.calls.clear()
    assert set(_builder(store, embedder).prior()) == {"en", "de"}
    assert embedder.calls == []


def test_answered_questions_are_no_gap(store: InsightsStore) -> None:
    fine = QuestionFigures(
        text="vpn",
        department="it",
        lang="en",
        searches=4,
        unanswered=0,
        unclicked=1,
        not_helpful=0,
        people=4,
    )
    assert _builder(store, WordEmbedder()).update([fine]).questions == 0
    assert store.topics() == []


def test_a_label_is_a_question_enough_people_asked() -> None:
    members = [q("my divorce papers", searches=30, people=1), q("parking permit", searches=3)]
    assert choose_label(members, {}, min_people=3) == "parking permit"
    assert choose_label(members[:1], {}, min_people=3) == ""
    central = [q("a", searches=2), q("b", searches=2)]
    assert choose_label(central, {"a": 0.1, "b": 0.9}, min_people=3) == "b"


def test_a_topic_routes_to_the_department_most_of_its_searches_went_to(
    store: InsightsStore,
) -> None:
    builder = _builder(store, WordEmbedder())
    builder.update(
        [
            q("phishing mail", dept="it", searches=5),
            q("report phishing", dept="", searches=9),
            q("phishing hr", dept="hr", searches=1),
        ]
    )
    (topic,) = store.topics()
    assert topic.department == "it"
    assert NOW - topic.updated < timedelta(seconds=1)


def test_questions_are_centred_by_the_language_their_vectors_are_in(
    store: InsightsStore,
) -> None:
    """Short German questions are often stored as English (the word-based
    detector falls back to the searcher's page language when a text says too
    little). Centred by the English mean, they kept the German direction and
    made one topic of German questions about different things ("wo parken",
    "wo kantine") instead of joining their own topics. (The model's language
    direction is as long as a topic's here, as in multilingual-e5-small.)"""
    builder = _builder(store, WordEmbedder(german=1.5))
    builder.update(
        [
            q("parking permit", searches=4),
            q("where to go parking", searches=3),
            q("kantine menu", searches=4),
            q("kantine opening hours", searches=3),
            q("toner empty", searches=3),
            q("wo parken"),  # German, detected as English
            q("wo kantine"),  # German, detected as English
        ]
    )
    topic_of = {g.text: g.topic_id for g in store.gap_questions() if g.topic_id}
    assert topic_of["wo parken"] == topic_of["parking permit"]
    assert topic_of["wo kantine"] == topic_of["kantine menu"]
    assert topic_of["wo parken"] != topic_of["wo kantine"]


def _with_results(
    store: InsightsStore,
    embedder: WordEmbedder,
    shown: dict[str, list[str]],
    asked: list[list[str]],
    model: str = "fake +results",
    threshold: float | None = None,
) -> TopicBuilder:
    prior = {"en": ["Annual leave", "VPN"], "de": ["Urlaub", "Wo ist"]}

    def results(texts: Sequence[str]) -> dict[str, list[str]]:
        asked.append(list(texts))
        return {t: shown[t] for t in texts if t in shown}

    return TopicBuilder(
        store,
        lambda: embedder,
        model,
        lambda: prior,
        results=results,
        threshold=threshold,
        clock=lambda: NOW,
    )


def test_the_articles_each_search_showed_decide_between_close_questions(
    tmp_path: Path,
) -> None:
    """The fake model puts "parking permit" and "phishing parking" 0.57 apart;
    at a bar of 0.65 they share a topic when their searches showed the same
    articles, and not when they showed different ones."""
    texts = ["parking permit", "parking permit form", "phishing parking", "phishing parking mail"]
    same = {t: ["facilities/parking.md", "it/phishing.md"] for t in texts}
    apart = {
        **{t: ["facilities/parking.md", "facilities/garage.md"] for t in texts[:2]},
        **{t: ["it/phishing.md", "it/mail.md"] for t in texts[2:]},
    }
    counts = []
    for name, shown in (("same", same), ("apart", apart)):
        opened = create_store(f"sqlite:///{tmp_path / name}.db")
        asked: list[list[str]] = []
        builder = _with_results(
            insights_store(opened), WordEmbedder(), shown, asked, threshold=0.65
        )
        counts.append(builder.update([q(t) for t in texts]).new_topics)
        assert asked == [texts]
        opened.close()
    assert counts == [1, 2]


def test_results_are_asked_once_and_kept_with_the_vector(store: InsightsStore) -> None:
    asked: list[list[str]] = []
    shown = {"parking permit": ["facilities/parking.md"]}
    builder = _with_results(store, WordEmbedder(), shown, asked)
    assert builder.threshold == RESULTS_THRESHOLD
    assert _builder(store, WordEmbedder()).threshold == DEFAULT_THRESHOLD
    builder.update([q("parking permit"), q("kantine menu")])
    builder.update([q("parking permit"), q("kantine menu")])
    assert asked == [["parking permit", "kantine menu"]]
    kept = {g.text: g.vector for g in store.gap_questions(model="fake +results")}
    assert len(kept["parking permit"]) == 8 + DIMENSIONS
    assert kept["parking permit"][8:].any() and not kept["kantine menu"][8:].any()


def test_topics_kept_from_before_the_results_take_their_questions_again(
    store: InsightsStore,
) -> None:
    """A topic's centre stored before the profiles were appended is narrower:
    the questions embedded again under the new key meet it by their vectors,
    and keep their topic (and an analyst's assignment of it)."""
    texts = ["parking permit", "where to go parking"]
    _builder(store, WordEmbedder()).update([q(t) for t in texts])
    before = {g.text: g.topic_id for g in store.gap_questions(model="fake")}
    asked: list[list[str]] = []
    shown = {t: ["facilities/parking.md"] for t in texts}
    update = _with_results(store, WordEmbedder(), shown, asked).update([q(t) for t in texts])
    assert update.embedded == 2 and update.new_topics == 0
    after = {g.text: g.topic_id for g in store.gap_questions(model="fake +results")}
    assert after == before
    assert all(len(t.centroid) == 8 + DIMENSIONS for t in store.topics())
