"""A pseudonymous id per browser, for the event log.

The first response to a browser sets a signed cookie holding a random id; the
event log records that id instead of any name, so searches of one visitor can
be told apart without knowing who they are. A cookie whose signature does not
verify is replaced by a fresh id. API clients that keep no cookies get a new id
on every call, which is fine: they are counted as separate visitors.
"""

from __future__ import annotations

import secrets

from flask import Flask, Response, current_app, g, request
from itsdangerous import BadSignature, URLSafeSerializer

COOKIE = "kb_uid"
_SALT = "kb-pseudonymous-user"
_MAX_AGE = 365 * 24 * 3600


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.secret_key or "", salt=_SALT)


def _read_cookie() -> str | None:
    raw = request.cookies.get(COOKIE)
    if not raw:
        return None
    try:
        value = _serializer().loads(raw)
    except BadSignature:
        return None
    return value if isinstance(value, str) and value else None


def user_id() -> str:
    """The pseudonymous id of the browser making the current request."""
    uid = g.get("kb_user_id")
    if uid is None:
        uid = _read_cookie()
        if uid is None:
            uid = secrets.token_urlsafe(12)
            g.kb_new_user_id = True
        g.kb_user_id = uid
    return str(uid)


def _set_cookie(response: Response) -> Response:
    if g.get("kb_new_user_id"):
        response.set_cookie(
            COOKIE,
            _serializer().dumps(g.kb_user_id),
            max_age=_MAX_AGE,
            httponly=True,
            samesite="Lax",
            secure=request.is_secure,
        )
    return response


def _assign_on_pages() -> None:
    # Pages hand out the id up front so that the browser's first search already
    # carries it; API calls only get one when they log something.
    if not request.path.startswith("/api/") and not request.path.startswith("/static/"):
        user_id()


def init_app(app: Flask) -> None:
    app.before_request(_assign_on_pages)
    app.after_request(_set_cookie)
