"""Server-side SVG charts: valid markup, escaped text, a text alternative."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from kb.insights.charts import bar_chart, line_chart

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


def test_a_label_too_long_for_its_column_is_cut_and_keeps_its_whole_text() -> None:
    """A topic's question ran past the chart's left edge; cut, it keeps its text
    as a tooltip (and in the table)."""
    long = "can I take <unused> vacation days into the next year"
    chart = bar_chart("Gaps", [(long, 3.0), ("short", 1.0)], value_label="People")
    svg = ET.fromstring(chart.svg)
    ns = "{http://www.w3.org/2000/svg}"
    cut, whole = (t for t in svg.iter(f"{ns}text") if t.get("class") == "chart-label")
    tooltip = cut.find(f"{ns}title")
    assert tooltip is not None and tooltip.text == long
    assert tooltip.tail == long[:23] + "…"
    assert whole.findtext(f"{ns}title") is None and whole.text == "short"
    assert chart.rows[0] == (long, "3")


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
