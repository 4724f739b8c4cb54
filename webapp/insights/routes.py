"""The `insights` blueprint: the overview with charts, and the knowledge gaps.

Pages work without JavaScript: the filter is a GET form, assigning a gap is
a small POST form (post/redirect/get). Each chart is an inline SVG with its
figures as a table beside it.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from kb.errors import ValidationError
from kb.i18n.catalog import format_decimal
from kb.insights.access import check_assign, insights_scope
from kb.insights.charts import percent_text
from kb.insights.records import TopicStatus
from kb.insights.service import OVERVIEW_FIGURES
from webapp.auth.identity import require_user
from webapp.departments import department_name
from webapp.errors import error_response, message_for
from webapp.i18n import current_language, gettext
from webapp.insights.views import (
    Reading,
    content_groups,
    department_chart,
    finding_detail,
    findings_chart,
    gap_views,
    gaps_chart,
    known_departments,
    more_findings,
    overview_charts,
    reading,
    request_chart,
    resolution_chart,
    targets,
    working_hours,
    writable_departments,
)
from webapp.query_params import api_url
from webapp.requests.presenters import queues_of
from webapp.services import request_service

bp = Blueprint("insights", __name__, url_prefix="/insights")
bp.add_app_template_filter(percent_text, "percent")


@bp.app_template_global()
def gap_statuses() -> tuple[str, ...]:
    """The gaps page's status filter, in the order a gap moves through them."""
    return tuple(status.value for status in TopicStatus)


RATES = {
    "deflection_rate",
    "answered_rate",
    "zero_result_rate",
    "click_through_rate",
    "helpful_ratio",
    "self_service_rate",
}


def _shown(name: str, value: float | int | None) -> str:
    if value is None:
        return gettext("insights_no_value")
    if name in RATES:
        return percent_text(value)
    # An average, whole ones too: "4,5" and "5,0" in German ("5.0" kept the English point).
    if isinstance(value, float):
        return format_decimal(current_language(), value, "0.0#")
    return f"{value:,}".replace(",", "\u202f")


def _filter_context(r: Reading) -> dict[str, object]:
    departments = known_departments()
    if r.scope.departments is not None:
        departments = [d for d in departments if d in r.scope.departments]
    return {"reading": r, "query": r.query(), "departments": departments}


FILTER_FIELDS = ("since", "until", "department", "by", "status")


@bp.errorhandler(ValidationError)
def _filter_refused(exc: ValidationError) -> Response | tuple[str, int]:
    """A filter the reader can fix (a date, a period ending before it starts, a
    department): the page's filter again, that field marked, what was typed kept."""
    lang = current_language()
    field = str(exc.details.get("field") or "")
    if request.method != "GET" or field not in FILTER_FIELDS:
        return error_response(exc.status, exc.code, message_for(exc, lang), exc.details_in(lang))
    scope = insights_scope(require_user())
    typed = {name: (request.args.get(name) or "")[:40] for name in FILTER_FIELDS}
    endpoint = request.endpoint or "insights.overview"
    page = render_template(
        "insights/filter.html",
        endpoint=endpoint,
        active=endpoint.rsplit(".", 1)[-1].removesuffix("_page"),
        query=typed,
        departments=[
            d for d in known_departments() if scope.departments is None or d in scope.departments
        ],
        reading={"scope": scope, "department": typed["department"]},
        invalid=field,
        error=message_for(exc, lang),
    )
    return page, exc.status


# The figures the overview shows first; on a phone the charts follow them and
# the other figures come after the charts (twelve cards one under the other put
# the first chart three screens down).
KEY_FIGURES = ("searches", "answered_rate", "self_service_rate", "requests")


@bp.get("/")
def overview() -> str:
    r = reading(request.args)
    data = r.service.overview(r.period, r.department)
    cards = [
        {
            "name": name,
            "value": _shown(name, data.figures[name]),
            "previous": _shown(name, data.previous[name]),
        }
        for name in OVERVIEW_FIGURES
    ]
    charts = overview_charts(data, r.by)
    if r.department is None:
        charts.append(department_chart(r))
    return render_template(
        "insights/overview.html",
        key_cards=[c for c in cards if c["name"] in KEY_FIGURES],
        more_cards=[c for c in cards if c["name"] not in KEY_FIGURES],
        charts=charts,
        previous=r.period.previous(),
        downloads=_overview_downloads(r),
        **_filter_context(r),
    )


def _overview_downloads(r: Reading) -> list[tuple[str, str]]:
    """One CSV per table the overview shows, each named for what it holds: the
    figures, the figures per day or week as chosen, the searches by department."""
    query: dict[str, Any] = {**r.query(), "format": "csv", "by": r.by}
    tables = [("figures", "csv_figures"), ("series", f"csv_per_{r.by}")]
    if r.department is None:
        tables.append(("departments", "csv_departments"))
    return [
        (gettext(label), api_url("api_insights.overview", **query, table=table))
        for table, label in tables
    ]


@bp.get("/gaps")
def gaps() -> str:
    r = reading(request.args)
    topics = gap_views(r)
    return render_template(
        "insights/gaps.html",
        topics=topics,
        topics_chart=gaps_chart(topics) if topics else None,
        writable=writable_departments(),
        min_people=r.service.min_people,
        may_assign=r.scope.may_assign,
        assign_choices=[(d, department_name(d)) for d in known_departments()],
        queues=set(queues_of(request_service(), require_user())),
        **_filter_context(r),
    )


@bp.get("/requests")
def requests_page() -> str:
    r = reading(request.args)
    rows = r.service.requests(r.period, r.department, targets(), working_hours())
    return render_template(
        "insights/requests.html",
        rows=rows,
        within_chart=request_chart(rows),
        resolution_chart=resolution_chart(rows),
        **_filter_context(r),
    )


@bp.get("/content")
def content_page() -> str:
    r = reading(request.args)
    groups = content_groups(r)
    return render_template(
        "insights/content.html",
        groups=groups,
        findings_chart=findings_chart(groups) if groups else None,
        finding_detail=finding_detail,
        more_findings=more_findings,
        **_filter_context(r),
    )


@bp.post("/gaps/<int:topic_id>/assign")
def assign(topic_id: int) -> Response:
    r = reading(request.args)
    check_assign(r.scope)
    department = (request.form.get("department") or "").strip()
    r.service.assign(topic_id, department, known_departments())
    flash(gettext("gap_assigned", department=department_name(department)), "success")
    query: dict[str, Any] = r.query()
    if r.status not in (None, TopicStatus.ASSIGNED):  # the list it came from no longer holds it
        del query["status"]
    return redirect(url_for("insights.gaps", **query) + f"#topic-{topic_id}", code=303)
