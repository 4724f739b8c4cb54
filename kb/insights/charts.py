"""Charts drawn on the server as SVG: no script, no CDN, readable by screen readers.

Each chart is a `Chart`: the SVG markup (an `<svg role="img">` with a
`<title>` and a `<desc>` that says in words what the chart shows) and the
same figures as a table, which the page shows beside the picture (or behind a
"table" disclosure) for anyone who cannot see it. Colours come from CSS
classes (`chart-line`, `chart-bar`, ...) so the charts follow the app's
style sheet and its dark or high-contrast variants.

Every text that goes into the markup is escaped here; callers pass plain text.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from html import escape

WIDTH = 640
LINE_HEIGHT = 200
BAR_ROW = 26
_PAD_LEFT = 48
_PAD_RIGHT = 16
_PAD_TOP = 12
_PAD_BOTTOM = 28
_LABEL_WIDTH = 180


@dataclass(frozen=True)
class Chart:
    """An SVG chart and its text alternative."""

    id: str
    title: str
    summary: str
    svg: str
    headers: tuple[str, str]
    rows: tuple[tuple[str, str], ...]


def _number(value: float) -> str:
    if float(value).is_integer():
        return f"{int(value):,}".replace(",", "\u202f")
    return f"{value:.2f}"


def _formatter(percent: bool) -> Callable[[float], str]:
    """How values are written: whole percentages for rates, else numbers."""
    if percent:
        return lambda v: f"{v * 100:.0f} %"
    return _number


def _nice_top(value: float) -> float:
    """A round number at or above `value` for the top of an axis."""
    if value <= 0:
        return 1.0
    magnitude = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 2.5, 5, 10):
        if value <= step * magnitude:
            return step * magnitude
    return 10 * magnitude


def _ident(text: str) -> str:
    return "".join(ch if ch.isalnum() else "-" for ch in text.lower()).strip("-") or "chart"


def _frame(chart_id: str, title: str, summary: str, height: int, body: list[str]) -> str:
    cid = escape(chart_id)
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" '
        f'viewBox="0 0 {WIDTH} {height}" width="100%" '
        f'aria-labelledby="{cid}-title {cid}-desc">'
        f'<title id="{cid}-title">{escape(title)}</title>'
        f'<desc id="{cid}-desc">{escape(summary)}</desc>' + "".join(body) + "</svg>"
    )


def line_chart(
    title: str,
    points: Sequence[tuple[str, float]],
    *,
    value_label: str,
    chart_id: str | None = None,
    percent: bool = False,
) -> Chart:
    """A line over time (one point per day or week), with its axis and a
    sentence naming the first, last, lowest and highest values."""
    chart_id = chart_id or _ident(title)
    show = _formatter(percent)
    rows = tuple((label, show(value)) for label, value in points)
    if not points:
        summary = f"{title}: no data in this period."
        return Chart(
            chart_id,
            title,
            summary,
            _frame(chart_id, title, summary, 40, []),
            ("", value_label),
            rows,
        )
    values = [float(v) for _, v in points]
    top = 1.0 if percent else _nice_top(max(values))
    body = _line_body([label for label, _ in points], values, top, show)
    low = min(range(len(values)), key=lambda i: values[i])
    high = max(range(len(values)), key=lambda i: values[i])
    summary = (
        f"{title}, {points[0][0]} to {points[-1][0]}: from {show(values[0])} to "
        f"{show(values[-1])}; lowest {show(values[low])} ({points[low][0]}), "
        f"highest {show(values[high])} ({points[high][0]})."
    )
    svg = _frame(chart_id, title, summary, LINE_HEIGHT, body)
    return Chart(chart_id, title, summary, svg, ("", value_label), rows)


def _line_body(
    labels: Sequence[str], values: list[float], top: float, show: Callable[[float], str]
) -> list[str]:
    """The SVG elements of a line chart: axis, area, line, dots and date ticks."""
    inner_w = WIDTH - _PAD_LEFT - _PAD_RIGHT
    inner_h = LINE_HEIGHT - _PAD_TOP - _PAD_BOTTOM
    step = inner_w / max(1, len(values) - 1)

    def x(i: int) -> float:
        return _PAD_LEFT + (i * step if len(values) > 1 else inner_w / 2)

    def y(v: float) -> float:
        return _PAD_TOP + inner_h * (1 - min(v, top) / top)

    coords = " ".join(f"{x(i):.1f},{y(v):.1f}" for i, v in enumerate(values))
    base = _PAD_TOP + inner_h
    body = [
        f'<line class="chart-axis" x1="{_PAD_LEFT}" y1="{base}" x2="{WIDTH - _PAD_RIGHT}" '
        f'y2="{base}"/>',
        f'<text class="chart-tick" x="{_PAD_LEFT - 6}" y="{_PAD_TOP + 4}" '
        f'text-anchor="end">{escape(show(top))}</text>',
        f'<text class="chart-tick" x="{_PAD_LEFT - 6}" y="{base}" text-anchor="end">0</text>',
        f'<polygon class="chart-area" points="{x(0):.1f},{base} {coords} '
        f'{x(len(values) - 1):.1f},{base}"/>',
        f'<polyline class="chart-line" fill="none" points="{coords}"/>',
        *(
            f'<circle class="chart-dot" cx="{x(i):.1f}" cy="{y(v):.1f}" r="2.5"/>'
            for i, v in enumerate(values)
        ),
    ]
    for i in sorted({0, len(values) - 1, len(values) // 2}):
        anchor = "start" if i == 0 else "end" if i == len(values) - 1 else "middle"
        body.append(
            f'<text class="chart-tick" x="{x(i):.1f}" y="{LINE_HEIGHT - 8}" '
            f'text-anchor="{anchor}">{escape(labels[i])}</text>'
        )
    return body


def bar_chart(
    title: str,
    bars: Sequence[tuple[str, float]],
    *,
    value_label: str,
    label_header: str = "",
    chart_id: str | None = None,
    percent: bool = False,
) -> Chart:
    """Horizontal bars, one per row (per department, per topic), largest first
    as given; each bar carries its value as text."""
    chart_id = chart_id or _ident(title)
    show = _formatter(percent)
    rows = tuple((label, show(value)) for label, value in bars)
    height = _PAD_TOP + BAR_ROW * max(1, len(bars)) + 8
    top = 1.0 if percent else _nice_top(max((float(v) for _, v in bars), default=0.0))
    span = WIDTH - _LABEL_WIDTH - 70
    body: list[str] = []
    for i, (label, value) in enumerate(bars):
        y = _PAD_TOP + i * BAR_ROW
        width = max(1.0, span * min(float(value), top) / top) if value else 0.0
        body.append(
            f'<text class="chart-label" x="{_LABEL_WIDTH - 8}" y="{y + 16}" '
            f'text-anchor="end">{escape(_clip(label))}</text>'
            f'<rect class="chart-bar" x="{_LABEL_WIDTH}" y="{y + 4}" width="{width:.1f}" '
            f'height="{BAR_ROW - 8}" rx="2"/>'
            f'<text class="chart-value" x="{_LABEL_WIDTH + width + 6:.1f}" y="{y + 16}">'
            f"{escape(show(float(value)))}</text>"
        )
    if bars:
        listed = "; ".join(f"{label} {show(float(v))}" for label, v in bars[:8])
        more = f" and {len(bars) - 8} more" if len(bars) > 8 else ""
        summary = f"{title}: {listed}{more}."
    else:
        summary = f"{title}: no data in this period."
    svg = _frame(chart_id, title, summary, height, body)
    return Chart(chart_id, title, summary, svg, (label_header, value_label), rows)


def _clip(label: str, limit: int = 28) -> str:
    return label if len(label) <= limit else label[: limit - 1] + "…"
