"""The `requests` blueprint: My requests, one request's page, department queues, drafts.

Every page needs a signed-in user (visitors are sent to the sign-in page).
What a reader may do on a request page comes from `webapp.requests.presenters`;
each action is a small form that posts here, calls one `RequestService`
method and redirects back to the request (post/redirect/get). When the
service refuses a change for a reason the reader can fix (an empty reply, a
move the life cycle does not allow), the page is shown again with the
message and what they typed.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from kb.accounts.records import User
from kb.errors import ConflictError, NotFoundError, PermissionDenied, ValidationError
from kb.records import Status
from kb.requests.ledger import StaleRequestError
from kb.requests.lifecycle import RequestStatus
from kb.requests.paging import Paging
from kb.settings import Settings
from webapp import services
from webapp.auth.identity import require_user
from webapp.departments import department_name
from webapp.errors import message_for
from webapp.i18n import current_language, gettext
from webapp.inputs import checks_own_form, digits, refuse_nul_in, too_long
from webapp.requests import presenters, template_helpers
from webapp.requests.files import download, uploads
from webapp.requests.forms import MAX_TEXT_CHARS
from webapp.requests.listing import MINE_PAGE, cursor_arg, page_links
from webapp.requests.page import page_of, similar_article
from webapp.requests.presenters import department_choices
from webapp.requests.stale import STALE_STATUS, refuse_stale, stale_message
from webapp.services import content_root, request_service, writable_content_root
from webapp.throttle import REPLY, RateLimited, limit_account

bp = Blueprint("requests", __name__, url_prefix="/requests")

STATUS_FILTERS = ("open", *(s.value for s in RequestStatus))


template_helpers.register(bp)


def _text(name: str) -> str:
    value = (request.form.get(name) or "").strip()
    if len(value) > MAX_TEXT_CHARS:
        raise too_long(name, len(value), MAX_TEXT_CHARS)
    return value


@bp.get("/")
def mine() -> str:
    """The signed-in user's own requests, newest first, a page at a time."""
    actor = require_user()
    service = request_service()
    page = service.page_mine(actor, Paging(MINE_PAGE, cursor=cursor_arg()))
    progress = service.progress_of(actor, [item for item in page.items if item.workflow])
    rows = [(item, progress.get(item.id or 0)) for item in page.items]
    following, first_page = page_links(page, "requests.mine")
    return render_template(
        "requests/mine.html", rows=rows, page=page, following=following, first_page=first_page
    )


def _render_detail(
    actor: User,
    request_id: int,
    error: str = "",
    posted: dict[str, Any] | None = None,
    failed: str = "",
    failed_field: str = "",
) -> str:
    """The request page; with `error`, the action `failed` (its view's name) is refused
    and its form shows the message, what was `posted` and the `failed_field` marked."""
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
        req=page.request,
        similar=similar,
    )


@bp.get("/<int:request_id>")
def show(request_id: int) -> str:
    return _render_detail(require_user(), request_id)


def _act(
    request_id: int,
    action: Callable[[User], Any],
    done: str = "",
    anchor: str = "",
    versioned: bool = True,
) -> Response | tuple[str, int]:
    """Run one change; back to the request page with a note (the message key `done`),
    or the page again with the error and what was typed. A `versioned` form must
    carry the version its page showed (`webapp.requests.stale`)."""
    actor = require_user()
    try:
        refuse_nul_in(request.form)  # here, not before the view: the page keeps the text
        if versioned:
            refuse_stale(request_service(), actor, request_id)
        action(actor)
    except StaleRequestError:
        return _again(actor, request_id, stale_message(request_id), STALE_STATUS)
    except (ValidationError, ConflictError, NotFoundError, PermissionDenied, RateLimited) as exc:
        if exc.status in (403, 404) and exc.details.get("field") not in request.form:
            raise  # this request itself: no page to show again
        field = str(exc.details.get("field") or "")
        return _again(actor, request_id, message_for(exc, current_language()), exc.status, field)
    if done:
        flash(gettext(done), "success")
    return redirect(url_for("requests.show", request_id=request_id) + anchor, code=303)


def _again(
    actor: User, request_id: int, error: str, status: int, field: str = ""
) -> tuple[str, int]:
    """The request page again: the posting form with `error`, what was typed and
    the refused `field` marked."""
    failed = (request.endpoint or "").rsplit(".", 1)[-1]
    page = _render_detail(actor, request_id, error, request.form.to_dict(), failed, field)
    return page, status


@bp.post("/<int:request_id>/comment")
@checks_own_form
def comment(request_id: int) -> Response | tuple[str, int]:
    """A reply or an internal note, with the files chosen (or files alone)."""
    internal = request.form.get("internal") == "1"
    files = uploads()

    def reply(actor: User) -> None:
        limit_account(REPLY, actor.username)
        if files:
            request_service().attach(actor, request_id, files, _text("text"), internal)
        else:
            request_service().comment(
                actor, request_id, _text("text"), visible_to_requester=not internal
            )

    done = "files_attached" if files and not _text("text") else None
    return _act(
        request_id, reply, done or ("note_added" if internal else "reply_sent"), "#conversation"
    )


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
        request_service().rate(actor, request_id, score, _text("comment"))

    return _act(request_id, rating, "rating_thanks", "#rating")


@bp.post("/<int:request_id>/watchers")
@checks_own_form
def watch(request_id: int) -> Response | tuple[str, int]:
    name = _text("username") or None
    return _act(
        request_id,
        lambda actor: request_service().watch(actor, request_id, name),
        "watch_added",
        "#watchers",
        versioned=False,
    )


@bp.post("/<int:request_id>/watchers/remove")
@checks_own_form
def unwatch(request_id: int) -> Response | tuple[str, int]:
    name = _text("username") or None
    return _act(
        request_id,
        lambda actor: request_service().unwatch(actor, request_id, name),
        "watch_removed",
        "#watchers",
        versioned=False,
    )


@bp.post("/<int:request_id>/merge")
@checks_own_form
def merge(request_id: int) -> Response | tuple[str, int]:
    raw = _text("into")

    def merged(actor: User) -> None:
        into = digits(raw, "into")
        if into is None:
            raise ValidationError(
                f"into: give the number of the request to merge into, got {raw!r}",
                details={"field": "into", "value": raw},
                key="merge_number",
            )
        request_service().merge(actor, request_id, into, _text("note"))

    return _act(request_id, merged, "merged_done")


@bp.post("/<int:request_id>/status")
@checks_own_form
def status(request_id: int) -> Response | tuple[str, int]:
    return _act(
        request_id,
        lambda actor: request_service().transition(
            actor, request_id, _text("status"), _text("note")
        ),
        "status_changed",
    )


@bp.post("/<int:request_id>/assign")
@checks_own_form
def assign(request_id: int) -> Response | tuple[str, int]:
    return _act(
        request_id,
        lambda actor: request_service().assign(actor, request_id, _text("assignee") or None),
        "assignee_changed",
    )


@bp.post("/<int:request_id>/assign-me")
@checks_own_form
def assign_me(request_id: int) -> Response | tuple[str, int]:
    """The signed-in agent takes the request: the checks of assigning them by name."""
    return _act(
        request_id,
        lambda actor: request_service().assign(actor, request_id, actor.username),
        "assignee_changed",
    )


@bp.post("/<int:request_id>/reassign")
@checks_own_form
def reassign(request_id: int) -> Response | tuple[str, int]:
    """Move it to another department; an agent who may no longer see it goes back to
    the queue it left, told where it went (its page would only say "not found")."""
    left: list[str] = []

    def move(actor: User) -> None:
        before = request_service().get(actor, request_id).department
        moved = request_service().reassign(actor, request_id, _text("department"), _text("reason"))
        try:
            request_service().get(actor, request_id)
        except NotFoundError:
            left.append(before)
            flash(
                gettext(
                    "reassigned_away", id=request_id, department=department_name(moved.department)
                ),
                "success",
            )
        else:
            flash(gettext("reassigned"), "success")

    response = _act(request_id, move)
    if left:
        return redirect(url_for("queue.show", department=left[0]), code=303)
    return response


@bp.post("/<int:request_id>/resolve")
@checks_own_form
def resolve(request_id: int) -> Response | tuple[str, int]:
    return _act(
        request_id,
        lambda actor: request_service().resolve(actor, request_id, _text("resolution")),
        "resolved",
    )


@bp.post("/<int:request_id>/tasks/<int:task_id>/done")
@checks_own_form
def complete_task(request_id: int, task_id: int) -> Response | tuple[str, int]:
    return _act(
        request_id,
        lambda actor: request_service().complete_task(actor, request_id, task_id, _text("note")),
        "task_done",
        "#tasks",
    )


@bp.post("/<int:request_id>/article")
@checks_own_form
def draft_article(request_id: int) -> Response | tuple[str, int]:
    def draft(actor: User) -> None:
        root = writable_content_root()
        existing = request_service().existing_draft(actor, request_id, root)
        if existing is not None:  # a second click or a stale page: no copy
            flash(gettext("article_draft_exists", article=existing), "info")
            return
        path = request_service().draft_article(actor, request_id, root)
        flash(gettext("article_drafted", article=path.relative_to(root).as_posix()), "success")

    return _act(request_id, draft, anchor="#articles", versioned=False)


@bp.post("/<int:request_id>/article/append")
@checks_own_form
def append_to_article(request_id: int) -> Response | tuple[str, int]:
    """Add the resolution to an existing article instead of drafting a new one."""
    article_id = _text("article")

    def append(actor: User) -> None:
        from kb.authoring.from_request import draft_text

        service = request_service()
        request_ = service.get(actor, request_id)
        parts = draft_text(
            request_.query,
            request_.resolution or "",
            (),
            [request_.requester, request_.assignee or ""],
            request_.description,
        )
        if not parts.body:
            raise ConflictError(
                "the resolution has nothing general to add to an article", key="nothing_general"
            )
        services.authoring().append_section(
            actor, article_id, parts.title, parts.body, f"answer of request {request_id}"
        )
        service.link_article(actor, request_id, article_id)
        flash(gettext("article_appended", article=article_id), "success")

    return _act(request_id, append, anchor="#articles", versioned=False)


@bp.post("/<int:request_id>/publish")
@checks_own_form
def publish_article(request_id: int) -> Response | tuple[str, int]:
    article_id = _text("article")

    def publish(actor: User) -> None:
        service = request_service()
        if article_id not in service.get(actor, request_id).linked_articles:
            raise ValidationError(
                f"article: {article_id!r} is not linked to request {request_id}",
                details={"field": "article", "value": article_id},
                key="not_linked",
                values={"value": article_id, "id": request_id},
            )
        # Through the authoring service: a version with its author, the
        # four-eyes rule, and the index worker make it searchable in seconds.
        services.authoring().set_status(
            actor,
            article_id,
            Status.PUBLISHED,
            base_version=None,
            message=f"published from request {request_id}",
        )
        service.record_published(actor, request_id, article_id)

    done = publish_done(services.services().settings)
    return _act(request_id, publish, done, "#articles", versioned=False)


def publish_done(settings: Settings) -> str:
    """The note after publishing: searchable within seconds where this process's
    index worker indexes it (`index_on_change` = worker), else after `kb index`."""
    return "publish_done_now" if settings.index_on_change == "worker" else "publish_done"


@bp.get("/drafts/")
def drafts() -> str:
    """Drafts waiting to be published, a page at a time (newest requests first)."""
    actor = require_user()
    page = presenters.drafts_to_publish(request_service(), actor, content_root(), cursor_arg())
    following, first_page = page_links(page, "requests.drafts")
    return render_template(
        "requests/drafts.html", found=page.items, following=following, first_page=first_page
    )
