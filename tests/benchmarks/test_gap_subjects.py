"""The labelled set of gap subjects: its tuning and report parts share no topic,
no family of topics and no search, so what is chosen on one is measured on
the other; and the pairwise figures count pairs as they say."""

from __future__ import annotations

from collections import Counter

from benchmarks.gap_subjects import SETS, load_part, mixed_topics, pairwise


def _parts() -> tuple[list[dict[str, str]], list[dict[str, str]]]:
    folder, (tuning, report) = SETS["subjects"]
    return load_part(folder, tuning), load_part(folder, report)


def test_the_two_parts_share_no_topic_and_no_search() -> None:
    tuning, report = _parts()
    assert {r["topic"] for r in tuning}.isdisjoint({r["topic"] for r in report})
    folded = [{" ".join(r["query"].casefold().split()) for r in part} for part in (tuning, report)]
    assert folded[0].isdisjoint(folded[1])
    every = [" ".join(r["query"].casefold().split()) for r in tuning + report]
    assert len(every) == len(set(every))  # no search twice, in one part either


def test_every_topic_is_asked_in_english_and_german_by_several_searches() -> None:
    for part in _parts():
        sizes = Counter(r["topic"] for r in part)
        assert min(sizes.values()) >= 3
        for topic in sizes:
            assert {r["lang"] for r in part if r["topic"] == topic} == {"en", "de"}


def test_pairwise_precision_and_recall_count_pairs() -> None:
    gold = ["a", "a", "a", "b"]
    assert pairwise(gold, [0, 0, 0, 1]) == (1.0, 1.0)
    # a, a, b together: of its 3 pairs 1 is meant; of the 3 meant pairs 1 is found.
    assert pairwise(gold, [0, 0, 1, 0]) == (1 / 3, 1 / 3)
    rows = [{"topic": t, "query": q} for t, q in zip(gold, "wxyz", strict=True)]
    assert mixed_topics(rows, [0, 0, 1, 0]) == [["a: w", "a: x", "b: z"]]
