"""The `requests_api` blueprint: requests in the JSON API.

    POST  /api/requests                file a request (Idempotency-Key header)
    GET   /api/requests?mine=1         the caller's requests
    GET   /api/requests?department=it  a department's queue (its agents)
    GET   /api/requests/<id>           one request with its history and tasks
    POST  /api/requests/<id>/comments  a reply, or an internal note (agents)
                                       (Idempotency-Key header: a retry is answered once)
    POST  /api/requests/<id>/article   turn a resolved request into a draft article
    POST  /api/requests/<id>/article/append  add the resolution to an existing article
    PATCH /api/requests/<id>           reassign, assign, change status, resolve
                                       (all or nothing; If-Match: the ETag of GET)
    POST  /api/requests/<id>/attachments          attach files (multipart), with a reply or not
    GET   /api/requests/<id>/attachments          the attachments the caller may see
    GET   /api/requests/<id>/attachments/<aid>    one file, always as a download

Every call needs a signed-in user (401 otherwise); what they may do is the
service's check (403). Calls that change something and carry the session
cookie need the `X-CSRF-Token` header (see `webapp.auth.csrf`; `GET /api/me`
gives it). Errors come in
the one shape of `webapp.errors`; everything is described in
`webapp.openapi.requests`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar
from urllib.parse import urlencode

from flask import Blueprint, jsonify, request
from werkzeug.wrappers import Response

from kb.accounts.records import MAX_USERNAME_CHARS
from kb.errors import ValidationError
from kb.requests.ledger import StaleRequestError
from kb.requests.lifecycle import RequestStatus
from kb.requests.paging import Page, Paging
from kb.requests.rating import checked_rating
from kb.store.replays import KeptAnswer
from webapp import services
from webapp.ask.form_token import MAX_SERVED_CHARS, with_served_suggestions
from webapp.ask.suggestion import routed
from webapp.auth.identity import require_user
from webapp.i18n import current_language
from webapp.inputs import MAX_INT, form_flag, int_arg, int_field, text_field, too_long
from webapp.json_body import json_object
from webapp.preconditions import if_match_version
from webapp.requests import files, presenters
from webapp.requests.files import file_with_attachments, first_filing, uploads
from webapp.requests.forms import (
    IDEMPOTENCY_HEADER,
    MAX_TEXT_CHARS,
    bulk_choice_from_json,
    comment_from_json,
    patch_from_json,
    submission_from_json,
)
from webapp.requests.replays import answered_once, files_call, json_call, kept_ids
from webapp.requests.requester_limit import limit_requester_change
from webapp.search.search_refs import MAX_REF_CHARS
from webapp.services import request_service, writable_content_root
from webapp.throttle import REPLY, limit_account

bp = Blueprint("requests_api", __name__, url_prefix="/api")

T = TypeVar("T")
LIST_LIMIT = 500  # the most requests one page of a listing holds, and the default
MAX_CURSOR_CHARS = 200  # a cursor this app gives out is about 120 characters


@bp.post("/requests")
def create() -> tuple[Response, int]:
    actor = require_user()
    settings = services.services().settings
    data = json_object()
    submission = submission_from_json(
        data,
        request.headers.get(IDEMPOTENCY_HEADER),
        settings.max_query_chars,
        current_language(),
    )
    # `suggestions_shown` is the server's to say: true only with the proof an
    # ask search gave the filer for the search this request names
    # (`suggestions_token`), whatever the body says.
    token = text_field(data, "suggestions_token", required=False, max_chars=MAX_SERVED_CHARS)
    search_ref = text_field(data, "search_ref", required=False, max_chars=MAX_REF_CHARS)
    submission = with_served_suggestions(submission, token, actor, search_ref or "")
    # No department named: routed as the question's search would be (triage
    # when unsure, or when no search can run now). A retry (a key already filed)
    # searches nothing: `submit` answers it with the request first filed.
    if first_filing(actor, submission.idempotency_key):
        submission = routed(submission)
    created = file_with_attachments(actor, submission, [], search_ref)
    response = jsonify(presenters.request_json(created))
    response.headers["Location"] = f"/api/requests/{created.id}"
    return response, 201


def _statuses(raw: list[str]) -> list[RequestStatus] | None:
    if not raw:
        return None
    known = [s.value for s in RequestStatus]
    wanted = []
    for value in raw:
        if value not in known:
            raise ValidationError(
                f"status: must be one of {', '.join(known)}, got {value!r}",
                details={"field": "status", "value": value, "known": known},
                key="not_one_of",
                values={"known": ", ".join(known)},
            )
        wanted.append(RequestStatus(value))
    return wanted


@bp.get("/requests")
def listing() -> Response:
    actor = require_user()
    service = request_service()
    department = (request.args.get("department") or "").strip()
    mine = request.args.get("mine", "")
    statuses = _statuses(request.args.getlist("status"))
    flag = request.args.get("overdue", "")
    if flag not in ("", "1", "true", "0", "false"):
        raise ValidationError(
            f"overdue: send overdue=1 (only overdue requests) or leave it out, got {flag[:40]!r}",
            details={"field": "overdue", "value": flag[:40]},
            key="overdue_flag",
        )
    if department and mine in ("1", "true"):
        raise ValidationError(
            "ask for mine=1 or for a department, not both",
            details={"field": "department"},
            key="mine_or_department",
        )
    paging = _paging()
    if department:
        overdue = flag in ("1", "true")
        page = service.queue_page(actor, department, paging, status=statuses, overdue=overdue)
        return jsonify(
            {"department": department, **_page_json(page, paging, presenters.queue_item_json)}
        )
    if mine not in ("", "1", "true"):
        raise ValidationError(
            f"mine: send mine=1 (your requests) or department=SLUG (a queue), got {mine!r}",
            details={"field": "mine", "value": mine},
            key="mine_flag",
        )
    found = service.page_mine(actor, paging, status=statuses)
    return jsonify(_page_json(found, paging, presenters.own_request_json))


def _paging() -> Paging:
    """The page a listing asks for: `limit`, and `offset` or `cursor`."""
    size = int_arg(request.args, "limit", LIST_LIMIT, 1, LIST_LIMIT)
    offset = int_arg(request.args, "offset", 0, 0, MAX_INT)
    cursor = request.args.get("cursor") or None
    if cursor is not None and len(cursor) > MAX_CURSOR_CHARS:
        raise too_long("cursor", len(cursor), MAX_CURSOR_CHARS)
    return Paging(size, offset, cursor)


def _page_json(
    page: Page[T], paging: Paging, present: Callable[[T], dict[str, Any]]
) -> dict[str, Any]:
    """One page of a listing with the total, where it lies, and how to get the
    next one: `next` (a URL, by offset, or by cursor when this page was asked
    for by cursor) and `next_cursor` (None on the last page)."""
    following = None
    cursor = None if page.next_key is None else page.next_key.encode()
    if page.more:
        args = request.args.to_dict(flat=False)
        if paging.cursor is None:
            args["offset"] = [str(page.offset + len(page.items))]
        elif cursor is not None:
            args["cursor"] = [cursor]
        following = f"{request.path}?{urlencode(args, doseq=True)}"
    return {
        "requests": [present(item) for item in page.items],
        "total": page.total,
        "limit": paging.limit,
        "offset": page.offset,
        "truncated": page.more,
        "next": following,
        "next_cursor": cursor,
    }


def _detail(request_id: int) -> Response:
    actor = require_user()
    detail = request_service().detail(actor, request_id)
    return _with_etag(jsonify(presenters.detail_json(detail)), detail.request.version)


def _with_etag(response: Response, version: int) -> Response:
    """The request's version as its ETag, for `If-Match` on PATCH."""
    response.headers["ETag"] = f'"{version}"'
    return response


@bp.get("/requests/<int:request_id>")
def show(request_id: int) -> Response:
    return _detail(request_id)


@bp.post("/requests/<int:request_id>/comments")
def comment(request_id: int) -> Response:
    """A reply or an internal note; sent again with the same Idempotency-Key, the
    first answer again (`webapp.requests.replays`)."""
    actor = require_user()
    data = json_object()

    def post() -> Response:
        limit_account(REPLY, actor.username)
        comment_from_json(data).add(request_service(), actor, request_id)
        answer = _detail(request_id)
        answer.status_code = 201
        return answer

    return answered_once(actor, json_call(data), post, lambda kept: _detail(request_id))


@bp.post("/requests/<int:request_id>/attachments")
def attach(request_id: int) -> Response:
    """Files as multipart/form-data (`file`, repeatable), with an optional reply
    (`text`) and `internal=1` for an internal note (agents); an Idempotency-Key
    as for comments."""
    actor = require_user()
    files = uploads()
    text = text_field(request.form, "text", required=False, max_chars=MAX_TEXT_CHARS)
    internal = form_flag(request.form, "internal")

    def post() -> Response:
        limit_account(REPLY, actor.username)
        stored = request_service().attach(actor, request_id, files, text, internal)
        answer = jsonify({"attachments": [presenters.attachment_json(a) for a in stored]})
        answer.status_code = 201
        return answer

    def again(kept: KeptAnswer) -> Response:
        # The files the first call stored, as far as the caller may see them now.
        stored = kept_ids(kept, "attachments")
        readable = request_service().attachments(actor, request_id)
        shown = [presenters.attachment_json(a) for a in readable if a.id in stored]
        return jsonify({"attachments": shown})

    sent = files_call({"text": text, "internal": internal}, files)
    return answered_once(actor, sent, post, again, keep_body=True)


@bp.get("/requests/<int:request_id>/attachments")
def attachments(request_id: int) -> Response:
    found = request_service().attachments(require_user(), request_id)
    return jsonify({"attachments": [presenters.attachment_json(a) for a in found]})


@bp.get("/requests/<int:request_id>/attachments/<int:attachment_id>")
def download(request_id: int, attachment_id: int) -> Response:
    found, data = request_service().open_attachment(require_user(), request_id, attachment_id)
    return files.download(found, data)


@bp.post("/requests/<int:request_id>/rating")
def rate(request_id: int) -> Response:
    """`{"rating": 1-5, "comment": "…"}`: the requester rates the answer."""
    data = json_object("rating", "comment")
    stars, comment = checked_rating(
        data.get("rating"), text_field(data, "comment", required=False, max_chars=MAX_TEXT_CHARS)
    )
    actor = require_user()
    limit_requester_change(actor, request_id)
    rated = request_service().rate(actor, request_id, stars, comment)
    return jsonify(presenters.request_json(rated))


@bp.post("/requests/<int:request_id>/watchers")
def watch(request_id: int) -> Response:
    """`{"username": "…"}` (default: the caller) starts watching the request."""
    data = json_object("username")
    name = text_field(data, "username", required=False, max_chars=MAX_USERNAME_CHARS) or None
    return jsonify(
        presenters.request_json(request_service().watch(require_user(), request_id, name))
    )


@bp.delete("/requests/<int:request_id>/watchers/<username>")
def unwatch(request_id: int, username: str) -> Response:
    if len(username) > MAX_USERNAME_CHARS:  # no account has such a name: not echoed back
        raise too_long("username", len(username), MAX_USERNAME_CHARS)
    changed = request_service().unwatch(require_user(), request_id, username)
    return jsonify(presenters.request_json(changed))


@bp.post("/requests/<int:request_id>/merge")
def merge(request_id: int) -> Response:
    """`{"into": <id>, "note": "…"}`: merge this request (a duplicate) into another."""
    data = json_object("into", "note")
    into = int_field(data, "into", minimum=1)
    assert into is not None
    note = text_field(data, "note", required=False, max_chars=MAX_TEXT_CHARS)
    merged = request_service().merge(require_user(), request_id, into, note)
    return jsonify(presenters.request_json(merged))


@bp.get("/requests/<int:request_id>/canned-replies")
def canned_replies(request_id: int) -> Response:
    """Each reply with its `department` and `ref` (`department/id`): the request's
    department and a task's may each have a reply of the same `id`."""
    found = request_service().canned_replies(require_user(), request_id, current_language())
    return jsonify({"replies": [presenters.canned_json(c) for c in found]})


@bp.post("/requests/<int:request_id>/article")
def draft_article(request_id: int) -> Response:
    """Turn the resolved request into a draft article ("Turn into an article"):
    201 with the draft written, 200 with the unpublished draft written from it
    before (nothing is written). `If-Match` names the request's version whose
    answer it is: 412 when it changed since, unless that change was its draft."""
    actor = require_user()
    service = request_service()
    service.get(actor, request_id)  # first: a 404 to who may not see it, not a 400
    version = if_match_version(request.headers.get("If-Match"))
    root = writable_content_root()
    if version is not None and service.existing_draft(actor, request_id, root) is None:
        current = service.get(actor, request_id).version
        if current != version:
            raise StaleRequestError(request_id, version, current)
    drafted = service.articles.draft(actor, request_id, root)
    changed = service.get(actor, request_id)
    body = {
        "article": drafted.article_id,
        "created": drafted.created,
        "request": presenters.request_json(changed),
    }
    answer = _with_etag(jsonify(body), changed.version)
    answer.status_code = 201 if drafted.created else 200
    return answer


@bp.post("/requests/<int:request_id>/article/append")
def add_to_article(request_id: int) -> Response:
    """`{"article": "it/vpn.md"}`: add the resolution to that existing article and
    link it to the request ("Add to" on the request page); `If-Match` names the
    request's version whose resolution it is. Already linked: nothing is added."""
    actor = require_user()
    article_id = text_field(json_object("article"), "article")
    service = request_service()
    service.get(actor, request_id)  # first: a 404 to who may not see it, not a 400
    version = if_match_version(request.headers.get("If-Match"))
    service.articles.add_to_article(actor, request_id, article_id, services.authoring(), version)
    changed = service.get(actor, request_id)
    return _with_etag(jsonify(presenters.request_json(changed)), changed.version)


@bp.post("/requests/bulk")
def bulk() -> Response:
    """`{"ids": [...], "assignee": "…"|null, "status": "…", "note": "…"}`: each request
    changed on its own; one result per request. An item of `ids` may be
    `{"id": 7, "version": 3}`: request 7 is changed only while still at version 3
    (else its result is `stale_version`, and the others go on)."""
    data = json_object("ids", "assignee", "status", "note")
    chosen = bulk_choice_from_json(data.get("ids"))
    lang = current_language()
    results = request_service().bulk(
        require_user(),
        chosen.ids,
        assign="assignee" in data,
        assignee=text_field(data, "assignee", required=False, max_chars=254) or None,
        status=text_field(data, "status", required=False, max_chars=40) or None,
        note=text_field(data, "note", required=False, max_chars=MAX_TEXT_CHARS),
        versions=chosen.versions,
    )
    return jsonify({"results": [presenters.bulk_json(r, lang) for r in results]})


@bp.patch("/requests/<int:request_id>")
def change(request_id: int) -> Response:
    actor = require_user()
    # The request itself, not its detail: after a reassignment the caller may no
    # longer see the history.
    wanted = patch_from_json(json_object(), request.headers.get("If-Match"))
    limit_requester_change(actor, request_id)
    changed = wanted.apply(request_service(), actor, request_id)
    return _with_etag(jsonify(presenters.request_json(changed)), changed.version)
