"""Distinct people, counted from sketches that daily rollup rows carry.

The insights pages count distinct pseudonymous people over any period, for
all departments, one department, one topic or one question. Counting them
from (day, person) rows at read time cost 0.1 to 0.7 s per count at a million
searches (`benchmarks/insights.py endpoints`, 90 days). Instead each rollup
row keeps a HyperLogLog sketch of its people (Apache DataSketches, `LG_K` 12),
and a period's count is the union of its days' sketches: 16,500 sketches of a
few people each merge in 9 ms of CPU.

Why DataSketches rather than a hand-written HyperLogLog: its sketches start
as an exact list of 32-bit coupons (one per person) and turn into registers
only past 384 people, so small counts, which the minimum-people rule decides
on, are exact; its estimators are published and tested; merging is C++.

* Up to `EXACT_UP_TO` people a count is the number of distinct coupons:
  exact unless two people share a coupon (chance about n²/2^27), and never
  more than the true number. A question text is therefore never shown with
  fewer than `insights_min_people` people behind it (`kb.insights.privacy`).
* Beyond that the count has a relative standard error of 1.6 % (4 KiB of
  registers); docs/insights.md says which figures are such estimates.
"""

from __future__ import annotations

from collections.abc import Iterable

from datasketches import hll_sketch, hll_union, tgt_hll_type

LG_K = 12
EXACT_UP_TO = 384


def sketch_people(people: Iterable[str]) -> bytes:
    """The compact sketch of `people` (pseudonymous ids; empty ones skipped)."""
    sketch = hll_sketch(LG_K, tgt_hll_type.HLL_8)
    for person in people:
        if person:
            sketch.update(person)
    return bytes(sketch.serialize_compact())


class PeopleCount:
    """Adds sketches up (a union); `count()` is the distinct people seen."""

    __slots__ = ("_union",)

    def __init__(self) -> None:
        self._union = hll_union(LG_K)

    def add(self, sketch: bytes | None) -> None:
        """Add one sketch; None (no sketch kept, e.g. purged) adds nobody."""
        if sketch:
            self._union.update(hll_sketch.deserialize(bytes(sketch)))

    def count(self) -> int:
        return round(self._union.get_estimate())

    def sketch(self) -> bytes:
        """The union as one compact sketch (to store a merged row)."""
        return bytes(self._union.get_result(tgt_hll_type.HLL_8).serialize_compact())


def count_people(sketches: Iterable[bytes | None]) -> int:
    """Distinct people over several sketches."""
    total = PeopleCount()
    for sketch in sketches:
        total.add(sketch)
    return total.count()
