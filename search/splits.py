"""A fixed two-way split of a labelled query set: one half to tune, one to report.

Settings, thresholds and confidence weights are chosen on the `tune` half;
the `report` half is only measured. The split is a hash of the query id, so
it never depends on file order, needs no list to keep in step with the set,
and a query keeps its half when others are added or removed.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from typing import TypeVar

TUNE = "tune"
REPORT = "report"
HALVES = (TUNE, REPORT)

T = TypeVar("T")


def half_of(query_id: str) -> str:
    """`tune` or `report` for a query id (SHA-256 of the id, lowest bit)."""
    digest = hashlib.sha256(query_id.encode("utf-8")).digest()
    return TUNE if digest[-1] % 2 == 0 else REPORT


def only(half: str | None, items: Iterable[T], key: str = "id") -> list[T]:
    """The items of one half (all of them for None); items carry their id in `key`."""
    if half is None:
        return list(items)
    if half not in HALVES:
        raise ValueError(f"half must be one of {', '.join(HALVES)}, got {half!r}")
    return [item for item in items if half_of(str(getattr(item, key))) == half]
