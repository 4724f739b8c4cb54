"""The `requests` blueprint: My requests, one request's page and its forms.

Every page needs a signed-in user (visitors are sent to the sign-in page), but
the page a watcher's mail links to (`webapp.requests.leaving`).
What a reader may do on a request page comes from `webapp.requests.presenters`;
each action is a small form that posts here and calls one `RequestService`
method, answered by `webapp.requests.acting` (back to the request, where a
refusal shows once with what was typed). The article forms and the
drafts page are in `webapp.requests.articles`; department queues are the
`queue` blueprint.
"""

from __future__ import annotations

from collections.abc import Callable

from flask import Blueprint, flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from kb.accounts.records import User
from kb.errors import NotFoundError, ValidationError
from kb.requests.paging import Paging
from kb.requests.task_holders import Seen
from webapp.auth.identity import require_user
from webapp.departments import department_name
from webapp.i18n import gettext
from webapp.inputs import digits, form_flag
from webapp.request_checks import checks_own_form
from webapp.requests import articles, draft_texts, form_tokens, leaving, template_helpers
from webapp.requests.acting import OUTCOME_ANCHOR, act, form_text, render_detail
from webapp.requests.files import download, uploads
from webapp.requests.listing import MINE_PAGE, cursor_arg, own_rows, page_links
from webapp.requests.requester_limit import limit_requester_change
from webapp.services import request_service
from webapp.throttle import REPLY, limit_account

bp = Blueprint("requests", __name__, url_prefix="/requests")


template_helpers.register(bp)
articles.register(bp)
leaving.register(bp)  # the one page here a visitor may open: a watcher's mail link
draft_texts.register(bp)


@bp.get("/")
def mine() -> str:
    """The signed-in user's own requests, newest first, a page at a time."""
    actor = require_user()
    page, rows = own_rows(request_service(), actor, Paging(MINE_PAGE, cursor=cursor_arg()))
    following, first_page = page_links(page, "requests.mine")
    return render_template(
        "requests/mine.html", rows=rows, page=page, following=following, first_page=first_page
    )


@bp.get("/<int:request_id>")
def show(request_id: int) -> str:
    return render_detail(require_user(), request_id)


@bp.post("/<int:request_id>/comment")
@checks_own_form
def comment(request_id: int) -> Response | tuple[str, int]:
    """A reply or an internal note, with the files chosen (or files alone)."""
    internal = request.form.get("internal") in ("1", "true")
    files = uploads()
    typed = (request.form.get("text") or "").strip()  # checked by form_text, in the action
    done = "files_attached" if files and not typed else None
    done = done or ("note_added" if internal else "reply_sent")

    def send(made: Callable[[], None]) -> Response | tuple[str, int]:
        def reply(actor: User) -> None:
            # Anything but yes or no (`on`, `True`) is refused with what was typed
            # kept, never read as a reply: the note would go to the requester.
            form_flag(request.form, "internal")
            limit_account(REPLY, actor.username)
            text = form_text("text")
            if files:
                request_service().attach(actor, request_id, files, text, internal)
            else:
                request_service().comment(
                    actor, request_id, text, visible_to_requester=not internal
                )
            made()

        return act(request_id, reply, done, "#conversation")

    sent = {"text": typed, "internal": str(internal)}
    return form_tokens.posted_once(require_user(), (sent, files), done, send)


@bp.get("/<int:request_id>/attachments/<int:attachment_id>")
def attachment(request_id: int, attachment_id: int) -> Response:
    """An attached file, always as a download (see `webapp.requests.files`)."""
    found, data = request_service().open_attachment(require_user(), request_id, attachment_id)
    return download(found, data)


@bp.post("/<int:request_id>/rating")
@checks_own_form
def rate(request_id: int) -> Response | tuple[str, int]:
    raw = (request.form.get("rating") or "").strip()

    def rating(actor: User) -> None:
        score = digits(raw, "rating") or 0
        limit_requester_change(actor, request_id)
        request_service().rate(actor, request_id, score, form_text("comment"))

    return act(request_id, rating, "rating_thanks")


@bp.post("/<int:request_id>/watchers")
@checks_own_form
def watch(request_id: int) -> Response | tuple[str, int]:
    name = form_text("username") or None
    return act(
        request_id,
        lambda actor: request_service().watch(actor, request_id, name),
        "watch_added",
        "#watchers",
        versioned=False,
    )


@bp.post("/<int:request_id>/watchers/remove")
@checks_own_form
def unwatch(request_id: int) -> Response | tuple[str, int]:
    """Stop watching (or take someone off); a watcher who took themselves off and
    may no longer read the request lands on My requests, not on a "not found"."""
    name = form_text("username") or None
    gone: list[bool] = []

    def stop(actor: User) -> None:
        request_service().unwatch(actor, request_id, name)
        try:
            request_service().get(actor, request_id)
        except NotFoundError:
            gone.append(True)

    response = act(request_id, stop, "watch_removed", "#watchers", versioned=False)
    if gone:
        return redirect(url_for("requests.mine") + OUTCOME_ANCHOR, code=303)
    return response


@bp.post("/<int:request_id>/merge")
@checks_own_form
def merge(request_id: int) -> Response | tuple[str, int]:
    raw = form_text("into")

    def merged(actor: User) -> None:
        into = digits(raw, "into")
        if into is None:
            raise ValidationError(
                f"into: give the number of the request to merge into, got {raw!r}",
                details={"field": "into", "value": raw},
                key="merge_number",
            )
        request_service().merge(actor, request_id, into, form_text("note"))

    return act(request_id, merged, "merged_done")


@bp.post("/<int:request_id>/status")
@checks_own_form
def status(request_id: int) -> Response | tuple[str, int]:
    def move(actor: User) -> None:
        status, note = form_text("status"), form_text("note")
        limit_requester_change(actor, request_id)
        request_service().transition(actor, request_id, status, note)

    return act(request_id, move, "status_changed")


@bp.post("/<int:request_id>/assign")
@checks_own_form
def assign(request_id: int) -> Response | tuple[str, int]:
    return act(
        request_id,
        lambda actor: request_service().assign(actor, request_id, form_text("assignee") or None),
        "assignee_changed",
    )


@bp.post("/<int:request_id>/assign-me")
@checks_own_form
def assign_me(request_id: int) -> Response | tuple[str, int]:
    """The signed-in agent takes the request: the checks of assigning them by name."""
    return act(
        request_id,
        lambda actor: request_service().assign(actor, request_id, actor.username),
        "assignee_changed",
    )


@bp.post("/<int:request_id>/reassign")
@checks_own_form
def reassign(request_id: int) -> Response | tuple[str, int]:
    """Move it to another department, then to the top of the page with a note
    naming where it went; an agent who may no longer see it goes back to the
    queue it left (its page would only say "not found"). The form posts to its
    own anchor, which a browser keeps on a redirect without one: the redirect
    names the note (`#outcome`), since the page reached after a move may not
    show the form. A refused move comes back at the form with its error."""
    left: list[str] = []

    def move(actor: User) -> None:
        before = request_service().get(actor, request_id).department
        moved = request_service().reassign(
            actor, request_id, form_text("department"), form_text("reason")
        )
        where = department_name(moved.department)
        flash(gettext("reassigned", id=request_id, department=where), "success")
        try:
            request_service().get(actor, request_id)
        except NotFoundError:
            left.append(before)

    response = act(request_id, move, anchor=OUTCOME_ANCHOR)
    if left:
        return redirect(url_for("queue.show", department=left[0]) + OUTCOME_ANCHOR, code=303)
    return response


@bp.post("/<int:request_id>/resolve")
@checks_own_form
def resolve(request_id: int) -> Response | tuple[str, int]:
    return act(
        request_id,
        lambda actor: request_service().resolve(actor, request_id, form_text("resolution")),
        "resolved",
    )


def _seen_holder() -> Seen | None:
    """The holder the page showed on the task (its forms send `from`; empty: nobody)."""
    if "from" not in request.form:
        return None
    return Seen(form_text("from") or None)


@bp.post("/<int:request_id>/tasks/<int:task_id>/take")
@checks_own_form
def take_task(request_id: int, task_id: int) -> Response | tuple[str, int]:
    return act(
        request_id,
        lambda actor: request_service().holders.take_task(
            actor, request_id, task_id, _seen_holder()
        ),
        "task_taken",
        "#tasks",
    )


@bp.post("/<int:request_id>/tasks/<int:task_id>/release")
@checks_own_form
def release_task(request_id: int, task_id: int) -> Response | tuple[str, int]:
    """Nobody holds the task any more: any agent of its department may take it."""
    return act(
        request_id,
        lambda actor: request_service().holders.release_task(
            actor, request_id, task_id, _seen_holder()
        ),
        "task_released",
        "#tasks",
    )


@bp.post("/<int:request_id>/tasks/<int:task_id>/hand-over")
@checks_own_form
def hand_over_task(request_id: int, task_id: int) -> Response | tuple[str, int]:
    """Give the task to another agent of its department (`assignee`)."""
    return act(
        request_id,
        lambda actor: request_service().holders.hand_over_task(
            actor, request_id, task_id, form_text("assignee"), _seen_holder()
        ),
        "task_handed_over",
        "#tasks",
    )


@bp.post("/<int:request_id>/tasks/<int:task_id>/done")
@checks_own_form
def complete_task(request_id: int, task_id: int) -> Response | tuple[str, int]:
    return act(
        request_id,
        lambda actor: request_service().complete_task(
            actor, request_id, task_id, form_text("note")
        ),
        "task_completed",
        "#tasks",
    )
