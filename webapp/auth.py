"""The `auth` blueprint: signing in and out, and the CSRF token of every form.

Sign-in (setting `auth_mode` = `local`) checks the username and password with
`kb.accounts.authenticate` and keeps the username in Flask's session cookie
(`kb_session`: signed, HttpOnly, SameSite=Lax, 12 hours). In `header` mode
the single-sign-on proxy signs people in; the sign-in page only says so.

CSRF: a per-session random token is put into every HTML form (`csrf_token`
field) and into a `<meta name="csrf-token">` for scripts. Every POST, PATCH,
PUT or DELETE from a signed-in user, or from a browser whose session holds a
token, must send it back: as the form field, or in the `X-CSRF-Token` header
(JSON API calls; `GET /api/me` tells API clients their token). Anonymous
visitors without a session have nothing to protect and need none; the Origin
check of `webapp.security` still applies to them.

Pages that need a signed-in user raise `AuthenticationRequired`; this module
turns that into a redirect to the sign-in page (API calls get the JSON 401).
"""

from __future__ import annotations

import hmac
import logging
import secrets
from datetime import timedelta
from urllib.parse import urlsplit

from flask import (
    Blueprint,
    Flask,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from werkzeug.wrappers import Response

from kb.accounts.records import User
from kb.accounts.service import authenticate
from kb.errors import AuthenticationRequired, KbError, PermissionDenied
from webapp import identity, services
from webapp.articles import local_path
from webapp.errors import error_response, is_api_request
from webapp.i18n import gettext

logger = logging.getLogger(__name__)

bp = Blueprint("auth", __name__, url_prefix="/auth")

CSRF_FIELD = "csrf_token"
CSRF_HEADER = "X-CSRF-Token"
_CSRF_KEY = "kb_csrf"
_SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})
SESSION_HOURS = 12
MAX_USERNAME_CHARS = 254
MAX_PASSWORD_CHARS = 1024


# -- CSRF ------------------------------------------------------------------------------


def csrf_token(create: bool = False) -> str:
    """The session's CSRF token ('' for a visitor without one, unless `create`)."""
    token = session.get(_CSRF_KEY)
    if not isinstance(token, str) or not token:
        if not (create or identity.current_user() is not None):
            return ""
        token = session[_CSRF_KEY] = secrets.token_urlsafe(32)
    return token


def _check_csrf() -> None:
    if request.method in _SAFE_METHODS or request.path.startswith("/static/"):
        return
    expected = session.get(_CSRF_KEY)
    if not expected and identity.current_user() is None:
        return  # a visitor without a session: nothing a forged request could use
    sent = request.headers.get(CSRF_HEADER)
    if sent is None and not request.is_json:
        sent = request.form.get(CSRF_FIELD)
    if isinstance(expected, str) and sent and hmac.compare_digest(sent, expected):
        return
    if is_api_request():
        message = (
            f"this call needs the session's CSRF token in the {CSRF_HEADER} header; "
            "GET /api/me returns it"
        )
    else:
        message = gettext("csrf_failed")
    raise PermissionDenied(message, details={"csrf": "missing" if not sent else "mismatch"})


# -- signing in and out ---------------------------------------------------------------


def _next_target() -> str:
    return local_path(request.values.get("next", "")) or url_for("search.index")


@bp.get("/sign-in")
def sign_in() -> str:
    return render_template(
        "auth/sign_in.html",
        header_mode=identity.header_mode(),
        next_url=_next_target(),
        username="",
        failed=False,
        csrf=csrf_token(create=True),
    )


@bp.post("/sign-in")
def sign_in_post() -> Response | tuple[str, int]:
    if identity.header_mode():
        raise PermissionDenied(
            "sign-in is handled by single sign-on here (auth_mode = header); "
            "open the knowledge base through the sign-on address"
        )
    username = (request.form.get("username") or "").strip()[:MAX_USERNAME_CHARS]
    password = (request.form.get("password") or "")[:MAX_PASSWORD_CHARS]
    user = authenticate(services.store(), username, password) if username and password else None
    if user is None:
        logger.info("auth: failed sign-in for %r from %s", username, request.remote_addr)
        page = render_template(
            "auth/sign_in.html",
            header_mode=False,
            next_url=_next_target(),
            username=username,
            failed=True,
            csrf=csrf_token(create=True),
        )
        return page, 401
    target = _next_target()
    # A fresh session: nothing from before sign-in (such as a planted token) survives.
    session.clear()
    session.permanent = True
    session[identity.SESSION_USER] = user.username
    session[_CSRF_KEY] = secrets.token_urlsafe(32)
    logger.info("auth: %s signed in", user.username)
    return redirect(target, code=303)


@bp.post("/sign-out")
def sign_out() -> Response:
    session.clear()
    flash(gettext("signed_out"), "info")
    return redirect(url_for("search.index"), code=303)


# -- wiring ----------------------------------------------------------------------------


def _to_sign_in(exc: AuthenticationRequired) -> Response:
    """Pages send visitors to the sign-in page and back; the API answers 401."""
    if is_api_request():
        return error_response(exc.status, exc.code, exc.message, exc.details)
    if request.method == "GET":
        back = request.full_path.rstrip("?")
    else:
        back = _same_site_referrer() or request.path
    return redirect(url_for("auth.sign_in", next=back), code=303)


# Flask's session cookie as this app wants it (create_app applies these before any
# config the caller hands in).
SESSION_CONFIG = {
    "SESSION_COOKIE_NAME": "kb_session",
    "SESSION_COOKIE_HTTPONLY": True,
    "SESSION_COOKIE_SAMESITE": "Lax",
    "PERMANENT_SESSION_LIFETIME": timedelta(hours=SESSION_HOURS),
}


def _nav_user() -> User | None:
    """The signed-in user for the page header; None also when they cannot be known
    (the store is down, or the error page explains a refused sign-on header)."""
    try:
        return identity.current_user()
    except KbError:
        return None


def _header_mode_or_default() -> bool:
    try:
        return identity.header_mode()
    except KbError:
        return False


def _same_site_referrer() -> str:
    """The referring page's path when it is a page of this site, else ''."""
    parts = urlsplit(request.referrer or "")
    if parts.netloc != request.host or not parts.path.startswith("/"):
        return ""
    return local_path(parts.path + ("?" + parts.query if parts.query else ""))


def init_app(app: Flask) -> None:
    app.before_request(_check_csrf)
    app.register_error_handler(AuthenticationRequired, _to_sign_in)
    app.jinja_env.globals.update(
        csrf_token=csrf_token,
        csrf_field=CSRF_FIELD,
        nav_user=_nav_user,
        auth_header_mode=_header_mode_or_default,
    )
