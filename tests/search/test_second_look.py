"""The second look: the leave-out evidence, the gate, and the setting off."""

from __future__ import annotations

import numpy as np
import pytest

from indexer.metadata import Passage
from kb.results import Query
from kb.settings import Settings
from search.confidence import FEATURES, ConfidenceModel, Evidence
from search.engine import SearchEngine
from search.second_look import (
    FEATURE,
    GATE,
    Judge,
    SecondLook,
    TwoStage,
    leave_out_rarest,
    rarest_missing,
    without,
)
from search.understanding import Concept, QueryPlan
from tests.support import HashingEmbedder

PLAN = QueryPlan(
    "expense a choir trip",
    "en",
    ("expense", "choir", "trip"),
    (Concept("expense", (), 1.0), Concept("choir", (), 3.0), Concept("trip", (), 2.0)),
)
TRAVEL = Passage(
    1, "travel.md", 0, "finance", "en", "Travel", ("Expenses",), "Expense a trip.", (), ()
)
EVIDENCE = Evidence(cosine=0.9, coverage=0.6, keyword_rank=1, vector_rank=2, keyword_score=6.0)
# The second model: the first one's evidence, and FEATURE pulling confidence down.
SECOND = ConfidenceModel(
    bias=0.0, weights={FEATURE: -100.0}, neutral={FEATURE: 0.01}, known=(*FEATURES, FEATURE)
)


class WordEmbedder:
    """Bag-of-words vectors over a fixed vocabulary; counts the texts it embeds."""

    VOCABULARY = ("expense", "choir", "trip", "a")

    def __init__(self) -> None:
        self.texts: list[str] = []

    def __call__(self, text: str) -> np.ndarray:
        self.texts.append(text)
        v = np.array([float(w in text.lower().split()) for w in self.VOCABULARY])
        return v / max(float(np.linalg.norm(v)), 1e-12)


def passage_cosine(v: np.ndarray) -> float:
    """The TRAVEL passage's vector: "expense a trip"."""
    p = np.array([1.0, 0.0, 1.0, 1.0])
    return float(v @ (p / np.linalg.norm(p)))


def test_without_drops_whole_words_only() -> None:
    assert without("a choir trip for choirs", ["choir"]) == "a trip for choirs"
    assert without("Choir trip", ["choir"]) == "trip"


def test_the_rarest_concept_the_passage_lacks() -> None:
    assert rarest_missing(PLAN, TRAVEL) == "choir"
    held = QueryPlan("expense trip", "en", ("expense", "trip"), PLAN.concepts[::2])
    assert rarest_missing(held, TRAVEL) is None


def test_leaving_out_the_missing_detail_raises_the_cosine() -> None:
    embed = WordEmbedder()
    gain = leave_out_rarest(embed, passage_cosine, PLAN, TRAVEL)
    assert gain is not None and gain > 0.1
    assert embed.texts == ["expense a trip", "expense a choir trip"]
    held = QueryPlan("expense trip", "en", ("expense", "trip"), PLAN.concepts[::2])
    assert leave_out_rarest(embed, passage_cosine, held, TRAVEL) is None
    assert len(embed.texts) == 2  # nothing embedded when nothing is missing


def first_stage(confidence: float) -> ConfidenceModel:
    """A first model whose confidence is `confidence` for any evidence."""
    return ConfidenceModel(bias=float(np.log(confidence / (1 - confidence))), weights={})


@pytest.mark.parametrize("confidence, looks", [(0.2, False), (0.5, True), (0.95, False)])
def test_only_an_unsure_first_stage_pays_for_the_leave_out(confidence: float, looks: bool) -> None:
    calls: list[int] = []

    def leave_out() -> float:
        calls.append(1)
        return 0.05

    second = SecondLook(model=SECOND, threshold=0.4)
    judged = Judge(first_stage(confidence), 0.57, second)(EVIDENCE, leave_out)
    assert bool(calls) is looks
    assert (FEATURE in judged.features) is looks
    if looks:
        assert judged.features[FEATURE] == 0.05
        assert judged.confidence == pytest.approx(1 / (1 + np.exp(5.0)))
        assert not judged.answered
    else:
        assert judged.confidence == pytest.approx(confidence)
        assert judged.answered is (confidence >= 0.57)


def test_the_second_threshold_decides_inside_the_gate() -> None:
    second = SecondLook(model=ConfidenceModel(bias=0.0, weights={}), threshold=0.45)
    judged = Judge(first_stage(0.5), 0.57, second)(EVIDENCE, lambda: 0.02)
    assert judged.confidence == pytest.approx(0.5) and judged.answered
    assert not Judge(first_stage(0.5), 0.57)(EVIDENCE).answered


def test_nothing_left_out_keeps_the_first_stage() -> None:
    second = SecondLook(model=SECOND, threshold=0.4)
    judged = Judge(first_stage(0.5), 0.57, second)(EVIDENCE, lambda: None)
    assert judged.confidence == pytest.approx(0.5) and FEATURE not in judged.features


def test_across_languages_the_neutral_value_stands_in_without_embedding() -> None:
    evidence = Evidence(
        cosine=0.8, coverage=0.0, keyword_rank=None, vector_rank=1, cross_lingual=True
    )
    second = SecondLook(model=SECOND, threshold=0.4)

    def leave_out() -> float:
        raise AssertionError("no embedding across languages")

    judged = Judge(first_stage(0.5), 0.57, second)(evidence, leave_out)
    assert judged.confidence == pytest.approx(1 / (1 + np.exp(1.0)))


def test_the_fitting_scorer_matches_the_engine_decision() -> None:
    staged = TwoStage(first_stage(0.5), SecondLook(model=SECOND))
    features = EVIDENCE.features() | {FEATURE: 0.05}
    assert staged.of(features) == pytest.approx(1 / (1 + np.exp(5.0)))
    assert staged.of(EVIDENCE.features()) == pytest.approx(0.5)  # nothing left out
    assert GATE == (0.3, 0.9)


QUERIES = ("how many days of annual leave", "company choir trip", "Urlaub", "printer", "asdkjh")


def test_setting_off_gives_the_first_stage_confidence(
    fixture_index: Settings, hashing_embedder: HashingEmbedder
) -> None:
    assert not fixture_index.confidence_second_look  # off by default
    off = SearchEngine(fixture_index, embedder=hashing_embedder)
    assert off.judge.second is None
    for text in QUERIES:
        response = off.search(Query(text))
        assert FEATURE not in response.features
        if response.features and response.confidence > 0:
            assert response.confidence == ConfidenceModel().of(response.features)
    off.close()


def test_setting_on_computes_the_feature_inside_the_gate(
    fixture_index: Settings, hashing_embedder: HashingEmbedder
) -> None:
    on = SearchEngine(fixture_index.replace(confidence_second_look=True), embedder=hashing_embedder)
    assert on.judge.second is not None
    # every search looks twice
    on.judge = Judge(on.confidence, 0.57, SecondLook(band=(0.0, 1.0)))
    looked = [on.search(Query(text)) for text in QUERIES]
    with_feature = [r for r in looked if FEATURE in r.features]
    assert with_feature, "a query with a concept its answer lacks gets the leave-out"
    for response in with_feature:
        assert response.confidence == pytest.approx(SecondLook().model.of(response.features))
    on.close()
