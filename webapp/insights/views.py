"""What the insights pages and API share: who reads, for which period and
department, the service with fresh rollups, the charts and CSV.

The rollups are brought up to date when a page or API call needs them, at
most once per `REFRESH_SECONDS` per process (a refresh with nothing new costs
three indexed queries); the gap topics, which need the embedding model, are
updated by `kb insights refresh` and the scheduler of `kb serve`.
"""

from __future__ import annotations

import csv
import io
import threading
import time
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Any

from flask import current_app, url_for

from kb.accounts.records import Role
from kb.i18n.catalog import format_decimal
from kb.insights.access import InsightsScope, insights_scope
from kb.insights.charts import Chart, bar_chart, line_chart, percent_text
from kb.insights.content import Finding, readable_by
from kb.insights.factory import insights_service
from kb.insights.listed_findings import KindFindings, grouped_findings
from kb.insights.records import TopicStatus
from kb.insights.requests import DepartmentRequests
from kb.insights.service import InsightsService, Overview, Period, TopicView
from kb.insights.target_chart import Spread, target_chart
from kb.insights.trends import TrendStep, trend_step
from kb.records import Targets
from kb.spreadsheet_cells import safe_row
from kb.validators import parse_choice
from webapp import services
from webapp.audiences import audience_names
from webapp.auth.identity import current_user, require_user, search_groups
from webapp.departments import department_name
from webapp.i18n import current_language, format_date, gettext, plural
from webapp.insights.content_reading import content_scan
from webapp.query_params import unknown_choice

REFRESH_SECONDS = 30.0
_EXTENSION = "kb_insights_refreshed"
_lock = threading.Lock()


@dataclass(frozen=True)
class Reading:
    """One insights request: the reader's scope, the period and the department filter."""

    scope: InsightsScope
    period: Period
    department: str | None
    service: InsightsService
    by: str = "day"
    status: TopicStatus | None = None  # the gaps' filter: where a gap stands

    def query(self) -> dict[str, str]:
        """The filter as URL parameters (for links and the CSV download)."""
        params = {
            "since": self.period.since.isoformat(),
            "until": self.period.last_day.isoformat(),
        }
        if self.department:
            params["department"] = self.department
        if self.by != "day":  # links without `by` stay as they were
            params["by"] = self.by
        if self.status is not None:
            params["status"] = self.status.value
        return params


def known_departments() -> list[str]:
    from webapp.requests.presenters import department_choices

    return [slug for slug, _ in department_choices()]


def _reader() -> tuple[frozenset[str] | None, frozenset[str]]:
    """The reader's groups (None: may read everything) and the departments whose
    articles they edit as a content owner."""
    groups, user = search_groups(), current_user()
    owned = user.departments(Role.CONTENT_OWNER) if user is not None else set()
    if owned is None:  # a content owner of every department
        groups, owned = None, set()
    return groups, frozenset(owned)


def content_findings(r: Reading) -> list[Finding]:
    """Content health for this reader: only articles they may read, as on the
    article page (an analyst is not an administrator of the content), and every
    article of the departments they are a content owner of (they edit those)."""
    groups, owned = _reader()
    return r.service.content(r.period, r.department, content_scan(), groups, owned)


def content_groups(r: Reading) -> list[KindFindings]:
    """This reader's findings by article and kind, each with its first
    `MAX_LISTED_FINDINGS` listed and its true count (`kb.insights.content`):
    what the page, the API and its CSV show."""
    return grouped_findings(content_findings(r))


def gap_views(r: Reading) -> list[TopicView]:
    """The knowledge gaps for this reader. A closed gap names the article that
    closed it (found by searching as an unrestricted caller) only to a reader
    who may read that article, by the rule of content health; others are told
    that it closed and by how much, not by what."""
    views = r.service.gaps(r.period, r.department, r.status)
    if not any(v.topic.closed_by for v in views):
        return views
    groups, owned = _reader()
    readable = readable_by(content_scan().articles, groups, owned)

    def shown(view: TopicView) -> TopicView:
        closer = view.topic.closed_by
        if not closer or readable(closer):
            return view
        return replace(view, topic=replace(view.topic, closed_by=None))

    return [shown(v) for v in views]


def finding_detail(finding: Finding) -> str:
    """What a finding found, as a sentence in the page's language (the API and
    CSV keep the fields themselves)."""
    lang = current_language()
    values: dict[str, Any] = {}
    for name, value in finding.detail.items():
        if name == "review_by":
            values[name] = format_date(lang, date.fromisoformat(str(value)))
        elif name in ("helpful_ratio", "similarity"):
            values[name] = percent_text(float(value))
        elif isinstance(value, list):  # a restricted link's audiences
            values[name] = audience_names(str(v) for v in value)
        else:
            values[name] = value
    # A restricted link to a renamed article names where it leads now.
    moved = "_moved" if finding.kind == "restricted_link" and "moved_to" in values else ""
    return gettext("finding_detail_" + finding.kind + moved, **values)


# Kinds an article may have many findings of, each with its own summary line;
# any other kind, found at most once in an article, would take `finding_more`.
_COUNTED_KINDS = frozenset({"broken_link", "moved_link", "restricted_link", "near_duplicate"})


def more_findings(group: KindFindings) -> str:
    """The line that stands for the findings of `group` beyond those listed, in
    the page's language ("and 19,980 more broken links in this article")."""
    kind = group.first.kind
    key = "finding_more_" + kind if kind in _COUNTED_KINDS else "finding_more"
    return plural(key, group.more, n=format_decimal(current_language(), group.more, "#,##0"))


def findings_chart(groups: Sequence[KindFindings]) -> Chart:
    """Findings by kind, each counted in full (listed or not)."""
    counts: dict[str, int] = defaultdict(int)
    for g in groups:
        counts[g.first.kind] += g.total
    bars = [(gettext("finding_" + kind), float(n)) for kind, n in counts.items()]
    return _department_bars(
        gettext("chart_findings"), bars, gettext("content_findings"), "findings-by-kind", False
    )


def targets() -> dict[str, Targets]:
    """Each department's request targets, as the request service has them."""
    return {slug: d.targets for slug, d in services.services().requests.departments.items()}


def working_hours() -> Callable[[datetime, datetime], float]:
    """Working hours between two moments, by the calendar due dates count in."""
    return services.services().requests.calendar.working_hours_between


def fresh_service() -> InsightsService:
    """The insights service of this app, its rollups refreshed if stale."""
    svc = services.services()
    service = insights_service(svc.settings, svc.store)
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    with _lock:
        last = app.extensions.get(_EXTENSION, 0.0)
        if time.monotonic() - last >= REFRESH_SECONDS:
            service.store.refresh()
            app.extensions[_EXTENSION] = time.monotonic()
    return service


def reading(args: Mapping[str, str]) -> Reading:
    """Who asks and for what; 401/403 when they may not, 400 for a bad filter."""
    scope = insights_scope(require_user())
    service = fresh_service()
    period = service.period(args.get("since") or None, args.get("until") or None)
    department = scope.department(args.get("department"))
    if department is not None and department not in known_departments():
        raise unknown_choice("department", department, tuple(known_departments()))
    status = (args.get("status") or "").strip()
    return Reading(
        scope,
        period,
        department,
        service,
        trend_step(args.get("by")),
        parse_choice(TopicStatus, "status", status) if status else None,
    )


def overview_charts(overview: Overview, by: str = "day") -> list[Chart]:
    """Lines per day or week: searches, the answered share, the deflection rate.
    The first step not over (today's, counted so far) is marked as such: the
    step the API's and CSV's series flag `partial`."""
    steps = overview.series(by)
    labels = [_step_label(step, by) for step in steps]
    partial = next((i for i, step in enumerate(steps) if step.partial), None)

    # A week the period cuts counts fewer days: drawn apart on the line of counts,
    # where it would read as a drop or a rise (its share compares as it is).
    cut = {
        i: gettext("chart_cut_note", days=step.days)
        for i, step in enumerate(steps)
        if by == "week" and step.days < 7 and not step.partial
    }

    def line(name: str, figure: str, values: list[float | None], percent: bool) -> Chart:
        return line_chart(
            gettext(f"chart_{name}_per_{by}"),
            list(zip(labels, values, strict=True)),
            value_label=gettext(f"figure_{figure}"),
            label_header=gettext("chart_week") if by == "week" else gettext("chart_day"),
            chart_id=f"{name}-per-{by}",
            percent=percent,
            lang=current_language(),
            partial=partial,
            cut=None if percent else cut,
        )

    return [
        line("searches", "searches", [step.counts["searches"] for step in steps], False),
        # A step nobody searched in has no share: a gap in the line, on the same axis.
        line("answered", "answered_rate", [step.answered_rate for step in steps], True),
        # Of the people the ask form suggested articles to, those who filed nothing.
        line("deflection", "deflection_rate", [step.deflection_rate for step in steps], True),
    ]


def _step_label(step: TrendStep, by: str) -> str:
    """A day's date as the page writes dates ("4. Dezember 2026"); a week's
    name (2026-W49), with its days in the period when the period cuts it."""
    if by != "week":
        return format_date(current_language(), step.first)
    if step.days < 7:
        return gettext("chart_week_part", week=step.label, days=step.days)
    return step.label


def _department_bars(
    title: str,
    bars: list[tuple[str, float]],
    value_label: str,
    chart_id: str,
    percent: bool,
    links: Sequence[str | None] = (),
) -> Chart:
    """Bars largest first (ties by name), each keeping its link (`links`, in the order of `bars`)."""
    linked = [(*bar, links[i] if i < len(links) else None) for i, bar in enumerate(bars)]
    linked.sort(key=lambda item: (-item[1], item[0]))
    return bar_chart(
        title,
        [(label, value) for label, value, _ in linked],
        value_label=value_label,
        label_header=gettext("chart_department"),
        chart_id=chart_id,
        percent=percent,
        lang=current_language(),
        links=[link for _, _, link in linked],
    )


def searches_by_department(reading: Reading) -> list[tuple[str, int]]:
    """Searches per department in the period (unrouted ones under the triage
    queue), most first: the overview's bar chart and its CSV."""
    per: dict[str, int] = defaultdict(int)
    triage = services.services().settings.triage_department
    period = reading.period
    for f in reading.service.store.day_figures(period.since, period.until, reading.department):
        per[f.department or triage] += f.searches
    return sorted(per.items(), key=lambda item: (-item[1], item[0]))


def department_chart(reading: Reading) -> Chart:
    """Searches per department (unrouted ones under the triage queue), each bar
    leading to the overview of that department over the same period."""
    per = searches_by_department(reading)
    bars = [(department_name(dept), float(n)) for dept, n in per]
    title = gettext("chart_searches_by_department")
    links = [department_link(reading, dept) for dept, _ in per]
    return _department_bars(
        title, bars, gettext("figure_searches"), "searches-by-department", False, links
    )


def department_link(reading: Reading, department: str) -> str | None:
    """The overview of `department` with the reader's period and step, or None
    where its figures cannot be shown: a department the reader may not filter
    by, or the triage queue, whose bar holds the unrouted searches (stored
    under no department) that its filter would not find."""
    allowed = reading.scope.departments
    if department == services.services().settings.triage_department:
        return None
    if department not in known_departments() or (allowed is not None and department not in allowed):
        return None
    query: dict[str, Any] = {**reading.query(), "department": department}
    return url_for("insights.overview", **query)


# Bars of the gaps page's chart: the largest topics (every topic is in the list below it).
GAP_BARS = 10


def gaps_chart(topics: Sequence[TopicView]) -> Chart:
    """The largest knowledge gaps by the people who met them, in the list's order,
    each bar leading to its topic in the list below (as a department's bar leads
    to its figures on the overview)."""
    shown = topics[:GAP_BARS]
    bars = [(v.topic.label or gettext("gap_unnamed"), float(v.people)) for v in shown]
    return bar_chart(
        plural("chart_gaps", len(bars)),
        bars,
        value_label=gettext("gap_people"),
        label_header=gettext("gap_topic"),
        chart_id="gaps-by-people",
        lang=current_language(),
        links=[f"#topic-{v.topic.id}" if v.topic.id is not None else None for v in shown],
    )


def writable_departments() -> frozenset[str]:
    """The departments the reader may write articles for (content owner, admin):
    a gap of theirs links to a new article."""
    user = current_user()
    if user is None:
        return frozenset()
    return frozenset(services.authoring().editable_departments(user))


def request_chart(rows: Sequence[Any]) -> Chart:
    """Share of requests resolved within target, per department."""
    bars = [
        (department_name(r.department), r.resolution_within_target)
        for r in rows
        if r.resolution_within_target is not None
    ]
    title = gettext("chart_within_target")
    return _department_bars(
        title, bars, gettext("req_within_target"), "resolved-within-target", True
    )


def resolution_chart(rows: Sequence[DepartmentRequests]) -> Chart:
    """Resolution in working hours (the targets' unit), median and 90th
    percentile, against each department's target."""
    lang = current_language()
    spreads = [
        Spread(
            department_name(r.department),
            r.median_resolution_working_hours,
            r.p90_resolution_working_hours or r.median_resolution_working_hours,
            r.target_resolution_hours,
        )
        for r in rows
        if r.median_resolution_working_hours is not None
    ]
    return target_chart(
        gettext("chart_resolution_target"),
        spreads,
        names=(gettext("chart_median"), gettext("chart_p90"), gettext("chart_target")),
        show=lambda hours: gettext("req_hours", hours=format_decimal(lang, hours, "0.0")),
        value_label=gettext("chart_resolution_working_hours"),
        label_header=gettext("chart_department"),
        chart_id="resolution-against-target",
        lang=lang,
    )


def csv_text(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(safe_row(row) for row in rows)
    return out.getvalue()
