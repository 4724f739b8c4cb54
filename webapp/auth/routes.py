"""The `auth` blueprint: signing in and out.

Sign-in (setting `auth_mode` = `local`) checks the username and password with
`kb.accounts.service.authenticate` and keeps the username, the user's session
generation, when the account was created and the sign-in time in Flask's session cookie (`kb_session`:
signed, HttpOnly, SameSite=Lax, Secure with `session_cookie_secure` and on any
request that came over HTTPS). The
session ends after `session_hours` however active it is, and at once when
the generation in the store moves on: sign-out ends every session of the
user (a copied cookie included), and so do a new password and a changed
role (`webapp.auth.identity`). In `header` mode the single-sign-on proxy
signs people in; the sign-in page only says so. Every form carries the
session's CSRF token (`webapp.auth.csrf`).

Pages that need a signed-in user raise `AuthenticationRequired`; this module
turns that into a redirect to the sign-in page (API calls get the JSON 401). A
form sent without a session is answered by the page that says it was not sent
and keeps what was typed (`webapp.auth.drafts`), never by a redirect that drops it.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from urllib.parse import urlsplit

from flask import (
    Blueprint,
    Flask,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from werkzeug.wrappers import Response

from kb.accounts.records import MAX_PASSWORD_CHARS, MAX_USERNAME_CHARS, User
from kb.accounts.service import authenticate
from kb.errors import AuthenticationRequired, KbError, PermissionDenied, ValidationError
from kb.settings import Settings
from webapp import services
from webapp.auth import identity, sessions
from webapp.auth.csrf import CSRF_FIELD, check_csrf, csrf_token, new_csrf_token
from webapp.auth.drafts import draft_owner, form_not_sent, form_page
from webapp.auth.password import must_change_first
from webapp.errors import error_response, is_api_request, message_for
from webapp.i18n import current_language, gettext
from webapp.proxies import client_network
from webapp.request_checks import checks_own_form, refuse_nul_in
from webapp.security import local_path
from webapp.throttle import SIGN_IN_ACCOUNT, SIGN_IN_ADDRESS, throttle

logger = logging.getLogger(__name__)

bp = Blueprint("auth", __name__, url_prefix="/auth")


# -- signing in and out ---------------------------------------------------------------


def _next_target() -> str:
    return local_path(request.values.get("next", "")) or url_for("search.index")


# What signing in is for, by the page it leads back to (the first prefix that
# matches; the ask form and My requests otherwise): the sign-in page says so.
SIGN_IN_PURPOSES = (
    ("/insights", "sign_in_why_insights"),
    ("/manage", "sign_in_why_manage"),
    ("/requests/drafts", "sign_in_why_manage"),
    ("/requests/queue", "sign_in_why_queue"),
)


def sign_in_purpose(target: str) -> str:
    """The message key that says what signing in is for on the page `target`."""
    path = urlsplit(target).path
    for prefix, key in SIGN_IN_PURPOSES:
        if path == prefix or path.startswith(prefix + "/"):
            return key
    return "sign_in_why"


def _form(*, header_mode: bool = False, username: str = "", error: str = "") -> str:
    target = _next_target()
    return render_template(
        "auth/sign_in.html",
        header_mode=header_mode,
        purpose=sign_in_purpose(target),
        next_url=target,
        username=username,
        error=error,
        csrf=csrf_token(create=True),
    )


@bp.get("/sign-in")
def sign_in() -> str:
    return _form(header_mode=identity.header_mode())


@bp.post("/sign-in")
@checks_own_form
def sign_in_post() -> Response | tuple[str, int]:
    if identity.header_mode():
        raise PermissionDenied(
            "sign-in is handled by single sign-on here (auth_mode = header); "
            "open the knowledge base through the sign-on address",
            key="sso_sign_in",
        )
    username = (request.form.get("username") or "").strip()[:MAX_USERNAME_CHARS]
    try:
        refuse_nul_in(request.form)  # here: the form comes back with the username typed
    except ValidationError as exc:
        shown = username.replace("\x00", "")
        return _form(username=shown, error=message_for(exc, current_language())), exc.status
    password = (request.form.get("password") or "")[:MAX_PASSWORD_CHARS]
    # Guessing is limited per address and, whatever the address, per account.
    limits = throttle()
    limits.hit(SIGN_IN_ADDRESS, client_network())
    account = username.casefold()
    limits.check(SIGN_IN_ACCOUNT, account)
    try:
        user = authenticate(services.store(), username, password) if username and password else None
    except PermissionDenied as exc:  # an account under a reserved name: told why
        logger.warning("auth: refused sign-in as %r, a reserved name", username)
        return _form(username=username, error=message_for(exc, current_language())), exc.status
    if user is None:
        limits.hit(SIGN_IN_ACCOUNT, account, refuse=False)
        logger.warning("auth: failed sign-in for %r from %s", username, request.remote_addr)
        return _form(username=username, error=gettext("sign_in_failed")), 401
    target = _next_target()
    sessions.start_session(user)
    new_csrf_token()
    logger.info("auth: %s signed in from %s", user.username, request.remote_addr)
    return redirect(target, code=303)


@bp.post("/sign-out")
def sign_out() -> Response:
    sessions.end_session()
    flash(gettext("signed_out"), "info")
    return redirect(url_for("search.index"), code=303)


# -- wiring ----------------------------------------------------------------------------


def _to_sign_in(exc: AuthenticationRequired) -> Response:
    """Pages send visitors to the sign-in page and back; a form sent after its
    session ended is answered in place (401), keeping its text; the API answers 401."""
    if is_api_request():
        message = message_for(exc, current_language())
        return error_response(exc.status, exc.code, message, exc.details)
    if request.method in ("GET", "HEAD"):
        back = request.full_path.rstrip("?")
        return redirect(url_for("auth.sign_in", next=back), code=303)
    return form_not_sent(reason="ended", back=form_page(), signed_in=False, status=401)


def session_config(settings: Settings) -> dict[str, object]:
    """Flask's session cookie as this app wants it (create_app applies these before
    any config the caller hands in). The cookie is not renewed on every request:
    a session lasts `session_hours` from sign-in, not from the last click."""
    return {
        "SESSION_COOKIE_NAME": "kb_session",
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": settings.session_cookie_secure,
        "SESSION_REFRESH_EACH_REQUEST": False,
        "PERMANENT_SESSION_LIFETIME": timedelta(hours=settings.session_hours),
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


def init_app(app: Flask) -> None:
    app.session_interface = sessions.SessionCookies()
    app.before_request(check_csrf)
    app.before_request(must_change_first)
    app.register_error_handler(AuthenticationRequired, _to_sign_in)
    app.jinja_env.globals.update(
        csrf_token=csrf_token,
        csrf_field=CSRF_FIELD,
        nav_user=_nav_user,
        auth_header_mode=_header_mode_or_default,
        draft_owner=draft_owner,
    )
