"""The gap between two columns of a PDF page (its gutter), for `kb.extract.pdf_columns`.

A gutter is the band of x, between `MIDDLE` and 1 - `MIDDLE` of the width of
the text, that the fewest lines reach into, at least a font size wide. The
x-axis is cut into runs between the edges of the lines' cells, each with the
lines that reach over it; the band is the widest stretch of runs next to each
other that no more lines reach into than into any stretch a font size wide.

The lines reaching into a stretch of x are counted over the whole stretch:
counted over every stretch a page of two columns took 5.9 ms to order instead
of 1.1 ms before three columns were read; a stretch holding a run more lines
reach into than into a wide run alone cannot have the fewest, and is not
counted: with the sides whose lines all start at their left edge not looked at
for a gutter (`kb.extract.pdf_columns`), 1.4-1.7 ms (30 generated pages of one,
two and three columns).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from statistics import median
from typing import Protocol

from kb.extract.pdf_tables import Cell

MIDDLE = 0.25

# A run of x between cell edges, and the numbers of the lines that reach over it.
Run = tuple[float, float, frozenset[int]]


class PlacedLine(Protocol):
    """A line of a page as `kb.extract.pdf` reads it: its cells, baseline and font size."""

    @property
    def cells(self) -> Sequence[Cell]: ...

    @property
    def top(self) -> float: ...

    @property
    def size(self) -> float: ...


def gutter(lines: Sequence[PlacedLine]) -> tuple[float, float] | None:
    """The widest run of x near the middle of the lines' text, at least a font
    size wide, that the fewest lines reach into. The lines that reach into a run
    are counted over the whole run, not point by point: a footer a little
    shorter than the page's text, ending within the gap between two columns,
    leaves a sliver of the gap fewer lines reach into, too narrow to be a band."""
    runs = _runs(lines)
    if not runs:
        return None
    low, high = runs[0][0], runs[-1][1]
    middle = (low + MIDDLE * (high - low), high - MIDDLE * (high - low))
    size = median(line.size for line in lines)
    fewest = _fewest(runs, len(lines), size, middle)
    band = _widest(runs, fewest, middle)
    return band if band and band[1] - band[0] >= size else None


def _runs(lines: Sequence[PlacedLine]) -> list[Run]:
    """Runs of x between the edges of the lines' cells, each with the lines that reach over it."""
    events = sorted(
        (x, step, number)
        for number, line in enumerate(lines)
        for cell in line.cells
        for x, step in ((cell.left, 1), (cell.right, -1))
    )
    runs: list[Run] = []
    reaching: set[int] = set()  # a line's cells lie apart: it reaches over x once at most
    for (x, step, number), (after, _, _) in zip(events, events[1:], strict=False):
        if step > 0:
            reaching.add(number)
        else:
            reaching.discard(number)
        if after > x:
            runs.append((x, after, frozenset(reaching)))
    return runs


class _Reach:
    """How many of a stretch of runs each line reaches into, as runs join and leave it."""

    def __init__(self) -> None:
        self.counts: dict[int, int] = {}

    def add(self, run: Run) -> None:
        for line in run[2]:
            self.counts[line] = self.counts.get(line, 0) + 1

    def remove(self, run: Run) -> None:
        for line in run[2]:
            self.counts[line] -= 1
            if not self.counts[line]:
                del self.counts[line]

    @property
    def lines(self) -> int:
        return len(self.counts)


def _fewest(runs: list[Run], lines: int, size: float, middle: tuple[float, float]) -> int:
    """The fewest of the `lines` that reach into a stretch of runs at least `size`
    wide that reaches into the middle. No fewer lines reach into a stretch than
    into each of its runs: no more than into a wide run alone need be counted."""
    wide = [len(run[2]) for run in runs if run[1] - run[0] >= size and _near(run[:2], middle)]
    most = min(wide, default=lines)
    counts = [
        count
        for start, end, count in _stretches(runs, most, size)
        if end - start >= size and _near((start, end), middle)
    ]
    return min(counts, default=most)


def _widest(runs: list[Run], most: int, middle: tuple[float, float]) -> tuple[float, float] | None:
    """The widest stretch of runs next to each other, reaching into the middle,
    that at most `most` lines reach into."""
    near = [(start, end) for start, end, _ in _stretches(runs, most) if _near((start, end), middle)]
    return max(near, key=lambda stretch: stretch[1] - stretch[0], default=None)


def _stretches(
    runs: list[Run], most: int, narrowest: float | None = None
) -> Iterator[tuple[float, float, int]]:
    """For each run that at most `most` lines reach into, the stretch of runs
    that ends with it, that many lines or fewer reach into, and is the widest,
    or, with `narrowest`, the narrowest at least that wide; with how many lines
    reach into it."""
    reach, first = _Reach(), 0
    for last, run in enumerate(runs):
        if len(run[2]) > most:
            reach, first = _Reach(), last + 1
            continue
        reach.add(run)
        while reach.lines > most or (
            narrowest is not None and first < last and run[1] - runs[first + 1][0] >= narrowest
        ):
            reach.remove(runs[first])
            first += 1
        yield runs[first][0], run[1], reach.lines


def _near(stretch: tuple[float, float], middle: tuple[float, float]) -> bool:
    """Whether a stretch of x reaches into the middle."""
    return stretch[0] < middle[1] and stretch[1] > middle[0]
