"""The loss kind of one question's first ten results (`benchmarks.ranking_losses`)."""

from __future__ import annotations

import pytest

from benchmarks.ranking_losses import kind_of

JUDGED = {"a": 2, "b": 1, "c": 1}


@pytest.mark.parametrize(
    ("results", "kind"),
    [
        (["x", "y", "z"], "missing"),
        (["x", "b", "y", "z", "w", "v", "a"], "best low"),
        (["x", "a", "b", "c"], "under unjudged"),
        (["b", "a", "c"], "under partial"),
        (["a", "x", "y", "b", "c"], "second low"),
        (["a", "b", "x"], "second low"),
        (["a", "c", "b"], "order"),
    ],
)
def test_kind_of(results: list[str], kind: str) -> None:
    assert kind_of(results, JUDGED) == kind


def test_best_graded_tie_counts_the_highest_placed() -> None:
    assert kind_of(["b", "a", "d"], {"a": 2, "b": 2, "d": 1}) == "order"
