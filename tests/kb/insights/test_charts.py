"""Server-side SVG charts: valid markup, escaped text, a text alternative."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from kb.insights.charts import BAR_ROW, TALL_BAR_ROW, bar_chart, label_lines, line_chart

SVG = "{http://www.w3.org/2000/svg}"


def test_a_line_chart_is_valid_svg_with_title_description_and_table() -> None:
    points = [("2025-11-01", 10), ("2025-11-02", 4), ("2025-11-03", 25)]
    chart = line_chart("Searches per day", points, value_label="searches")
    root = ET.fromstring(chart.svg)
    assert root.get("role") == "img"
    assert root.find(f"{SVG}title").text == "Searches per day"
    desc = root.find(f"{SVG}desc").text
    assert "from 10 to 25" in desc and "lowest 4 (2025-11-02)" in desc
    line = root.find(f"{SVG}polyline")
    assert len(line.get("points").split()) == 3
    assert chart.rows == (("2025-11-01", "10"), ("2025-11-02", "4"), ("2025-11-03", "25"))
    assert "<script" not in chart.svg


def test_rates_are_shown_as_percentages_on_a_fixed_axis() -> None:
    chart = line_chart("Answered", [("a", 0.5), ("b", 0.75)], value_label="rate", percent=True)
    assert chart.rows[1] == ("b", "75 %")
    assert ">100 %<" in chart.svg


def test_bar_labels_are_escaped_and_every_bar_has_its_value() -> None:
    bars = [("<script>alert(1)</script>", 12), ("IT & Security", 3), ("Legal", 0)]
    chart = bar_chart("Searches by department", bars, value_label="searches")
    root = ET.fromstring(chart.svg)  # parses: nothing unescaped broke it
    assert "<script>" not in chart.svg
    assert len(root.findall(f"{SVG}rect")) == 3
    values = [t.text for t in root.findall(f"{SVG}text") if t.get("class") == "chart-value"]
    assert values == ["12", "3", "0"]
    assert "IT & Security 3" in root.find(f"{SVG}desc").text


def test_empty_charts_say_so() -> None:
    assert "no data" in line_chart("Trend", [], value_label="n").summary
    empty = bar_chart("Bars", [], value_label="n")
    assert "no data" in empty.summary
    ET.fromstring(empty.svg)


def test_days_without_a_value_break_the_line_and_keep_their_place() -> None:
    """The answered share has no value on a day nobody searched: that day keeps its
    place on the axis, so the chart lines up with searches per day, and the line
    breaks there instead of joining its neighbours."""
    points = [("d1", None), ("d2", 0.5), ("d3", 0.75), ("d4", None), ("d5", 1.0), ("d6", None)]
    chart = line_chart("Answered", points, value_label="rate", percent=True)
    root = ET.fromstring(chart.svg)
    lines = [p.get("points").split() for p in root.findall(f"{SVG}polyline")]
    assert [len(line) for line in lines] == [2, 1]
    assert len(root.findall(f"{SVG}circle")) == 3
    ticks = [t.text for t in root.findall(f"{SVG}text") if t.text and t.text.startswith("d")]
    assert ticks == ["d1", "d4", "d6"]  # the axis spans every day of the period
    # The second day sits one fifth of the way along, not at the start.
    x2 = float(lines[0][0].split(",")[0])
    full = [float(t.get("x")) for t in root.findall(f"{SVG}text") if t.text in ("d1", "d6")]
    assert abs((x2 - full[0]) / (full[1] - full[0]) - 0.2) < 0.01
    assert chart.rows[0] == ("d1", "\u2013") and chart.rows[1] == ("d2", "50 %")
    assert "d2 to d5: from 50 % to 100 %" in chart.summary
    assert "no data" in line_chart("A", [("d1", None)], value_label="r").summary


def test_an_empty_chart_says_so_where_it_is_seen_and_a_lone_day_sits_under_its_point() -> None:
    """An empty chart was a blank box (its "no data" only in the description), and
    one day's date started at its point instead of sitting under it."""
    for empty in (line_chart("A", [], value_label="n"), bar_chart("B", [], value_label="n")):
        texts = [t.text for t in ET.fromstring(empty.svg).iter(f"{SVG}text")]
        assert texts == ["No data in this period."]
    root = ET.fromstring(line_chart("A", [("2026-03-01", 4)], value_label="n").svg)
    (dot,) = root.iter(f"{SVG}circle")
    (day,) = (t for t in root.iter(f"{SVG}text") if t.text == "2026-03-01")
    assert day.get("text-anchor") == "middle" and float(day.get("x")) == float(dot.get("cx"))


def test_a_label_too_long_for_its_column_wraps_is_cut_and_keeps_its_whole_text() -> None:
    """A topic's question ran past the chart's left edge; cut to one line, most
    of it was lost ("Links to an article som…"). It takes two lines now, cut
    between words, the rest cut with "…", and keeps its text as a tooltip (and
    in the table); every row grows so the bars stay evenly spaced."""
    long = "can I take <unused> vacation days into the next year"
    chart = bar_chart("Gaps", [(long, 3.0), ("short", 1.0)], value_label="People")
    svg = ET.fromstring(chart.svg)
    ns = "{http://www.w3.org/2000/svg}"
    cut, whole = (t for t in svg.iter(f"{ns}text") if t.get("class") == "chart-label")
    tooltip = cut.find(f"{ns}title")
    assert tooltip is not None and tooltip.text == long
    lines = [t.text for t in cut.iter(f"{ns}tspan")]
    assert lines == ["can I take <unused>", "vacation days into the…"]
    assert whole.findtext(f"{ns}title") is None and whole.text == "short"
    assert chart.rows[0] == (long, "3")
    first, second = (r for r in svg.iter(f"{ns}rect") if r.get("class") == "chart-bar")
    assert float(second.get("y")) - float(first.get("y")) == TALL_BAR_ROW
    short = ET.fromstring(bar_chart("Gaps", [("a", 1.0), ("b", 2.0)], value_label="n").svg)
    ys = [float(r.get("y")) for r in short.iter(f"{ns}rect") if r.get("class") == "chart-bar"]
    assert ys[1] - ys[0] == BAR_ROW


@pytest.mark.parametrize(
    ("label", "lines"),
    [
        ("Review date passed", ["Review date passed"]),
        ("Links to an article some of its readers may not open",
         ["Links to an article some", "of its readers may not…"]),
        ("Review due within 14 days", ["Review due", "within 14 days"]),
        ("x" * 30, ["x" * 23 + "-", "x" * 7]),
    ],
)  # fmt: skip
def test_label_lines(label: str, lines: list[str]) -> None:
    assert label_lines(label) == lines


def test_a_line_chart_marks_its_middle_and_one_day_shows_its_value() -> None:
    """With only 0 and the top on the axis, a point could not be read against
    anything; a period of one day was a lone dot without its value."""
    ns = "{http://www.w3.org/2000/svg}"
    week = line_chart(
        "Searches",
        [(f"d{i}", float(v)) for i, v in enumerate([12, 40, 31])],
        value_label="Searches",
    )
    ticks = [
        t.text for t in ET.fromstring(week.svg).iter(f"{ns}text") if t.get("class") == "chart-tick"
    ]
    assert ticks[:3] == ["50", "0", "25"]
    one = ET.fromstring(
        line_chart("Answered", [("2026-12-02", 0.82)], value_label="Share", percent=True).svg
    )
    shown = [t.text for t in one.iter(f"{ns}text") if t.get("class") == "chart-value"]
    assert shown == ["82 %"]


def test_today_so_far_is_drawn_apart_and_said_to_be_partial() -> None:
    """Today's point counted the day so far and read as a drop at the end of
    every line. It is now a hollow dot on a dashed line, marked "so far",
    and the description and the table say the day is not over."""
    points = [("2026-12-01", 40.0), ("2026-12-02", 42.0), ("2026-12-03", 9.0)]
    chart = line_chart("Searches per day", points, value_label="Searches", partial=2)
    root = ET.fromstring(chart.svg)
    (line,) = root.findall(f"{SVG}polyline")
    assert len(line.get("points").split()) == 2  # the whole days only
    dashed = [e for e in root.iter(f"{SVG}line") if "chart-line-partial" in e.get("class", "")]
    assert len(dashed) == 1
    hollow = [c for c in root.iter(f"{SVG}circle") if "chart-dot-partial" in c.get("class", "")]
    assert len(hollow) == 1
    notes = [t.text for t in root.iter(f"{SVG}text") if t.get("class") == "chart-note"]
    assert notes == ["so far"]
    assert "2026-12-03 is not over" in chart.summary
    assert chart.rows[-1] == ("2026-12-03 (so far)", "9") and chart.rows[0][0] == "2026-12-01"
    german = line_chart("Suchen", points, value_label="Suchen", partial=2, lang="de")
    assert "bisher" in german.svg and german.rows[-1][0] == "2026-12-03 (bisher)"
    whole = line_chart("Searches per day", points, value_label="Searches")
    assert "chart-note" not in whole.svg and "not over" not in whole.summary


def test_bars_with_links_lead_there_and_keep_them_for_the_table() -> None:
    bars = [("HR", 12.0), ("Triage", 5.0)]
    chart = bar_chart("By department", bars, value_label="n", links=["/x?a=1&b=2", None])
    root = ET.fromstring(chart.svg)
    (link,) = root.iter(f"{SVG}a")
    assert link.get("href") == "/x?a=1&b=2"
    assert [t.text for t in link.iter(f"{SVG}text")] == ["HR", "12"]
    assert chart.links == ("/x?a=1&b=2", None)
    assert bar_chart("By department", bars, value_label="n").links == ()


def test_a_target_chart_holds_median_and_90th_percentile_against_the_target() -> None:
    from kb.insights.target_chart import Spread, target_chart

    rows = [Spread("HR", 6.0, 30.0, 16.0), Spread("<IT>", 2.5, 4.0, None)]
    chart = target_chart(
        "Resolution against target",
        rows,
        names=("median", "90th percentile", "target"),
        show=lambda h: f"{h:.1f} h",
        value_label="Resolution",
    )
    root = ET.fromstring(chart.svg)
    marks = [e for e in root.iter(f"{SVG}line") if e.get("class") == "chart-target"]
    assert len(marks) == 2  # the key's, and HR's; IT has no target
    bars = {(r.get("class"), r.get("y")): float(r.get("width")) for r in root.iter(f"{SVG}rect")}
    hr_median, hr_high = bars[("chart-bar", "36")], bars[("chart-bar chart-bar-high", "38")]
    assert abs(hr_high / hr_median - 5.0) < 0.01
    # The target's mark sits where 16 h would end a bar: between the median and p90.
    assert hr_median < float(marks[1].get("x1")) - 180 < hr_high
    assert chart.rows == (
        ("HR", "median 6.0 h, 90th percentile 30.0 h, target 16.0 h"),
        ("<IT>", "median 2.5 h, 90th percentile 4.0 h"),
    )
    assert "HR median 6.0 h" in chart.summary and "&lt;IT&gt;" in chart.svg
    empty = target_chart("R", [], names=("m", "p", "t"), show=str, value_label="v")
    assert "no data" in empty.summary


def test_a_target_charts_long_label_takes_two_lines_in_an_even_row() -> None:
    from kb.insights.target_chart import Spread, target_chart

    long = "Facility Management and Workplace Services"
    rows = [Spread(long, 6.0, 30.0, 16.0), Spread("IT", 2.5, 4.0, None)]
    chart = target_chart(
        "Resolution", rows, names=("median", "90th", "target"), show=str, value_label="hours"
    )
    svg = ET.fromstring(chart.svg)
    labels = [t for t in svg.iter(f"{SVG}text") if t.get("class") == "chart-label"]
    assert [t.text for t in labels[0].iter(f"{SVG}tspan")] == label_lines(long)
    assert labels[0].findtext(f"{SVG}title") == long and labels[1].text == "IT"
    medians = [float(r.get("y")) for r in svg.iter(f"{SVG}rect") if r.get("class") == "chart-bar"][
        1:
    ]  # the legend's swatch first
    assert medians[1] - medians[0] == TALL_BAR_ROW


@pytest.mark.parametrize(
    ("counts", "ticks"),
    [
        ([0, 0], ["2", "0", "1"]),
        ([1, 0], ["2", "0", "1"]),
        ([5, 3], ["6", "0", "3"]),
        ([21, 7], ["30", "0", "15"]),
        ([12, 40, 31], ["50", "0", "25"]),
    ],
)
def test_a_count_s_axis_shows_whole_numbers(counts: list[int], ticks: list[str]) -> None:
    """A day without searches put "0.50" halfway up the searches axis (half a
    search, and an English decimal point on the German page)."""
    chart = line_chart(
        "Searches", [(f"d{i}", v) for i, v in enumerate(counts)], value_label="Searches"
    )
    shown = [
        t.text
        for t in ET.fromstring(chart.svg).iter(f"{SVG}text")
        if t.get("class") == "chart-tick"
    ]
    assert shown[:3] == ticks


def test_a_value_between_whole_numbers_has_the_decimal_mark_of_the_page() -> None:
    """An average of 1.5 reads "1,50" on a German page, and an axis of 0 to 5 is
    marked halfway at "2,50"."""
    ns = "{http://www.w3.org/2000/svg}"
    points = [("d0", 1.5), ("d1", 4.5)]

    def ticks(lang: str) -> list[str | None]:
        chart = line_chart("Searches", points, value_label="Searches", lang=lang)
        svg = ET.fromstring(chart.svg)
        return [t.text for t in svg.iter(f"{ns}text") if t.get("class") == "chart-tick"]

    assert "2,50" in ticks("de") and "2.50" not in ticks("de")
    assert "2.50" in ticks("en")
    german = line_chart("Rating", points, value_label="Rating", lang="de")
    assert german.rows[0][1] == "1,50" and "1.50" not in german.summary


def test_a_chart_s_name_says_its_title_once_and_its_figures() -> None:
    """A chart was named by its title and its description, which begins with the
    title: a screen reader read "Searches by department Searches by department:
    Human Resources 356; …". It is named by its description alone, which holds
    the title once and the figures."""
    from kb.insights.target_chart import Spread, target_chart

    charts = [
        line_chart(
            "Searches per day", [("2026-12-01", 40.0), ("2026-12-02", 42.0)], value_label="n"
        ),
        bar_chart("Searches by department", [("Human Resources", 356.0)], value_label="n"),
        target_chart(
            "Resolution against target",
            [Spread("HR", 8.0, 18.0, 40.0)],
            names=("median", "90th percentile", "target"),
            show=lambda hours: f"{hours:.1f} h",
            value_label="hours",
        ),
        bar_chart("Findings by kind", [], value_label="n"),
    ]
    for chart in charts:
        root = ET.fromstring(chart.svg)
        texts = {e.get("id"): "".join(e.itertext()) for e in root.iter() if e.get("id")}
        name = " ".join(texts[i] for i in root.get("aria-labelledby", "").split())
        assert name.count(chart.title) == 1, name
        assert name == chart.summary and chart.summary.startswith(chart.title)
        assert any(ch.isdigit() for ch in name) or "no data" in name, name
        assert root.find(f"{SVG}title").text == chart.title  # still the tooltip


def test_a_week_the_period_cuts_is_drawn_apart_and_said() -> None:
    """A period starting on a Friday drew its first week's three days as a
    point of the line: searches per week read as a steep rise from 40 to 185.
    A cut week is a hollow dot on a dashed line with its note, and the
    description says only its days in the period are counted."""
    points = [("2026-W45 (3 of 7 days)", 40.0), ("2026-W46", 185.0), ("2026-W47", 190.0)]
    chart = line_chart("Searches per week", points, value_label="n", cut={0: "3 of 7 days"})
    root = ET.fromstring(chart.svg)
    (line,) = root.findall(f"{SVG}polyline")
    assert len(line.get("points").split()) == 2  # the whole weeks only
    dashed = [e for e in root.iter(f"{SVG}line") if "chart-line-partial" in e.get("class", "")]
    assert len(dashed) == 1
    (note,) = [t for t in root.iter(f"{SVG}text") if t.get("class") == "chart-note"]
    assert note.text == "3 of 7 days" and note.get("text-anchor") == "start"
    assert "2026-W45 (3 of 7 days): only the days in the period are counted." in chart.summary
    # Cut at both ends, the last week also today's: "so far" wins there, once.
    both = line_chart(
        "Suchen pro Woche",
        points,
        value_label="n",
        cut={0: "3 von 7 Tagen", 2: "2 von 7 Tagen"},
        partial=2,
        lang="de",
    )
    root = ET.fromstring(both.svg)
    notes = [t.text for t in root.iter(f"{SVG}text") if t.get("class") == "chart-note"]
    assert notes == ["3 von 7 Tagen", "bisher"]
    assert "nur die Tage im Zeitraum gezählt" in both.summary and "2026-W47" in both.summary
    (line,) = root.findall(f"{SVG}polyline")
    assert len(line.get("points").split()) == 1  # the one whole week
