"""The version checks of the article API, shared by articles and documents.

A `PUT /api/articles/<id>` of something that exists names the version it is
based on in `If-Match`: without it 428 (`PreconditionRequired`), empty a 400
naming the header (`ARTICLE_IF_MATCH_ADVICE`); answers carry the new
version as their `ETag` (`with_etag`).
"""

from __future__ import annotations

from werkzeug.wrappers import Response

from kb.errors import KbError


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
