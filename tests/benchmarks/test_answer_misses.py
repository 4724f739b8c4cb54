"""Classifying where a question's answer is lost."""

from __future__ import annotations

from benchmarks.answer_misses import CLASSES, Competitor, counts, miss_class


def test_each_miss_falls_in_the_first_class_that_fits() -> None:
    intro = Competitor("a.md", 0, False)
    section = Competitor("a.md", 1, True)
    later = Competitor("a.md", 4, True)
    other = Competitor("b.md", 2, True)
    assert miss_class(True, True, intro, [intro, section], False) == "holds"
    # a declined question counts as declined even when the best candidate holds it
    assert miss_class(False, False, section, [section], False) == "declined"
    assert miss_class(True, False, intro, [intro], True) == "only in a lower article"
    assert miss_class(True, False, intro, [intro], False) == "not in the first articles"
    assert miss_class(True, False, None, [], False) == "not in the first articles"
    assert (
        miss_class(True, False, intro, [intro, Competitor("a.md", 3, False), other], False)
        == "in the other competing article"
    )
    assert (
        miss_class(True, False, intro, [intro, section], False)
        == "introduction chosen, a section holds it"
    )
    chosen = Competitor("a.md", 3, False)
    assert miss_class(True, False, chosen, [chosen, later], False) == "in the neighbouring passage"
    assert miss_class(True, False, chosen, [chosen, section], False) == "in another section"


def test_counts_list_every_class_per_set_and_half() -> None:
    rows = [
        {"set": "a", "half": "tune", "class": "holds"},
        {"set": "a", "half": "tune", "class": "declined"},
        {"set": "a", "half": "report", "class": "holds"},
    ]
    result = counts(rows)
    assert list(result) == ["a report", "a tune"]
    assert list(result["a tune"]) == list(CLASSES)
    assert result["a tune"]["holds"] == 1 and result["a tune"]["declined"] == 1
    assert result["a report"]["declined"] == 0
