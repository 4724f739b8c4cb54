"""`/api/insights/...`: every insights view as JSON, and as CSV with `?format=csv`.

Same rules as the pages: analysts and admins see everything, content owners
their department's slice, others get 403. Works in local and header (SSO)
sign-in modes alike, as the rest of the API does.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from flask import Blueprint, Response, jsonify, request

from kb.insights.access import check_assign
from kb.insights.listed_findings import KindFindings
from kb.insights.records import OverviewTable, gap_table
from kb.insights.requests import topics_cell
from kb.insights.service import OVERVIEW_FIGURES, Overview
from kb.insights.trends import TREND_COLUMNS, trend_row
from kb.validators import parse_choice
from webapp.departments import department_name
from webapp.inputs import text_field
from webapp.insights.views import (
    Reading,
    content_groups,
    csv_text,
    gap_views,
    known_departments,
    reading,
    searches_by_department,
    targets,
    working_hours,
)
from webapp.json_body import json_object

bp = Blueprint("api_insights", __name__, url_prefix="/api/insights")


def _csv(name: str, text: str, r: Reading) -> Response:
    return Response(
        text,
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{csv_file_name(name, r)}"'},
    )


def csv_file_name(name: str, r: Reading) -> str:
    """The download's name says which slice it holds, since the rows do not: the
    table, the department (none: every one), the gaps' status and the period,
    so that two downloads neither overwrite nor pass for each other
    (`insights-overview-hr-2026-11-01-to-2026-11-30.csv`). Department slugs and
    statuses are checked words, dates ISO: nothing in it needs quoting."""
    parts = ["insights", name, r.department or "all"]
    if r.status is not None:
        parts.append(r.status.value)
    since, last = r.period.since.isoformat(), r.period.last_day.isoformat()
    return "-".join([*parts, since, "to", last]) + ".csv"


DEPARTMENT_COLUMNS = ["department", "name", "searches"]


def _overview_csv(r: Reading, overview: Overview, table: OverviewTable) -> Response:
    if table is OverviewTable.SERIES:
        steps = (s.as_dict() for s in overview.series(r.by))
        rows: Iterable[list[Any]] = (trend_row(s) for s in steps)
        return _csv(f"overview-{r.by}", csv_text(TREND_COLUMNS, rows), r)
    if table is OverviewTable.DEPARTMENTS:
        rows = ([d, department_name(d), n] for d, n in searches_by_department(r))
        return _csv("overview-departments", csv_text(DEPARTMENT_COLUMNS, rows), r)
    data = overview.as_dict()
    rows = ([n, data[n], data["previous"][n], data["trend"][n]] for n in OVERVIEW_FIGURES)
    return _csv("overview", csv_text(["figure", "value", "previous", "change"], rows), r)


@bp.get("/overview")
def overview() -> Response:
    r = reading(request.args)
    overview = r.service.overview(r.period, r.department)
    if request.args.get("format") == "csv":
        # Without `table`, as before: the series when `by` is given, else the figures.
        default = OverviewTable.SERIES if "by" in request.args else OverviewTable.FIGURES
        table = parse_choice(OverviewTable, "table", request.args.get("table") or default)
        return _overview_csv(r, overview, table)
    data = overview.as_dict()
    # With `by` (day or week), the figures over time too; without it the answer
    # is what it always was.
    if "by" in request.args:
        data.update(by=r.by, series=[s.as_dict() for s in overview.series(r.by)])
    return jsonify(data)


@bp.get("/gaps")
def gaps() -> Response:
    r = reading(request.args)
    topics = [v.as_dict() for v in gap_views(r)]
    if request.args.get("format") == "csv":
        header, *rows = gap_table(topics)
        return _csv("gaps", csv_text(header, rows), r)
    return jsonify({**r.period.as_dict(), "department": r.department, "topics": topics})


REQUEST_COLUMNS = [
    "department",
    "requests",
    "median_first_response_hours",
    "median_resolution_hours",
    "target_first_response_hours",
    "target_resolution_hours",
    "first_response_within_target",
    "resolution_within_target",
    "backlog",
    "overdue",
    "ratings",
    "average_rating",
    "median_resolution_working_hours",
    "p90_resolution_working_hours",
    "median_first_response_working_hours",
]


@bp.get("/requests")
def requests_view() -> Response:
    r = reading(request.args)
    found = r.service.requests(r.period, r.department, targets(), working_hours())
    rows = [d.as_dict() for d in found]
    if request.args.get("format") == "csv":
        lines = ([*(d[c] for c in REQUEST_COLUMNS), topics_cell(d["top_topics"])] for d in rows)
        return _csv("requests", csv_text([*REQUEST_COLUMNS, "top_topics"], lines), r)
    streams = r.service.value_streams(r.period, r.department)
    return jsonify(
        {
            **r.period.as_dict(),
            "department": r.department,
            "departments": rows,
            "value_streams": streams,
        }
    )


CONTENT_COLUMNS = ["article", "title", "department", "kind", "detail"]


@bp.get("/content")
def content_view() -> Response:
    r = reading(request.args)
    groups = content_groups(r)
    if request.args.get("format") == "csv":
        return _csv("content", csv_text(CONTENT_COLUMNS, _content_rows(groups)), r)
    findings = [f.as_dict() for g in groups for f in g.listed]
    return jsonify(
        {
            **r.period.as_dict(),
            "department": r.department,
            "findings": findings,
            "totals": [g.as_dict() for g in groups],
        }
    )


def _content_rows(groups: Iterable[KindFindings]) -> Iterable[list[str]]:
    """The CSV's rows: each finding listed, then for an article with more of a
    kind than are listed, one row that counts the rest (`more=19980`)."""
    for g in groups:
        for f in g.listed:
            yield [f.article, f.title, f.department, f.kind, f.detail_text()]
        if g.more:
            first = g.first
            yield [first.article, first.title, first.department, first.kind, f"more={g.more}"]


@bp.post("/gaps/<int:topic_id>/assign")
def assign(topic_id: int) -> Response:
    r = reading({})
    check_assign(r.scope)
    department = text_field(json_object("department"), "department")
    topic = r.service.assign(topic_id, department, known_departments())
    return jsonify(
        {
            "id": topic.id,
            "status": topic.status.value,
            "assigned_department": topic.assigned_department,
        }
    )
