"""The two models' agreement rules for the answer passage (benchmarks.agreement_levers)."""

from __future__ import annotations

import json
from pathlib import Path

from benchmarks.agreement_levers import (
    both_cosines,
    engine,
    measure,
    nearest_by_all,
    switch_needs_both,
)
from benchmarks.fit_answers import Search, load_samples
from search.answering import PASSAGE_FEATURES


def row(article: float, cosine: float, second: float, section: float = 0.0) -> dict[str, float]:
    """Features with the engine's weight on `article` and both cosines."""
    base = {k: 0.0 for k in PASSAGE_FEATURES}
    return base | {
        "article": article,
        "cosine": cosine,
        "secondary_cosine": second,
        "both_cosine": cosine + second,
        "section_cosine": section,
    }


# The engine prefers the second article's candidate (a much higher first-model
# cosine outweighs the article's lower score); the second model disagrees.
SECOND_WINS = [row(1.0, -0.2, 0.0), row(0.9, 0.0, -0.3)]


def search(rows: list[dict[str, float]], held: list[bool], second: bool = True) -> Search:
    return Search("s", "q1", "en", rows, held, second)


def test_the_engine_takes_the_second_articles_candidate_here() -> None:
    assert engine(search(SECOND_WINS, [True, False])) == 1


def test_an_answer_from_the_second_article_needs_both_models() -> None:
    rule = switch_needs_both()
    assert rule(search(SECOND_WINS, [True, False])) == 0
    agreeing = [row(1.0, -0.2, -0.3), row(0.9, 0.0, 0.0)]
    assert rule(search(agreeing, [True, False])) == 1
    # Without the second model's cosines nothing changes.
    assert rule(search(SECOND_WINS, [True, False], second=False)) == 1


def test_a_candidate_every_key_puts_first_wins() -> None:
    rows = [row(1.0, 0.0, -0.1, section=-0.5), row(1.0, -0.01, 0.0), row(1.0, -0.3, -0.4)]
    assert nearest_by_all(("cosine", "secondary_cosine"))(search(rows, [False] * 3)) == engine(
        search(rows, [False] * 3)
    )
    unanimous = [row(1.0, -0.5, -0.1), row(1.0, 0.0, 0.0, section=-0.1), row(1.0, -0.6, -0.2)]
    assert nearest_by_all(("cosine", "secondary_cosine"))(search(unanimous, [False] * 3)) == 1
    keys = ("cosine", "secondary_cosine", "section_cosine")
    assert nearest_by_all(keys)(search(unanimous, [False] * 3)) == engine(
        search(unanimous, [False] * 3)
    )


def test_both_cosines_alone_ignore_the_article() -> None:
    rows = [row(1.0, -0.05, -0.05), row(0.1, 0.0, -0.02)]
    assert both_cosines(search(rows, [False, True])) == 1


def test_measure_counts_english_searches_and_names_the_changed_ones(tmp_path: Path) -> None:
    samples = tmp_path / "fit.json"
    rows = [
        {
            "set": "s",
            "id": "q1",
            "lang": "en",
            "features": SECOND_WINS,
            "held": [True, False],
            "second": True,
        },
        {
            "set": "s",
            "id": "q2",
            "lang": "de",
            "features": SECOND_WINS,
            "held": [True, False],
            "second": False,
        },
    ]
    samples.write_text(json.dumps({"searches": rows}), encoding="utf-8")
    searches = load_samples(samples)
    rules = {"engine": engine, "switch": switch_needs_both()}
    result = measure(searches, rules)
    half = searches[0].half
    assert result["engine"]["holds"]["s all"] == "0 of 1"
    assert result["switch"]["holds"]["s all"] == "1 of 1"
    assert result["switch"]["holds"][f"s {half}"] == "1 of 1"
    assert result["switch"]["changed"] == {f"s q1 ({half})": "gained"}
    assert result["engine"]["changed"] == {}
