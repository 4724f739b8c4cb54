"""The version checks of the article API, shared by articles and documents.

A `PUT /api/articles/<id>` of something that exists names the version it is
based on in `If-Match`: without it 428 (`PreconditionRequired`), empty a 400
naming the header (`ARTICLE_IF_MATCH_ADVICE`); answers carry the new
version as their `ETag` (`with_etag`). A discard or a move names the version
it is based on in `If-Match` too, and gets 428 without it (`discard_base`).
"""

from __future__ import annotations

from flask import request
from werkzeug.wrappers import Response

from kb.accounts.records import User
from kb.authoring.files import id_parts
from kb.authoring.service import AuthoringService
from kb.errors import KbError
from webapp.preconditions import refuse_blank_if_match, refuse_weak_if_match, version_of


class PreconditionRequired(KbError):
    status = 428
    code = "precondition_required"


# What an empty If-Match is told (a 400, as on the requests API: never taken as absent).
ARTICLE_IF_MATCH_ADVICE = (
    'send the ETag you read (If-Match: "3"), or leave the header out and name the '
    "version in the body's `version`"
)


def with_etag(response: Response, version: int) -> Response:
    response.headers["ETag"] = f'"{version}"'
    response.headers["Cache-Control"] = "no-store"
    return response


def discard_base(service: AuthoringService, actor: User, article_id: str) -> int:
    """The version a discard or a move is based on, from If-Match (428 without
    it), once the caller is known to own the department (a 403 before anything
    else)."""
    header = request.headers.get("If-Match")
    refuse_blank_if_match(
        header, "restore_if_match_blank", 'send the ETag you read (If-Match: "3")'
    )
    refuse_weak_if_match(header)
    id_parts(article_id)
    service.require_owner(actor, service.department_of(article_id).slug)
    base = version_of(header, "If-Match")
    if base is None:
        raise PreconditionRequired(
            f"send the version {article_id} is at now in If-Match (its ETag, e.g. "
            'If-Match: "3") so that a change made meanwhile is not thrown away',
            details={"id": article_id},
            key="discard_if_match_needed",
            values={"id": article_id},
        )
    return base
