"""Distinct people from sketches: exact for small groups, close for large ones."""

from __future__ import annotations

from kb.insights.sketches import EXACT_UP_TO, PeopleCount, count_people, sketch_people


def test_small_groups_are_counted_exactly_across_days() -> None:
    monday = sketch_people(["a", "b", "a", ""])  # repeats and anonymous searches count once / never
    tuesday = sketch_people(["b", "c"])
    assert count_people([monday]) == 2
    assert count_people([monday, tuesday]) == 3
    assert count_people([monday, None, sketch_people([])]) == 2
    assert count_people([]) == 0


def test_every_count_up_to_the_exact_limit_is_exact() -> None:
    people = [f"browser-{i:05d}" for i in range(EXACT_UP_TO)]
    for n in (1, 2, 3, 5, 50, EXACT_UP_TO):
        halves = [sketch_people(people[: n // 2]), sketch_people(people[n // 2 : n])]
        assert count_people(halves) == n


def test_large_groups_are_estimated_within_a_few_percent() -> None:
    days = [
        sketch_people(f"p{(day * 700 + i) % 20_000}" for i in range(3_000)) for day in range(30)
    ]
    total = PeopleCount()
    for day in days:
        total.add(day)
    assert abs(total.count() - 20_000) / 20_000 < 0.05
    merged = total.sketch()  # a union stored as one sketch counts the same
    assert count_people([merged]) == total.count()
    assert len(days[0]) <= 4 * 1024 + 64
