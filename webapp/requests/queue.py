"""The `queue` blueprint: department queues, for the agents who work them.

    GET  /requests/queue/                   the queues the agent works; for someone
                                            who works none, their own newest
                                            requests and the ask form
    GET  /requests/queue/<department>       one queue: its requests and its tasks,
                                            ?status=&overdue=1 filter, ?q= finds
                                            its requests and its attachments by
                                            their words; ?cursor=
                                            and ?task_cursor= page the two lists
    POST /requests/queue/<department>/bulk  assign and/or move the chosen requests;
                                            refused, back to the queue's page
                                            (post/redirect/get), which shows
                                            the message once with what was
                                            chosen (`webapp.requests.refused`)

A queue lists the department's requests, earliest due first (a hundred a
page, the next page by cursor: `kb.requests.paging`), with the time
left to their first response and resolution, and the value-stream tasks the
department owns (25 a page, by a cursor of their own, `task_cursor`), each
with its own department's badge and the request it is part of; both
count, so "Nothing in this queue" is said only when neither has anything. The page speaks the agents' words (statuses from
`agent_status_*`). The queue of a department whose folder was renamed or
removed, while requests or tasks still name it, is shown to admins read-only,
with the command that moves them (`kb requests move-department`).
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from kb.accounts.records import Role, User
from kb.errors import KbError, ValidationError
from kb.requests.bulk import BulkResult
from kb.requests.ledger import StaleRequestError
from kb.requests.lifecycle import RequestStatus
from kb.requests.paging import Paging
from kb.requests.permissions import require_queue
from kb.requests.service import RequestService
from webapp.ask.routes import form_context as ask_form_context
from webapp.auth.identity import require_user
from webapp.errors import message_for
from webapp.i18n import current_language, gettext, plural
from webapp.inputs import digits, too_long
from webapp.query_params import choice_arg
from webapp.requests import presenters, refused
from webapp.requests.acting import OUTCOME_ANCHOR
from webapp.requests.forms import MAX_TEXT_CHARS
from webapp.requests.listing import (
    TASK_CURSOR,
    TASK_PAGE,
    cursor_arg,
    own_rows,
    page_links,
    page_url,
)
from webapp.requests.stale import STALE_STATUS, bulk_versions
from webapp.services import request_service

bp = Blueprint("queue", __name__, url_prefix="/requests/queue")

STATUS_FILTERS = ("open", *(s.value for s in RequestStatus))
BULK_KEEP = ""  # a bulk form's choice that changes nothing
BULK_NOBODY = "-"  # unassign
# Requests a page of a queue shows (earliest due first); the next page by cursor,
# so that requests taken up meanwhile never push one off both pages.
QUEUE_PAGE = 100
# Own requests the queue page shows someone who works no queue (My requests has all).
NO_QUEUE_MINE = 5
# The bulk form's fields a refusal carries back (the versions are rendered anew).
BULK_FIELDS = ("assignee", "status", "note")
# Where a refused bulk change lands: its message, at the list or at the change.
BULK_REFUSED_AT = "#bulk-error"


@bp.get("/")
def index() -> Response | str:
    actor = require_user()
    service = request_service()
    mine = presenters.queues_of(service, actor)
    if len(mine) == 1:
        return redirect(url_for("queue.show", department=mine[0]), code=303)
    orphans = presenters.orphaned_queues(service, actor)
    if not mine and not orphans:
        return _no_queue(service, actor)
    return render_template("requests/queues.html", departments=mine, orphans=orphans)


def _no_queue(service: RequestService, actor: User) -> str:
    """For someone who works no queue (an employee): their own newest requests
    and the ask form, rather than a dead end; no department's queue is read."""
    page, rows = own_rows(service, actor, Paging(NO_QUEUE_MINE))
    return render_template(
        "requests/no_queue.html", rows=rows, more=page.more, **ask_form_context(actor, {})
    )


@bp.get("/<department>")
def show(department: str) -> str:
    kept = refused.take(refused.queue_place(department))
    if kept is None:
        return _page(department)
    return _page(department, kept.posted, kept.error, kept.field)


def _page(
    department: str, posted: dict[str, Any] | None = None, error: str = "", error_field: str = ""
) -> str:
    """The queue; after a refused bulk change with the error (about `error_field`)
    and what was chosen."""
    actor = require_user()
    service = request_service()
    # An unknown status or overdue flag is refused (the error page names it),
    # never read as the whole queue.
    wanted = choice_arg(request.args, "status", STATUS_FILTERS) or "open"
    overdue = choice_arg(request.args, "overdue", ("0", "1")) == "1"  # 0: all
    page = service.queue_page(
        actor,
        department,
        Paging(QUEUE_PAGE, cursor=cursor_arg()),
        status=None if wanted == "open" else wanted,
        overdue=overdue,
    )
    following, first_page = page_links(page, "queue.show", department=department)
    searched = (request.args.get("q") or "").strip()[:200]
    agents = sorted(
        u.username for u in service.store.list_users() if u.has_role(Role.AGENT, department)
    )
    return render_template(
        "requests/queue.html",
        searched=searched,
        excerpt=presenters.excerpt,
        hits=service.search_queue(actor, searched, department) if searched else [],
        found=service.search_attachments(actor, searched, department) if searched else [],
        department=department,
        items=page.items,
        page=page,
        following=following,
        first_page=first_page,
        # Back to this page of the queue, with its filters, after a bulk change.
        bulk_action=page_url("queue.bulk", request.args.get("cursor"), department=department),
        **_task_page(service, actor, department),
        status=wanted,
        statuses=STATUS_FILTERS,
        overdue=overdue,
        queues=presenters.queues_of(service, actor),
        agents=agents,
        keep=BULK_KEEP,
        nobody=BULK_NOBODY,
        posted=posted or {},
        error=error,
        error_field=error_field,
        max_note=MAX_TEXT_CHARS,
        removed=presenters.removed_queue_of(service, actor, department),
    )


def _task_page(service: RequestService, actor: User, department: str) -> dict[str, Any]:
    """The page of the department's tasks asked for (`task_cursor`) and the links
    to the next and the first, which land at the task list below the requests."""
    paging = Paging(TASK_PAGE, cursor=cursor_arg(TASK_CURSOR), cursor_field=TASK_CURSOR)
    tasks = service.task_queue_page(actor, department, paging)
    following, first = (
        link and link + "#tasks"
        for link in page_links(tasks, "queue.show", cursor_name=TASK_CURSOR, department=department)
    )
    return {"tasks": tasks.items, "task_page": tasks, "tasks_next": following, "tasks_first": first}


def _ids() -> list[int]:
    ids = [digits(r, "ids") for r in request.form.getlist("ids")]
    if any(i is None for i in ids):
        raise ValidationError(
            "ids: choose requests of the list", details={"field": "ids"}, key="bulk_none"
        )
    return [i for i in ids if i is not None]


@bp.post("/<department>/bulk")
def bulk(department: str) -> Response | tuple[str, int]:
    """Apply one change to the chosen requests; each is checked and saved on its own.
    Only for the queue's agents (and admins): an employee who is not one gets 403,
    even for their own request, which they close on its page."""
    actor = require_user()
    require_queue(actor, department)
    assignee = request.form.get("assignee", BULK_KEEP)
    status = (request.form.get("status") or "").strip() or None
    back = redirect(
        page_url("queue.show", request.args.get("cursor"), department=department) + OUTCOME_ANCHOR,
        code=303,
    )
    lang = current_language()
    note = (request.form.get("note") or "").strip()
    try:
        if len(note) > MAX_TEXT_CHARS:
            raise too_long("note", len(note), MAX_TEXT_CHARS)
        ids = _ids()
        results = request_service().bulk(
            actor,
            ids,
            assign=assignee != BULK_KEEP,
            assignee=None if assignee in (BULK_KEEP, BULK_NOBODY) else assignee,
            status=status,
            note=note,
            versions=bulk_versions(ids),
        )
    except ValidationError as exc:
        field = str(exc.details.get("field") or "")
        chosen = request.form.getlist("ids")
        return _refused(department, message_for(exc, lang), field, chosen, 400)
    refusal = _change_refused(results)
    if refusal is not None:  # the change itself, not the requests: the form is refused
        field = str(refusal.details.get("field") or "")
        chosen = request.form.getlist("ids")
        return _refused(department, message_for(refusal, lang), field, chosen, refusal.status)
    flash(plural("bulk_done", sum(r.ok for r in results)), "success")
    stale = [r.request_id for r in results if isinstance(r.error, StaleRequestError)]
    for failed in (r for r in results if r.error is not None and r.request_id not in stale):
        error: KbError = failed.error  # type: ignore[assignment]
        flash(
            gettext("bulk_failed", id=failed.request_id, reason=message_for(error, lang)), "error"
        )
    if stale:  # the queue as it is now, those still chosen, the change still set
        named = ", ".join(f"#{i}" for i in stale)
        message = gettext("bulk_changed_meanwhile", ids=named)
        return _refused(department, message, "", [str(i) for i in stale], STALE_STATUS)
    return back


def _change_refused(results: list[BulkResult]) -> ValidationError | None:
    """The error when every chosen request refused the change for the same field
    of the form (an unknown status, someone who does not work the queue): the
    value chosen is wrong, whichever requests it is applied to, so the form is
    refused as a whole rather than reported request by request."""
    errors = [r.error for r in results if isinstance(r.error, ValidationError)]
    if not errors or len(errors) < len(results):
        return None
    fields = {e.details.get("field") for e in errors}
    return errors[0] if len(fields) == 1 and fields <= set(BULK_FIELDS) else None


def _refused(
    department: str, error: str, field: str, chosen: list[str], status: int
) -> Response | tuple[str, int]:
    """Back to the queue's page the form was sent from (its filters and page), which
    shows `error` once, the refused `field` marked, the requests `chosen` ticked and
    the change still set; the page itself at the form's address (with `status`)
    when what was chosen is too much to carry (`refused.keep`)."""
    posted: refused.Typed = {name: request.form.get(name, "") for name in BULK_FIELDS}
    posted["ids"] = chosen
    place = refused.queue_place(department)
    if refused.keep(refused.Refusal(place, error, "bulk", field, posted)):
        target = page_url("queue.show", request.args.get("cursor"), department=department)
        return redirect(target + BULK_REFUSED_AT, code=303)
    return _page(department, posted, error, field), status
