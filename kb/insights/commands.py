"""`kb insights ...` and `kb events purge`: thin CLI over `kb.insights`."""

from __future__ import annotations

from datetime import date
from typing import Any

import click

from kb.cli.options import echo_csv, echo_json, on_terminal, open_store, settings_from, steps
from kb.insights.records import RollupRefresh, TopicStatus, gap_table
from kb.insights.requests import topics_cell
from kb.insights.trends import STEPS, TREND_COLUMNS, trend_row
from kb.records import printable


def _period_options(f: Any) -> Any:
    f = click.option("--department", help="Only searches routed to this department.")(f)
    f = click.option("--until", help="Last day (YYYY-MM-DD, included; default today).")(f)
    f = click.option("--since", help="First day (YYYY-MM-DD; default 30 days ago).")(f)
    f = click.option("--csv", "as_csv", is_flag=True, help="Print CSV.")(f)
    return click.option("--json", "as_json", is_flag=True, help="Print JSON.")(f)


@click.group("insights")
def insights_group() -> None:
    """Where the knowledge base fails: figures, knowledge gaps, rollups."""


def _read(
    ctx: click.Context,
    period: dict[str, str | None],
    what: str,
    by: str | None = None,
    status: str | None = None,
) -> Any:
    """`what` ("overview" or "gaps") of the service for the period options; the
    overview with its figures over time (`by` day or week) when `by` is given,
    as `/api/insights/overview?by=` answers; the gaps of one `status` if given."""
    from kb.insights.factory import insights_service

    settings = settings_from(ctx)
    with open_store(settings) as store:
        service = insights_service(settings, store)
        span = service.period(period["since"], period["until"])
        if what == "overview":
            overview = service.overview(span, period["department"])
            data = overview.as_dict()
            if by is not None:
                data.update(by=by, series=[s.as_dict() for s in overview.series(by)])
            return data
        wanted = TopicStatus(status) if status else None
        return [v.as_dict() for v in service.gaps(span, period["department"], wanted)]


@insights_group.command("overview")
@_period_options
@click.option(
    "--by",
    type=click.Choice(STEPS),
    help="Also the figures over time, per day or per ISO week (CSV: only those).",
)
@click.pass_context
def overview_command(
    ctx: click.Context, as_json: bool, as_csv: bool, by: str | None, **period: str | None
) -> None:
    """Searches, answered, click-through, helpful and self-service rates, requests."""
    from kb.insights.service import OVERVIEW_FIGURES

    data = _read(ctx, period, "overview", by)
    if as_json:
        echo_json(data)
        return
    rows = [[n, data[n], data["previous"][n], data["trend"][n]] for n in OVERVIEW_FIGURES]
    if as_csv and by is not None:
        echo_csv([list(TREND_COLUMNS), *(trend_row(s) for s in data["series"])])
        return
    if as_csv:
        echo_csv([["figure", "value", "previous", "change"], *rows])
        return
    click.echo(f"{data['since']} to {data['until']} (until excluded)")
    for name, value, previous, change in rows:
        click.echo(
            f"  {name:<20} {_show(value):>10}   previous {_show(previous):>10}   "
            f"change {_show(change)}"
        )
    if by is not None:
        _echo_series(data["series"])


def _echo_series(series: list[dict[str, Any]]) -> None:
    click.echo(f"  {'step':<12} {'days':>4} {'searches':>9} {'answered':>9} {'answered rate':>14}")
    for s in series:
        click.echo(
            f"  {s['label']:<12} {s['days']:>4} {s['searches']:>9} {s['answered']:>9} "
            f"{_show(s['answered_rate']):>14}"
        )


def _show(value: Any) -> str:
    if value is None:
        return "-"
    return f"{value:.3f}" if isinstance(value, float) else str(value)


@insights_group.command("gaps")
@_period_options
@click.option(
    "--status",
    type=click.Choice([s.value for s in TopicStatus]),
    help="Only the gaps that stand so: open, assigned to a department, or closed.",
)
@click.pass_context
def gaps_command(
    ctx: click.Context, as_json: bool, as_csv: bool, status: str | None, **period: str | None
) -> None:
    """Knowledge gaps: failed questions grouped into topics, by impact."""
    topics = _read(ctx, period, "gaps", status=status)
    if as_json:
        echo_json({"topics": topics})
        return
    if as_csv:
        echo_csv(gap_table(topics))
        return
    for t in topics:
        # Employees' questions: no escape sequence of theirs reaches the terminal.
        label = printable(t["label"][:50]) if t["label"] else "(too few people to show a question)"
        click.echo(
            f"#{t['id']:<5} {label:<50} {t['searches']:>6} searches {t['people']:>5} people "
            f"{t['department'] or 'triage':<12} {t['status']}"
        )


@insights_group.command("requests")
@_period_options
@click.pass_context
def requests_command(ctx: click.Context, as_json: bool, as_csv: bool, **period: str | None) -> None:
    """Per department: top request topics, median times against targets, backlog."""
    from kb.content.scanner import load_departments
    from kb.insights.factory import insights_service
    from kb.requests.sla import WorkingCalendar

    settings = settings_from(ctx)
    targets = {
        s: d.targets
        for s, d in load_departments(settings.content_path, settings.triage_department).items()
    }
    with open_store(settings) as store:
        service = insights_service(settings, store)
        span = service.period(period["since"], period["until"])
        hours = WorkingCalendar.from_settings(settings).working_hours_between
        found = service.requests(span, period["department"], targets, hours)
        rows = [d.as_dict() for d in found]
    if as_json:
        echo_json({**span.as_dict(), "departments": rows})
        return
    columns = [
        "department",
        "requests",
        "median_first_response_hours",
        "median_resolution_hours",
        "resolution_within_target",
        "backlog",
        "overdue",
        "median_first_response_working_hours",
        "median_resolution_working_hours",
    ]
    last = "first_response_within_target"  # added after the topics: no column moved
    if as_csv:
        echo_csv(
            [
                [*columns, "top_topics", last],
                *([*(r[c] for c in columns), topics_cell(r["top_topics"]), r[last]] for r in rows),
            ]
        )
        return
    for r in rows:
        top = printable(topics_cell(r["top_topics"]))  # employees' questions
        click.echo(
            # Working hours, the unit of the targets the share is judged against.
            f"{r['department']:<12} {r['requests']:>5} requests  resolution median "
            f"{_show(r['median_resolution_working_hours'])} working h"
            f"  within target {_show(r['resolution_within_target'])}"
            f"  first response within target {_show(r['first_response_within_target'])}"
            f"  open {r['backlog']} (overdue {r['overdue']})  top: {top}"
        )


@insights_group.command("content")
@_period_options
@click.pass_context
def content_command(ctx: click.Context, as_json: bool, as_csv: bool, **period: str | None) -> None:
    """Articles that need a look (review dates, helpfulness, unseen, links, duplicates)."""
    from kb.content.scanner import scan_content
    from kb.insights.factory import insights_service

    settings = settings_from(ctx)
    scan = scan_content(settings.content_path)
    with open_store(settings) as store:
        service = insights_service(settings, store)
        span = service.period(period["since"], period["until"])
        found = service.content(span, period["department"], scan)
    if as_json:
        echo_json({**span.as_dict(), "findings": [f.as_dict() for f in found]})
        return
    rows = [[f.article, f.title, f.department, f.kind, f.detail_text()] for f in found]
    if as_csv:
        echo_csv([["article", "title", "department", "kind", "detail"], *rows])
        return
    for article, _title, _dept, kind, detail in rows:
        # Details quote content files (a link's target, an audience): no escape
        # of theirs reaches the terminal.
        click.echo(printable(f"{article:<50} {kind:<20} {detail}"))


def _days(days: tuple[Any, ...]) -> str:
    if not days:
        return ""
    return f" ({days[0]})" if len(days) == 1 else f" ({days[0]} to {days[-1]})"


def _echo_rollups(done: RollupRefresh) -> None:
    """What a refresh recomputed, and which rolled-up days it kept as they were."""
    click.echo(f"rolled up {len(done.recomputed)} day(s) from their events{_days(done.recomputed)}")
    if done.kept:
        click.echo(
            f"kept {len(done.kept)} rolled-up day(s){_days(done.kept)} as they were: their "
            f"events were purged (events are complete from {done.complete_from} on)"
        )


@insights_group.command("refresh")
@click.option("--no-topics", is_flag=True, help="Only the daily rollups, not the gap topics.")
@click.pass_context
def refresh_command(ctx: click.Context, no_topics: bool) -> None:
    """Bring the daily rollups and the knowledge-gap topics up to date."""
    from kb.insights.factory import refresh

    settings = settings_from(ctx)
    with open_store(settings) as store:
        done, update = refresh(settings, store, topics=not no_topics, progress=steps(on_terminal()))
    _echo_rollups(done)
    if update is not None:
        click.echo(
            f"{update.questions} failed questions: {update.embedded} embedded, "
            f"{update.assigned} joined topics, {update.new_topics} new topics ({update.seconds:.1f} s)"
        )


@insights_group.command("recount")
@click.option("--since", help="First day to recount (YYYY-MM-DD; default: every day).")
@click.pass_context
def recount_command(ctx: click.Context, since: str | None) -> None:
    """Count deflection again on the days rolled up under an older rule
    (once per person and day) from their events: once per person and ISO week."""
    from kb.insights.factory import recount
    from kb.insights.period import parse_day

    first = parse_day("since", since) if since else None
    shown = on_terminal()

    def tell(done: int, of: int, day: date) -> None:
        if shown:
            click.echo(f"recounted {day} ({done} of {of})", err=True)

    with open_store(settings_from(ctx)) as store:
        done = recount(store, first, tell)
    click.echo(
        f"recounted {len(done.recounted)} day(s) under the current rule{_days(done.recounted)}"
    )
    if done.kept:
        click.echo(
            f"kept {len(done.kept)} day(s){_days(done.kept)} under the older rule: their "
            "events were purged"
        )


@insights_group.command("verify")
@click.pass_context
def verify_command(ctx: click.Context) -> None:
    """Re-run the questions of open knowledge gaps against the current snapshot;
    close those that are now answered."""
    from kb.insights.factory import verify
    from search.engine import SearchEngine

    settings = settings_from(ctx)
    engine = SearchEngine(settings)
    try:
        with open_store(settings) as store:
            result = verify(settings, store, engine)
    finally:
        engine.close()
    click.echo(
        f"checked {result.checked} topic(s) against {result.snapshot}; "
        f"closed: {', '.join(f'#{i}' for i in result.closed) or 'none'}"
    )


@insights_group.command("digest")
@click.pass_context
def digest_command(ctx: click.Context) -> None:
    """Queue this week's insights digest for every department's content owners
    (sent by the outbox: e-mail and department webhooks)."""
    from kb.insights.factory import send_digest

    settings = settings_from(ctx)
    with open_store(settings) as store:
        queued = send_digest(settings, store)
    click.echo(f"queued {queued} digest message(s); `kb requests deliver` sends them")


@click.group("events")
def events_group() -> None:
    """The event log (searches, clicks, feedback)."""


@events_group.command("purge")
@click.pass_context
def purge_command(ctx: click.Context) -> None:
    """Delete events older than the setting event_retention_days."""
    from kb.insights.factory import purge

    settings = settings_from(ctx)
    with open_store(settings) as store:
        removed = purge(settings, store)
    click.echo(
        f"deleted {removed['searches']} searches, {removed['clicks']} clicks and "
        f"{removed['feedback']} votes older than {settings.event_retention_days} days"
    )


@click.group("demo")
def demo_group() -> None:
    """Demonstration data for a new installation."""


@demo_group.command("traffic")
@click.option(
    "--days",
    default=60,
    show_default=True,
    type=click.IntRange(1, 365),
    help="Days of traffic, ending today.",
)
@click.option("--remove", is_flag=True, help="Remove all demo traffic instead.")
@click.option("--if-empty", is_flag=True, help="Do nothing when searches are already recorded.")
@click.pass_context
def demo_traffic_command(ctx: click.Context, days: int, remove: bool, if_empty: bool) -> None:
    """Searches, clicks, votes, requests and resolutions through the real engine
    and request service, marked as demo so that --remove takes them out."""
    from kb.accounts.records import DEMO_USER_PREFIX
    from kb.insights.demo import DEMO_PREFIX
    from kb.insights.factory import demo_traffic, refresh
    from kb.insights.store import insights_store

    settings = settings_from(ctx)
    with open_store(settings) as store:
        if remove:
            removed = insights_store(store).remove_marked(DEMO_PREFIX, DEMO_USER_PREFIX)
            done, _ = refresh(settings, store, topics=False)
            click.echo(
                f"removed {removed['searches']} demo searches, {removed['clicks']} clicks, "
                f"{removed['feedback']} votes and {removed['requests']} requests"
            )
            _echo_rollups(done)
            if done.kept:
                click.echo("the demo traffic of the kept days stays in their figures")
            return
        if if_empty and store.search_events(limit=1):
            click.echo("searches are already recorded; no demo traffic added")
            return
        from search.engine import SearchEngine

        click.echo(f"generating {days} days of demo traffic (each question is really searched)")
        engine = SearchEngine(settings)
        try:
            result = demo_traffic(settings, store, engine.search, days)
        finally:
            engine.close()
    click.echo(
        f"added {result.searches} searches, {result.clicks} clicks, {result.votes} votes, "
        f"{result.asks} visits to the ask form ({result.deflected} left without sending), "
        f"{result.requests} requests and {result.ratings} ratings; "
        "run `kb insights refresh` to group them into topics"
    )


COMMANDS = [insights_group, events_group, demo_group]
