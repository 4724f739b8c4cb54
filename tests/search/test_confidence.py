"""The answered decision."""

from __future__ import annotations

import dataclasses

import pytest

from search.confidence import ConfidenceModel, Evidence, is_answered

STRONG = Evidence(
    cosine=0.88,
    coverage=1.0,
    keyword_rank=1,
    vector_rank=1,
    keyword_score=18.0,
    answer_coverage=1.0,
    keyword_share=0.9,
    cosine_gap=0.1,
)
WEAK = Evidence(
    cosine=0.75,
    coverage=0.1,
    keyword_rank=9,
    vector_rank=30,
    keyword_score=2.0,
    answer_coverage=0.1,
    keyword_share=0.05,
)


def test_no_results_means_zero_confidence_and_unanswered() -> None:
    assert ConfidenceModel().confidence(None) == 0.0
    assert not is_answered(0.0, 0.0)


def test_confidence_is_a_probability_that_rises_with_evidence() -> None:
    model = ConfidenceModel()
    strong, weak = model.confidence(STRONG), model.confidence(WEAK)
    assert 0.0 < weak < strong < 1.0
    assert strong > 0.9 and weak < 0.2


@pytest.mark.parametrize(
    "field, low, high",
    [
        ("cosine", 0.3, 0.6),
        ("coverage", 0.2, 0.9),
        ("keyword_score", 1.0, 20.0),
    ],
)
def test_each_feature_counts(field: str, low: float, high: float) -> None:
    base = {
        "cosine": 0.4,
        "coverage": 0.5,
        "keyword_rank": 2,
        "vector_rank": 2,
        "keyword_score": 5.0,
    }
    model = ConfidenceModel()
    assert model.confidence(Evidence(**{**base, field: low})) < model.confidence(
        Evidence(**{**base, field: high})
    )


def test_agreement_falls_with_the_worse_rank() -> None:
    assert Evidence(0.5, 0.5, 1, 1).agreement == 1.0
    assert Evidence(0.5, 0.5, 1, 4).agreement == 0.25
    assert Evidence(0.5, 0.5, None, 1).agreement == 0.0


def test_threshold_decides() -> None:
    assert is_answered(0.7, 0.65) and is_answered(0.65, 0.65)
    assert not is_answered(0.6, 0.65)


def test_keyword_evidence_of_a_cross_language_query_is_neutral() -> None:
    model = ConfidenceModel()
    german = Evidence(0.85, 0.0, None, 1, 0.0, cross_lingual=True)
    same = Evidence(0.85, 0.0, None, 1, 0.0)
    # Words of another language cannot match the article's: not evidence against it.
    assert model.confidence(german) > model.confidence(same)
    inputs = model.inputs(german.features())
    assert inputs["coverage"] == model.neutral["coverage"] and inputs["cosine"] == 0.85
    assert model.inputs(same.features())["coverage"] == 0.0


def test_a_translated_cross_language_query_is_judged_by_what_its_answer_holds() -> None:
    """Where the dictionary translated a question's words into the article's
    language, how much of it the answer passage holds is observed: an
    off-topic German question whose answer holds none of it ("Wie backe ich
    einen Käsekuchen?" over English pages) is no longer judged as a typical
    answered question; the rest of the keyword evidence stays neutral."""
    model = ConfidenceModel()
    off_topic = Evidence(0.79, 0.3, 4, 1, 2.0, answer_coverage=0.0, cross_lingual=True)
    translated = dataclasses.replace(off_topic, translated=True)
    inputs = model.inputs(translated.features())
    assert inputs["answer_coverage"] == 0.0
    assert inputs["coverage"] == model.neutral["coverage"]
    assert model.confidence(translated) < model.confidence(off_topic)
    # Untranslated (no dictionary, or words it lacks), it is imputed as before.
    assert model.inputs(off_topic.features())["answer_coverage"] == model.neutral["answer_coverage"]
    # An answer that holds the question counts as much as in the question's language.
    held = dataclasses.replace(translated, answer_coverage=1.0)
    assert model.confidence(held) > model.confidence(off_topic)


def test_unknown_features_are_refused() -> None:
    with pytest.raises(ValueError, match="unknown confidence features"):
        ConfidenceModel(weights={"colour": 1.0})


MIDDLING = Evidence(
    cosine=0.85,
    coverage=0.6,
    keyword_rank=1,
    vector_rank=2,
    keyword_score=8.0,
    answer_coverage=0.6,
    keyword_share=0.4,
    cosine_gap=0.05,
)


def test_the_second_models_best_cosine_counts_where_it_was_observed() -> None:
    model = ConfidenceModel()
    near = dataclasses.replace(MIDDLING, second_top=0.75)
    far = dataclasses.replace(MIDDLING, second_top=0.25)
    assert model.confidence(far) < model.confidence(MIDDLING) < model.confidence(near)
    assert near.features()["second_top"] == 0.75


def test_without_the_second_model_its_evidence_is_neutral() -> None:
    # Not observed (German query, no second model): neither for nor against.
    model = ConfidenceModel()
    assert "second_top" not in MIDDLING.features()
    neutral = dataclasses.replace(MIDDLING, second_top=model.neutral["second_top"])
    assert model.confidence(MIDDLING) == pytest.approx(model.confidence(neutral))
    # Across languages an observed value is set aside like the keyword evidence.
    across = dataclasses.replace(MIDDLING, cross_lingual=True)
    assert model.confidence(dataclasses.replace(across, second_top=0.1)) == pytest.approx(
        model.confidence(dataclasses.replace(across, second_top=0.9))
    )
