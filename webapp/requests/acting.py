"""How a request page's form is answered: the change, then back to the page.

Each action on a request's page is a small form that posts to a view of
`webapp.requests.routes` or `webapp.requests.articles`; the view hands one
`RequestService` call to `act`, which runs it and redirects back to the
request (post/redirect/get). When the service refuses the change for a
reason the reader can fix (an empty reply, a move the life cycle does not
allow, a page older than the request), it redirects too, to the form that
was sent (`REFUSED_AT`), where the page shows the message once and what
they typed (`again`, carried by `webapp.requests.refused`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from kb.accounts.records import User
from kb.errors import ConflictError, NotFoundError, PermissionDenied, ValidationError
from kb.requests.ledger import StaleRequestError
from webapp.auth.identity import require_user
from webapp.auth.typed_fields import typed_fields
from webapp.errors import message_for
from webapp.i18n import current_language, gettext
from webapp.inputs import too_long
from webapp.request_checks import refuse_nul_in
from webapp.requests import refused
from webapp.requests.form_tokens import new_token
from webapp.requests.forms import MAX_TEXT_CHARS
from webapp.requests.page import page_of, similar_article
from webapp.requests.presenters import department_choices
from webapp.requests.stale import STALE_STATUS, refuse_stale, stale_message
from webapp.services import content_root, request_service
from webapp.throttle import RateLimited

# Where an action's answer lands unless it names a part of the page: the note
# saying what happened (base.html's flashes, focusable). A redirect must name
# a fragment: without one the browser keeps the posted form's (`#resolve-form`),
# which the page may no longer show once the change is made.
OUTCOME_ANCHOR = "#outcome"
# Where a refused form's redirect lands: the form that was sent (by its view's
# name). A form left out (the status form, posted from the requester's buttons
# at `#requester-actions` or from the agent's form at `#status-form`) gets a
# redirect without a fragment, and the browser keeps the one it posted to.
REFUSED_AT = {
    "comment": "#reply",
    "rate": "#rating",
    "resolve": "#resolve-form",
    "assign": "#assignment",
    "assign_me": "#assignment",
    "reassign": "#reassign-form",
    "merge": "#merge-form",
    "watch": "#watchers",
    "unwatch": "#watchers",
    "complete_task": "#tasks",
    "take_task": "#tasks",
    "release_task": "#tasks",
    "hand_over_task": "#tasks",
    "draft_article": "#articles",
    "append_to_article": "#articles",
    "publish_article": "#articles",
}


def form_text(name: str) -> str:
    """A text field of the posted form, trimmed; a 400 naming it when too long."""
    value = (request.form.get(name) or "").strip()
    if len(value) > MAX_TEXT_CHARS:
        raise too_long(name, len(value), MAX_TEXT_CHARS)
    return value


def render_detail(
    actor: User,
    request_id: int,
    error: str = "",
    posted: dict[str, Any] | None = None,
    failed: str = "",
    failed_field: str = "",
) -> str:
    """The request page; with `error` (or a refusal carried to it, `webapp.requests.
    refused`), the action `failed` (its view's name) is refused and its form shows
    the message, what was `posted` and the `failed_field` marked."""
    kept = refused.take(refused.request_place(request_id))
    if kept is not None and not error:
        error, posted, failed, failed_field = kept.error, kept.posted, kept.failed, kept.field
    chosen = (request.args.get("canned") or "").strip()
    page = page_of(
        request_service(), actor, request_id, department_choices(), content_root(), chosen
    )
    similar = similar_article(page) if page.can_draft else None
    return render_template(
        "requests/detail.html",
        page=page,
        error=error,
        posted=posted or {},
        failed=failed,
        failed_field=failed_field,
        unsent=unsent_text(failed, posted or {}) if error else [],
        req=page.request,
        similar=similar,
        once=new_token(),
    )


def unsent_text(failed: str, posted: dict[str, Any]) -> list[tuple[str, str]]:
    """(label, text) of what was typed into the refused form `failed`: shown,
    read-only, with a refusal whose form the page no longer holds."""
    lang = current_language()
    fields = typed_fields(f"requests.{failed}", lang)
    return [(label, str(posted[name])) for name, label in fields if str(posted.get(name) or "")]


def act(
    request_id: int,
    action: Callable[[User], Any],
    done: str = "",
    anchor: str = OUTCOME_ANCHOR,
    versioned: bool = True,
) -> Response | tuple[str, int]:
    """Run one change; back to the request page with a note (the message key `done`;
    the action flashes its own otherwise) at `anchor`, an element the page shows
    after the change, or the page again with the error and what was typed. A
    `versioned` form must carry the version its page showed (`webapp.requests.stale`)."""
    actor = require_user()
    try:
        refuse_nul_in(request.form)  # here, not before the view: the page keeps the text
        if versioned:
            refuse_stale(request_service(), actor, request_id)
        action(actor)
    except StaleRequestError:
        return again(actor, request_id, stale_message(request_id), STALE_STATUS)
    except (ValidationError, ConflictError, NotFoundError, PermissionDenied, RateLimited) as exc:
        if exc.status in (403, 404) and exc.details.get("field") not in request.form:
            raise  # this request itself: no page to show again
        field = str(exc.details.get("field") or "")
        return again(actor, request_id, message_for(exc, current_language()), exc.status, field)
    if done:
        flash(gettext(done), "success")
    return redirect(url_for("requests.show", request_id=request_id) + anchor, code=303)


def again(
    actor: User, request_id: int, error: str, status: int, field: str = ""
) -> Response | tuple[str, int]:
    """Back to the request page at the posting form, which shows `error`, what was
    typed and the refused `field` marked; the page itself at the form's address
    (with `status`) when what was typed is too long to carry (`refused.keep`)."""
    failed = (request.endpoint or "").rsplit(".", 1)[-1]
    posted = refused.typed(request.form)
    if refused.keep(
        refused.Refusal(refused.request_place(request_id), error, failed, field, posted)
    ):
        target = url_for("requests.show", request_id=request_id) + REFUSED_AT.get(failed, "")
        return redirect(target, code=303)
    page = render_detail(actor, request_id, error, request.form.to_dict(), failed, field)
    return page, status
