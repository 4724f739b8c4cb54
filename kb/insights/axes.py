"""The top of a chart's axis: a round number at or above its largest value,
and for counts one whose halfway mark is a whole number too."""

from __future__ import annotations

import math


def nice_top(value: float) -> float:
    """A round number at or above `value` for the top of an axis."""
    if value <= 0:
        return 1.0
    magnitude = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 2.5, 5, 10):
        if value <= step * magnitude:
            return step * magnitude
    return 10 * magnitude


def count_top(value: float) -> float:
    """The top of an axis of whole numbers: `nice_top`, unless the axis's halfway
    mark would fall between two (half a search, "0.50" on a day nobody
    searched); then the next round number with a whole half."""
    top = nice_top(value)
    if (top / 2).is_integer():
        return top
    magnitude = 10 ** math.floor(math.log10(top))
    return next(
        step * magnitude
        for step in (2, 3, 4, 6, 8, 10)
        if step * magnitude >= value and (step * magnitude / 2).is_integer()
    )
