"""A chart of values against a target, drawn on the server as SVG like the
others (`kb.insights.charts`): per row a bar to the median, a paler one on
to the 90th percentile, and a dashed mark at the target, so that both the
typical and the slow cases read against what was promised.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from html import escape

from kb.insights.axes import nice_top
from kb.insights.charts import (
    BAR_ROW,
    LABEL_WIDTH,
    PAD_TOP,
    WIDTH,
    Chart,
    empty_note,
    frame_svg,
    ident,
    label_text,
    row_step,
    say,
)


@dataclass(frozen=True)
class Spread:
    """One row of a target chart: a typical value (the median), a high one
    (the 90th percentile) and the target they are held against (None: none)."""

    label: str
    median: float
    high: float
    target: float | None


def target_chart(
    title: str,
    rows: Sequence[Spread],
    *,
    names: tuple[str, str, str],
    show: Callable[[float], str],
    value_label: str,
    label_header: str = "",
    chart_id: str | None = None,
    lang: str = "en",
) -> Chart:
    """Per row a bar to its median, a paler bar on to its 90th percentile, and
    a dashed mark at its target: how far the typical and the slow cases are
    from what was promised. `names` are the words for median, 90th percentile
    and target, `show` writes a value with its unit."""
    chart_id = chart_id or ident(title)
    median, high, target = names

    def said(r: Spread) -> str:
        goal = "" if r.target is None else f", {target} {show(r.target)}"
        return f"{median} {show(r.median)}, {high} {show(r.high)}{goal}"

    table = tuple((r.label, said(r)) for r in rows)
    if not rows:
        summary = say(lang, "chart_empty_summary", title=title)
        svg = frame_svg(chart_id, title, summary, 40, empty_note(lang))
        return Chart(chart_id, title, summary, svg, (label_header, value_label), table)
    top = nice_top(max(max(r.high, r.target or 0.0) for r in rows))
    step = row_step([r.label for r in rows])
    body = _legend(names) + [_spread_row(i, r, top, show, step) for i, r in enumerate(rows)]
    listed = "; ".join(f"{label} {text}" for label, text in table[:8])
    if len(rows) > 8:
        listed = say(lang, "chart_bar_more", listed=listed, more=str(len(rows) - 8))
    summary = say(lang, "chart_bar_summary", title=title, listed=listed)
    height = _LEGEND + PAD_TOP + step * len(rows) + 8
    svg = frame_svg(chart_id, title, summary, height, body)
    return Chart(chart_id, title, summary, svg, (label_header, value_label), table)


_LEGEND = 20  # the target chart's key, above its rows
_SPREAD_SPAN = WIDTH - LABEL_WIDTH - 180  # room on the right for "12 h · 30 h"


def _legend(names: tuple[str, str, str]) -> list[str]:
    """The key: a swatch for the median and for the 90th percentile, the target's dash."""
    median, high, target = (escape(n) for n in names)
    x = LABEL_WIDTH
    return [
        f'<rect class="chart-bar" x="{x}" y="4" width="12" height="10"/>'
        f'<text class="chart-tick" x="{x + 16}" y="13">{median}</text>'
        f'<rect class="chart-bar chart-bar-high" x="{x + 120}" y="4" width="12" height="10"/>'
        f'<text class="chart-tick" x="{x + 136}" y="13">{high}</text>'
        f'<line class="chart-target" x1="{x + 290}" y1="2" x2="{x + 290}" y2="16"/>'
        f'<text class="chart-tick" x="{x + 296}" y="13">{target}</text>'
    ]


def _spread_row(
    i: int, row: Spread, top: float, show: Callable[[float], str], step: int = BAR_ROW
) -> str:
    # Where a row of BAR_ROW starts, centred in a row of `step` (`row_step`).
    y = _LEGEND + PAD_TOP + i * step + (step - BAR_ROW) // 2

    def x(value: float) -> float:
        return LABEL_WIDTH + _SPREAD_SPAN * min(max(value, 0.0), top) / top

    goal = ""
    if row.target is not None:
        goal = (
            f'<line class="chart-target" x1="{x(row.target):.1f}" y1="{y + 1}" '
            f'x2="{x(row.target):.1f}" y2="{y + BAR_ROW - 1}"/>'
        )
    right = max(x(row.high), x(row.target or 0.0))
    return (
        f'<text class="chart-label" x="{LABEL_WIDTH - 8}" y="{y + 16}" '
        f'text-anchor="end">{label_text(row.label, y + 16)}</text>'
        f'<rect class="chart-bar chart-bar-high" x="{LABEL_WIDTH}" y="{y + 6}" '
        f'width="{max(1.0, x(row.high) - LABEL_WIDTH):.1f}" height="{BAR_ROW - 12}" rx="2"/>'
        f'<rect class="chart-bar" x="{LABEL_WIDTH}" y="{y + 4}" '
        f'width="{max(1.0, x(row.median) - LABEL_WIDTH):.1f}" height="{BAR_ROW - 8}" rx="2"/>'
        f"{goal}"
        f'<text class="chart-value" x="{right + 6:.1f}" y="{y + 16}">'
        f"{escape(show(row.median))} \u00b7 {escape(show(row.high))}</text>"
    )
