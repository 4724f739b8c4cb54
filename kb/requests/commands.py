"""`kb requests …`: the request queues, details, exports and the outbox.

Thin: each command opens the store named by the setting `database_url`,
calls `kb.requests` or `kb.notify`, and prints. The command line acts as an
administrator (`kb-cli` in request histories).
"""

from __future__ import annotations

import sys
import threading
from datetime import UTC
from pathlib import Path

import click

from kb.cli.options import (
    echo_json,
    json_option,
    open_store,
    settings_from,
    settings_origin,
    stdout_on_terminal,
)
from kb.records import Department, printable, terminal_text
from kb.settings import Settings


def _departments(settings: Settings) -> dict[str, Department]:
    from kb.content.scanner import load_departments

    return load_departments(settings.content_path, settings.triage_department)


@click.group()
def requests() -> None:
    """Employee requests: queues, details, exports and notification delivery."""


@requests.command("list")
@click.option("--department", help="Only this department's queue.")
@click.option(
    "--status",
    "statuses",
    multiple=True,
    help="Only this status (repeatable); default: the open ones.",
)
@click.option("--overdue", is_flag=True, help="Only requests past a due date.")
@json_option
@click.pass_context
def requests_list(
    ctx: click.Context,
    department: str | None,
    statuses: tuple[str, ...],
    overdue: bool,
    as_json: bool,
) -> None:
    """Requests, earliest due first; overdue ones are marked with '!'."""
    from kb.accounts.service import system_user
    from kb.requests.serialize import request_dict
    from kb.requests.service import RequestService

    settings = settings_from(ctx)
    with open_store(settings) as store:
        service = RequestService.from_settings(settings, store)
        items = service.queue(system_user(), department, list(statuses) or None, overdue)
    if as_json:
        echo_json([{**request_dict(i.request), "overdue": i.overdue} for i in items])
        return
    for item in items:
        r = item.request
        due = (
            r.resolution_due.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")
            if r.resolution_due
            else "-"
        )
        mark = "!" if item.overdue else " "
        query = printable(r.query[:60])  # an employee's words: no escape reaches the terminal
        click.echo(f"{mark} #{r.id}\t{r.department}\t{r.status.value}\t{due}\t{query}")
    click.echo(f"{len(items)} requests", err=True)


@requests.command("show")
@click.argument("request_id", type=int)
@json_option
@click.pass_context
def requests_show(ctx: click.Context, request_id: int, as_json: bool) -> None:
    """One request with its tasks and full history."""
    from kb.accounts.service import system_user
    from kb.requests.serialize import entry_dict, request_dict, task_dict
    from kb.requests.service import RequestService

    settings = settings_from(ctx)
    with open_store(settings) as store:
        service = RequestService.from_settings(settings, store)
        detail = service.detail(system_user(), request_id)
    if as_json:
        echo_json(
            {
                **request_dict(detail.request),
                "overdue": detail.overdue,
                "progress": {"done": detail.progress.done, "total": detail.progress.total},
                "tasks": [task_dict(s.task, blocked=s.blocked) for s in detail.tasks],
                "history": [entry_dict(e) for e in detail.history],
            }
        )
        return
    r = detail.request
    # The question, description, task titles and messages are written by
    # employees and agents: no escape sequence of theirs reaches the terminal.
    click.echo(f"Request #{r.id}: {printable(r.query)}")
    for label, value in (
        ("requester", r.requester), ("department", r.department), ("status", r.status.value),
        ("priority", r.priority.value), ("assignee", r.assignee or "-"),
        ("first response due", r.first_response_due), ("resolution due", r.resolution_due),
        ("overdue", "yes" if detail.overdue else "no"), ("workflow", r.workflow or "-"),
        ("linked articles", ", ".join(r.linked_articles) or "-"),
    ):  # fmt: skip
        click.echo(f"  {label}: {value if value is not None else '-'}")
    if r.description:
        click.echo(f"\n{terminal_text(r.description)}")
    if detail.tasks:
        click.echo(f"\nTasks ({detail.progress} done):")
        for state in detail.tasks:
            t = state.task
            flag = " (blocked)" if state.blocked else ""
            click.echo(f"  {t.id}. [{t.status.value}{flag}] {t.department}: {printable(t.title)}")
    click.echo("\nHistory:")
    for e in detail.history:
        internal = "" if e.visible_to_requester else " (internal)"
        text = f": {terminal_text(e.message)}" if e.message else ""
        click.echo(
            f"  {e.ts.astimezone(UTC):%Y-%m-%d %H:%M UTC} {e.actor} {e.kind}{internal}{text}"
        )


@requests.command("export")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["csv", "jsonl"]),
    default="csv",
    show_default=True,
    help="csv: one row per request, for spreadsheets; jsonl: one JSON object per line.",
)
@click.option(
    "--out",
    type=click.Path(dir_okay=False, writable=True),
    help="File to write (default: standard output).",
)
@click.pass_context
def requests_export(ctx: click.Context, fmt: str, out: str | None) -> None:
    """Every request, oldest first, as CSV or JSON Lines."""
    from kb.requests.serialize import write_export

    settings = settings_from(ctx)
    with open_store(settings) as store:
        found = store.list_requests(order_by="created")
    found.reverse()
    if out:
        with Path(out).open("w", encoding="utf-8", newline="") as handle:
            count = write_export(found, handle, fmt)
        click.echo(f"{count} requests written to {out}", err=True)
    else:
        write_export(found, sys.stdout, fmt, terminal=stdout_on_terminal())


@requests.command("deliver")
@click.option("--loop", is_flag=True, help="Keep delivering until interrupted.")
@click.option(
    "--interval",
    type=click.FloatRange(min=0, min_open=True),
    default=5.0,
    show_default=True,
    help="Seconds between passes with --loop.",
)
@click.pass_context
def requests_deliver(ctx: click.Context, loop: bool, interval: float) -> None:
    """Send due notifications (webhooks, e-mail) from the outbox.

    With --loop, the notification settings follow the settings file: a webhook
    or a mail server added, changed or removed there is used without a
    restart."""
    from kb.live_settings import LiveSettings
    from kb.notify.config import check_webhooks
    from kb.notify.worker import OutboxWorker

    settings = settings_from(ctx)
    live = LiveSettings(settings, settings_origin(ctx), check=check_webhooks)
    with open_store(settings) as store:
        departments = _departments(settings)
        worker = OutboxWorker.from_settings(settings, store, departments, live_settings=live)
        if not loop:
            report = worker.deliver_due()
        else:
            stop = threading.Event()
            try:
                report = worker.run(stop, interval)
            except KeyboardInterrupt:
                stop.set()
                return
    click.echo(
        f"{report.delivered} delivered, {report.failed} to retry, {report.given_up} given up"
    )


@requests.command("move-department")
@click.argument("department")
@click.argument("to")
@click.option("--reason", default="", help="Why, for each request's history.")
@click.option(
    "--move-grants",
    is_flag=True,
    help="Also give every role held for DEPARTMENT for TO instead (kept in the grant history).",
)
@click.pass_context
def requests_move_department(
    ctx: click.Context, department: str, to: str, reason: str, move_grants: bool
) -> None:
    """Move every request and value-stream task of DEPARTMENT to TO.

    For a department folder renamed or removed: its requests keep the old
    name, in a queue nobody is offered, until they are moved. TO must be a
    department of the content root (or the triage queue). Each request moved
    gets an internal history entry by kb-cli; statuses, assignees and due dates
    stay. Grants (agents', content owners') name departments too: they are
    listed, and with --move-grants they move in the same transaction (their
    holders sign in again)."""
    from kb.requests.department_moves import grants_naming, move_department

    settings = settings_from(ctx)
    with open_store(settings) as store:
        moved = move_department(
            store,
            _departments(settings),
            settings.triage_department,
            department,
            to,
            reason=reason,
            grants=move_grants,
        )
        left = grants_naming(store.list_users(), moved.department)
    click.echo(
        f"moved {len(moved.requests)} requests and {moved.tasks} tasks (of "
        f"{len(moved.with_tasks)} requests of other queues) from {moved.department} to {moved.to}"
    )
    for change in moved.grants:
        click.echo(f"moved grant: {change.label}")
    for username, grant in left:
        click.echo(f"grant left: {username} {grant.label}", err=True)
    if left:
        click.echo(
            f"{len(left)} grants still name {moved.department}: run the command again with "
            "--move-grants to move them, or give the roles with `kb users add`",
            err=True,
        )


COMMANDS = [requests]
