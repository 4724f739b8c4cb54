"""The points a line chart draws apart from its line (`kb.insights.charts`):
a step not over (today so far) and a week the period cuts (it counts only its
days inside the period). Either would read as a drop or a rise at the end of
the line; each is a hollow dot on a dashed line, with its note above it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from html import escape


def apart_marks(
    notes: Mapping[int, str],
    values: Sequence[float | None],
    x: Callable[[int], float],
    y: Callable[[float | None], float],
) -> list[str]:
    """For each point of `notes` (its index and its note): a dashed line to the
    points beside it that have values, a hollow dot, and the note above it,
    kept within the chart at either edge."""
    marks = []
    last = len(values) - 1
    for i, note in sorted(notes.items()):
        # Each joint once: to the point before, and to the one after unless it is apart too.
        sides = [j for j in (i - 1, i + 1) if 0 <= j <= last and values[j] is not None]
        for j in sides:
            if j > i and j in notes:
                continue
            marks.append(
                f'<line class="chart-line chart-line-partial" x1="{x(j):.1f}" '
                f'y1="{y(values[j]):.1f}" x2="{x(i):.1f}" y2="{y(values[i]):.1f}"/>'
            )
        anchor = "middle"
        if last > 0 and i in (0, last):
            anchor = "start" if i == 0 else "end"
        # Above the dot, and above its value when a lone point shows one.
        rise = 22 if last == 0 else 8
        marks.append(
            f'<circle class="chart-dot chart-dot-partial" cx="{x(i):.1f}" '
            f'cy="{y(values[i]):.1f}" r="3.5"/><text class="chart-note" x="{x(i):.1f}" '
            f'y="{max(10.0, y(values[i]) - rise):.1f}" text-anchor="{anchor}">{escape(note)}</text>'
        )
    return marks
