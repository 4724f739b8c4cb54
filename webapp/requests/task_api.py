"""The `task_api` blueprint: who holds a value-stream task, in the JSON API.

    POST /api/requests/<id>/tasks/<n>/take       the caller holds task n, in progress
    POST /api/requests/<id>/tasks/<n>/release    nobody holds it; open again
    POST /api/requests/<id>/tasks/<n>/hand-over  {"assignee": "…"}: another agent
                                                 of the task's department holds it
    POST /api/requests/<id>/tasks/<n>/done       {"note": "…"} or no body: the task
                                                 is done; the tasks waiting for it open

For agents of the task's department and admins (`kb.requests.task_holders`):
anyone else who may read the request gets 403, anyone who may not 404, as on
the rest of /api/requests. Each answers the request's detail, as
`GET /api/requests/<id>` does (with its ETag), where the task shows whom it
is held by now. Described in `webapp.openapi.request_tasks`.

Take, release and hand-over may send `{"from": "…"}` (null: nobody), the
holder the caller read: when the task has changed hands since, nothing is
changed and the answer is 409 (`details.reason` `holder_changed`).
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, jsonify, request
from werkzeug.wrappers import Response

from kb.accounts.records import MAX_USERNAME_CHARS, User
from kb.requests.task_holders import Seen
from webapp.auth.identity import require_user
from webapp.inputs import text_field
from webapp.json_body import json_object
from webapp.requests import presenters
from webapp.requests.forms import MAX_TEXT_CHARS
from webapp.services import request_service

bp = Blueprint("task_api", __name__, url_prefix="/api/requests")


def _detail(actor: User, request_id: int) -> Response:
    """The request as the caller reads it now, with its version as the ETag."""
    detail = request_service().detail(actor, request_id)
    response = jsonify(presenters.detail_json(detail))
    response.headers["ETag"] = f'"{detail.request.version}"'
    return response


def _body(*names: str) -> dict[str, Any]:
    """The JSON body's fields (no body at all: none)."""
    return json_object(*names) if request.get_data(cache=True) else {}


def _seen(data: dict[str, Any]) -> Seen | None:
    """The holder the caller read (`from`; null or empty: nobody), None when not sent."""
    if "from" not in data:
        return None
    return Seen(text_field(data, "from", required=False, max_chars=MAX_USERNAME_CHARS) or None)


@bp.post("/<int:request_id>/tasks/<int:task_id>/take")
def take(request_id: int, task_id: int) -> Response:
    actor = require_user()
    seen = _seen(_body("from"))
    request_service().holders.take_task(actor, request_id, task_id, seen)
    return _detail(actor, request_id)


@bp.post("/<int:request_id>/tasks/<int:task_id>/release")
def release(request_id: int, task_id: int) -> Response:
    actor = require_user()
    seen = _seen(_body("from"))
    request_service().holders.release_task(actor, request_id, task_id, seen)
    return _detail(actor, request_id)


@bp.post("/<int:request_id>/tasks/<int:task_id>/hand-over")
def hand_over(request_id: int, task_id: int) -> Response:
    """`{"assignee": "…", "from": "…"}`: an agent of the task's department, by
    username (and the holder the caller read, optional)."""
    actor = require_user()
    data = json_object("assignee", "from")
    name = text_field(data, "assignee", max_chars=MAX_USERNAME_CHARS)
    request_service().holders.hand_over_task(actor, request_id, task_id, name, _seen(data))
    return _detail(actor, request_id)


@bp.post("/<int:request_id>/tasks/<int:task_id>/done")
def done(request_id: int, task_id: int) -> Response:
    """`{"note": "…"}` (optional; no body at all is no note): the task is done, as
    the request page's form marks it (`RequestService.complete_task`)."""
    actor = require_user()
    data = _body("note")
    note = text_field(data, "note", required=False, max_chars=MAX_TEXT_CHARS)
    request_service().complete_task(actor, request_id, task_id, note.strip())
    return _detail(actor, request_id)
