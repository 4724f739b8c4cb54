"""Charts drawn on the server as SVG: no script, no CDN, readable by screen readers.

Each chart is a `Chart`: the SVG markup (an `<svg role="img">` with a
`<title>` and a `<desc>` that says in words what the chart shows) and the
same figures as a table, which the page shows beside the picture (or behind a
"table" disclosure) for anyone who cannot see it. Colours come from CSS
classes (`chart-line`, `chart-bar`, ...) so the charts follow the app's
style sheet and its dark or high-contrast variants.

Every text that goes into the markup is escaped here; callers pass plain text.
The sentences around the figures (the description, "no data") are in the
language the caller names, from the catalog (`kb/i18n/locales/*/charts.po`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from html import escape

from kb.i18n.catalog import domain_catalog, format_decimal
from kb.insights.apart import apart_marks
from kb.insights.axes import count_top, nice_top

WIDTH = 640
LINE_HEIGHT = 200
BAR_ROW = 26
TALL_BAR_ROW = 40  # a row whose label takes two lines
LINE_GAP = 14  # between the two lines of a label
_PAD_LEFT = 48
_PAD_RIGHT = 16
PAD_TOP = 12
_PAD_BOTTOM = 28
LABEL_WIDTH = 180
NO_VALUE = "\u2013"  # a day without a value, in the table beside a line chart


@dataclass(frozen=True)
class Chart:
    """An SVG chart and its text alternative."""

    id: str
    title: str
    summary: str
    svg: str
    headers: tuple[str, str]
    rows: tuple[tuple[str, str], ...]
    # Per row, where its bar leads (a drill-down), or None: the table's rows link there too.
    links: tuple[str | None, ...] = ()


def _number(value: float, lang: str) -> str:
    """A whole number with thin spaces between thousands; any other with two
    decimals and the decimal mark of `lang` (an axis's middle: "2,50" in German)."""
    if float(value).is_integer():
        return f"{int(value):,}".replace(",", "\u202f")
    return format_decimal(lang, value, "0.00")


def percent_text(value: float) -> str:
    """A share as a whole percentage ("12 %"). A share above nought that rounds
    to 0 reads "< 1 %" (and one short of all that rounds to 100, "> 99 %"):
    "No results 0 %" said no search came back empty when some had, out of a few
    hundred; the exact share is the API's and the CSV's."""
    shown = round(value * 100)
    if shown == 0 and value > 0:
        return "< 1 %"
    if shown == 100 and value < 1:
        return "> 99 %"
    return f"{shown:.0f} %"


def _formatter(percent: bool, lang: str) -> Callable[[float], str]:
    """How values are written: whole percentages for rates, else numbers."""
    return percent_text if percent else lambda value: _number(value, lang)


def say(lang: str, key: str, **values: str) -> str:
    return domain_catalog().translate(lang, key, **values)


def empty_note(lang: str) -> list[str]:
    """What an empty chart shows where its figures would be."""
    note = escape(say(lang, "chart_no_data"))
    return [f'<text class="chart-empty" x="{WIDTH // 2}" y="26" text-anchor="middle">{note}</text>']


def ident(text: str) -> str:
    return "".join(ch if ch.isalnum() else "-" for ch in text.lower()).strip("-") or "chart"


def frame_svg(chart_id: str, title: str, summary: str, height: int, body: list[str]) -> str:
    """The chart's picture, named by its description alone: the description
    begins with the title, so naming it by both read the title twice."""
    cid = escape(chart_id)
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" '
        f'viewBox="0 0 {WIDTH} {height}" width="100%" '
        f'aria-labelledby="{cid}-desc">'
        f'<title id="{cid}-title">{escape(title)}</title>'
        f'<desc id="{cid}-desc">{escape(summary)}</desc>' + "".join(body) + "</svg>"
    )


def line_chart(
    title: str,
    points: Sequence[tuple[str, float | None]],
    *,
    value_label: str,
    label_header: str = "",
    chart_id: str | None = None,
    percent: bool = False,
    lang: str = "en",
    partial: int | None = None,
    cut: Mapping[int, str] | None = None,
) -> Chart:
    """A line over time (one point per day or week), with its axis and a
    sentence naming the first, last, lowest and highest values. A point without
    a value (None: a share on a day nobody searched) keeps its place on the axis
    and breaks the line, so charts of the same period line up day by day.

    `partial` is the index of a point whose day or week is not over (today so
    far): it is drawn apart (a dashed line to a hollow dot, marked "so far"),
    and the description and the table say so, so that a day half gone does
    not read as a drop. `cut` gives the points of weeks the period cuts, each
    with its note ("3 of 7 days"): drawn apart the same way, and said."""
    chart_id = chart_id or ident(title)
    show = _formatter(percent, lang)
    note = say(lang, "chart_partial_note")
    rows = tuple(
        (f"{label} ({note})" if i == partial else label, NO_VALUE if v is None else show(v))
        for i, (label, v) in enumerate(points)
    )
    present = [i for i, (_, v) in enumerate(points) if v is not None]
    if not present:
        summary = say(lang, "chart_empty_summary", title=title)
        return Chart(
            chart_id,
            title,
            summary,
            frame_svg(chart_id, title, summary, 40, empty_note(lang)),
            (label_header, value_label),
            rows,
        )
    values = [None if v is None else float(v) for _, v in points]
    known = {i: float(v) for i, (_, v) in enumerate(points) if v is not None}
    if percent:
        top = 1.0
    elif all(v.is_integer() for v in known.values()):
        top = count_top(max(known.values()))
    else:
        top = nice_top(max(known.values()))
    apart = {i: text for i, text in (cut or {}).items() if i in known}
    if partial is not None and partial in known:
        apart[partial] = note
    body = _line_body([label for label, _ in points], values, top, show, apart)
    summary = _line_summary(lang, title, points, known, show)
    if cut and (shortened := [points[i][0] for i in sorted(apart) if i != partial]):
        summary += " " + say(lang, "chart_cut_summary", steps=", ".join(shortened))
    if partial is not None and partial in known:
        summary += " " + say(lang, "chart_partial_summary", day=points[partial][0])
    svg = frame_svg(chart_id, title, summary, LINE_HEIGHT, body)
    return Chart(chart_id, title, summary, svg, (label_header, value_label), rows)


def _line_summary(
    lang: str,
    title: str,
    points: Sequence[tuple[str, float | None]],
    known: dict[int, float],
    show: Callable[[float], str],
) -> str:
    """The sentence a line chart says: first, last, lowest and highest values."""
    present = sorted(known)
    low = min(present, key=lambda i: known[i])
    high = max(present, key=lambda i: known[i])
    first, last = present[0], present[-1]
    return say(
        lang,
        "chart_line_summary",
        title=title,
        first_day=points[first][0],
        last_day=points[last][0],
        first=show(known[first]),
        last=show(known[last]),
        low=show(known[low]),
        low_day=points[low][0],
        high=show(known[high]),
        high_day=points[high][0],
    )


def _runs(values: Sequence[float | None]) -> list[list[int]]:
    """The indices of `values` in unbroken runs of values that are not None."""
    runs: list[list[int]] = []
    for i, v in enumerate(values):
        if v is None:
            continue
        if runs and runs[-1][-1] == i - 1:
            runs[-1].append(i)
        else:
            runs.append([i])
    return runs


def _line_body(
    labels: Sequence[str],
    values: list[float | None],
    top: float,
    show: Callable[[float], str],
    apart: Mapping[int, str] | None = None,
) -> list[str]:
    """The SVG elements of a line chart: axis, area, line (one piece per unbroken
    run of values), dots and date ticks; the points of `apart` (a step not over,
    a week the period cuts: index and note) apart from the line."""
    inner_w = WIDTH - _PAD_LEFT - _PAD_RIGHT
    inner_h = LINE_HEIGHT - PAD_TOP - _PAD_BOTTOM
    step = inner_w / max(1, len(values) - 1)

    def x(i: int) -> float:
        return _PAD_LEFT + (i * step if len(values) > 1 else inner_w / 2)

    def y(v: float | None) -> float:
        return PAD_TOP + inner_h * (1 - min(v or 0.0, top) / top)

    base = PAD_TOP + inner_h
    body = _line_axis(base, y(top / 2), top, show)
    if len(values) == 1 and values[0] is not None:  # one day: its value over its dot
        body.append(
            f'<text class="chart-value" x="{x(0):.1f}" y="{y(values[0]) - 8:.1f}" '
            f'text-anchor="middle">{escape(show(values[0]))}</text>'
        )
    apart = apart or {}
    for run in _runs([None if i in apart else v for i, v in enumerate(values)]):
        coords = " ".join(f"{x(i):.1f},{y(values[i]):.1f}" for i in run)
        body.append(
            f'<polygon class="chart-area" points="{x(run[0]):.1f},{base} {coords} '
            f'{x(run[-1]):.1f},{base}"/>'
        )
        body.append(f'<polyline class="chart-line" fill="none" points="{coords}"/>')
        body.extend(
            f'<circle class="chart-dot" cx="{x(i):.1f}" cy="{y(values[i]):.1f}" r="2.5"/>'
            for i in run
        )
    body.extend(apart_marks(apart, values, x, y))
    for i in sorted({0, len(values) - 1, len(values) // 2}):
        # A lone point sits in the middle, its date under it.
        edge = len(values) > 1 and i in (0, len(values) - 1)
        anchor = "middle" if not edge else "start" if i == 0 else "end"
        body.append(
            f'<text class="chart-tick" x="{x(i):.1f}" y="{LINE_HEIGHT - 8}" '
            f'text-anchor="{anchor}">{escape(labels[i])}</text>'
        )
    return body


def _line_axis(base: float, middle: float, top: float, show: Callable[[float], str]) -> list[str]:
    """A line chart's axis: 0, its top and halfway up, with a faint line across."""
    return [
        f'<line class="chart-axis" x1="{_PAD_LEFT}" y1="{base}" x2="{WIDTH - _PAD_RIGHT}" '
        f'y2="{base}"/>',
        f'<text class="chart-tick" x="{_PAD_LEFT - 6}" y="{PAD_TOP + 4}" '
        f'text-anchor="end">{escape(show(top))}</text>',
        f'<text class="chart-tick" x="{_PAD_LEFT - 6}" y="{base}" text-anchor="end">0</text>',
        # Halfway up, a faint line and its value: the eye reads a point against it.
        f'<line class="chart-grid" x1="{_PAD_LEFT}" y1="{middle:.1f}" '
        f'x2="{WIDTH - _PAD_RIGHT}" y2="{middle:.1f}"/>',
        f'<text class="chart-tick" x="{_PAD_LEFT - 6}" y="{middle + 4:.1f}" '
        f'text-anchor="end">{escape(show(top / 2))}</text>',
    ]


def bar_chart(
    title: str,
    bars: Sequence[tuple[str, float]],
    *,
    value_label: str,
    label_header: str = "",
    chart_id: str | None = None,
    percent: bool = False,
    lang: str = "en",
    links: Sequence[str | None] = (),
) -> Chart:
    """Horizontal bars, one per row (per department, per topic), largest first
    as given; each bar carries its value as text. A bar with a link (`links`,
    in the order of `bars`) is a link there, its label and value included."""
    chart_id = chart_id or ident(title)
    show = _formatter(percent, lang)
    rows = tuple((label, show(value)) for label, value in bars)
    step = row_step([label for label, _ in bars])
    height = PAD_TOP + step * max(1, len(bars)) + 8
    top = 1.0 if percent else nice_top(max((float(v) for _, v in bars), default=0.0))
    span = WIDTH - LABEL_WIDTH - 70
    body: list[str] = []
    for i, (label, value) in enumerate(bars):
        y = PAD_TOP + i * step
        middle = y + (step - BAR_ROW) // 2  # where a row of BAR_ROW starts, centred
        width = max(1.0, span * min(float(value), top) / top) if value else 0.0
        row = (
            f'<text class="chart-label" x="{LABEL_WIDTH - 8}" y="{middle + 16}" '
            f'text-anchor="end">{label_text(label, middle + 16)}</text>'
            f'<rect class="chart-bar" x="{LABEL_WIDTH}" y="{middle + 4}" width="{width:.1f}" '
            f'height="{BAR_ROW - 8}" rx="2"/>'
            f'<text class="chart-value" x="{LABEL_WIDTH + width + 6:.1f}" y="{middle + 16}">'
            f"{escape(show(float(value)))}</text>"
        )
        link = links[i] if i < len(links) else None
        body.append(f'<a class="chart-link" href="{escape(link)}">{row}</a>' if link else row)
    if bars:
        listed = "; ".join(f"{label} {show(float(v))}" for label, v in bars[:8])
        if len(bars) > 8:
            listed = say(lang, "chart_bar_more", listed=listed, more=str(len(bars) - 8))
        summary = say(lang, "chart_bar_summary", title=title, listed=listed)
    else:
        summary = say(lang, "chart_empty_summary", title=title)
        body = empty_note(lang)
    svg = frame_svg(chart_id, title, summary, height, body)
    shown_links = tuple(links[i] if i < len(links) else None for i in range(len(bars)))
    return Chart(
        chart_id,
        title,
        summary,
        svg,
        (label_header, value_label),
        rows,
        shown_links if any(shown_links) else (),
    )


def row_step(labels: Sequence[str]) -> int:
    """The height of a chart's rows: taller for all when a label takes two lines
    (`label_lines`), so the rows stay evenly spaced."""
    return TALL_BAR_ROW if any(len(label_lines(label)) > 1 for label in labels) else BAR_ROW


def label_lines(label: str, limit: int = 24) -> list[str]:
    """A bar's label on at most two lines of `limit` characters, cut between
    words (about evenly where it fits); what does not ends the second line
    with "…"."""
    if len(label) <= limit:
        return [label]
    words = label.split()
    # Where the whole label fits on two lines, the lines are made about even.
    splits = [[" ".join(words[:i]), " ".join(words[i:])] for i in range(1, len(words))]
    fitting = [pair for pair in splits if max(len(part) for part in pair) <= limit]
    if fitting:
        return min(fitting, key=lambda pair: max(len(part) for part in pair))
    first = ""
    for word in words:
        joined = f"{first} {word}".strip()
        if len(joined) > limit:
            break
        first = joined
    if not first:  # one word longer than a line
        first = label[: limit - 1] + "-"
        rest = label[limit - 1 :]
    else:
        rest = label.strip()[len(first) :].strip()
    if len(rest) > limit:
        rest = rest[: limit - 1].rstrip() + "…"
    return [first, rest]


def label_text(label: str, baseline: int) -> str:
    """The inside of a row's label, whose single line would sit on `baseline`:
    one line as it is; two around it, with the whole label as a tooltip (the
    table beside the chart has it too)."""
    lines = label_lines(label)
    if len(lines) == 1:
        return escape(label)
    x = LABEL_WIDTH - 8
    first, second = baseline - LINE_GAP // 2, baseline + LINE_GAP // 2
    return (
        f"<title>{escape(label)}</title>"
        f'<tspan x="{x}" y="{first}">{escape(lines[0])}</tspan>'
        f'<tspan x="{x}" y="{second}">{escape(lines[1])}</tspan>'
    )
