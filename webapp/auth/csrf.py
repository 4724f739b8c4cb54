"""CSRF protection: one random token per session, checked on every change.

A per-session random token is put into every HTML form (`csrf_token` field)
and into a `<meta name="csrf-token">` for scripts. Every POST, PATCH, PUT or
DELETE from a signed-in user, or from a browser whose session holds a token,
must send it back: as the form field, or in the `X-CSRF-Token` header (JSON
API calls; `GET /api/me` tells API clients their token). Anonymous visitors
without a session have nothing to protect and need none; the Origin check of
`webapp.security` still applies to them. A page's form refused for its token is
answered by the page that says it was not sent and keeps what was typed
(`webapp.auth.drafts`).
"""

from __future__ import annotations

import hmac
import secrets

from flask import request, session
from werkzeug.wrappers import Response

from kb.errors import PermissionDenied
from webapp.auth import identity
from webapp.auth.drafts import form_not_sent, form_page
from webapp.errors import is_api_request

CSRF_FIELD = "csrf_token"
CSRF_HEADER = "X-CSRF-Token"
CSRF_KEY = "kb_csrf"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})


def csrf_token(create: bool = False) -> str:
    """The session's CSRF token ('' for a visitor without one, unless `create`)."""
    token = session.get(CSRF_KEY)
    if not isinstance(token, str) or not token:
        if not (create or identity.current_user() is not None):
            return ""
        token = new_csrf_token()
    return token


def new_csrf_token() -> str:
    """A fresh token for the session (at sign-in: nothing planted before survives)."""
    token = session[CSRF_KEY] = secrets.token_urlsafe(32)
    return token


def check_csrf() -> Response | None:
    """Refuse a state-changing call without the session's token (before every request)."""
    if request.method in SAFE_METHODS or request.path.startswith("/static/"):
        return None
    if request.routing_exception is not None:
        return None  # no view takes it (404, 405): it changes nothing, and says so
    expected = session.get(CSRF_KEY)
    if not expected and identity.current_user() is None:
        return None  # a visitor without a session: nothing a forged request could use
    sent = request.headers.get(CSRF_HEADER)
    if sent is None and not request.is_json:
        sent = request.form.get(CSRF_FIELD)
    # Compared as bytes: `compare_digest` refuses text outside ASCII with a TypeError.
    if (
        isinstance(expected, str)
        and sent
        and hmac.compare_digest(sent.encode("utf-8", "surrogatepass"), expected.encode("utf-8"))
    ):
        return None
    details = {"csrf": "missing" if not sent else "mismatch"}
    if is_api_request():
        raise PermissionDenied(
            f"this call needs the session's CSRF token in the {CSRF_HEADER} header; "
            "GET /api/me returns it",
            details=details,
            key="csrf_api",
            values={"header": CSRF_HEADER},
        )
    if request.mimetype in ("application/x-www-form-urlencoded", "multipart/form-data"):
        signed_in = identity.current_user() is not None
        return form_not_sent(reason="expired", back=form_page(), signed_in=signed_in, status=403)
    raise PermissionDenied(
        "This form has expired or did not come from this site. Please go back, reload the "
        "page and send it again.",
        details=details,
        key="csrf_page",
    )
