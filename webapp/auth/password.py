"""The `password` blueprint: a signed-in password account changes its password.

`GET /auth/password` is a form asking the current password and the new one
twice; `POST /auth/password` changes it (`kb.accounts.passwords`), with the
session's CSRF token, counted against the sign-in limits (a wrong current
password is a failed sign-in of the account: the page cannot be used to
guess it). A refusal is the form again, with the message at its field.
Changing the password ends every other session of the account; this one
goes on (it is given the account's new session generation and a new CSRF
token). Single-sign-on
accounts have no password here: the page says so.

An account given a temporary password by an administrator is marked
`must_change_password`: until it has chosen its own, `must_change_first`
(before every request) sends every page to this form and answers every API
call 403 with the reason; signing out stays possible.
"""

from __future__ import annotations

import logging

from flask import Blueprint, flash, g, redirect, render_template, request, session, url_for
from werkzeug.wrappers import Response

from kb.accounts.passwords import change_own_password
from kb.accounts.records import MAX_PASSWORD_CHARS, MIN_PASSWORD_CHARS, User
from kb.errors import ConflictError, KbError, PermissionDenied, ValidationError
from webapp import services
from webapp.auth import identity, sessions
from webapp.auth.csrf import new_csrf_token
from webapp.errors import is_api_request, message_for
from webapp.i18n import current_language, gettext
from webapp.proxies import client_network
from webapp.request_checks import checks_own_form, refuse_nul_in
from webapp.security import local_path
from webapp.throttle import SIGN_IN_ACCOUNT, SIGN_IN_ADDRESS, RateLimited, throttle

logger = logging.getLogger(__name__)

bp = Blueprint("password", __name__, url_prefix="/auth")

FIELDS = ("current_password", "new_password", "new_password_again")
# What an account that must change its password may still reach.
OPEN_WHILE_MUST_CHANGE = frozenset(
    {"password.change", "password.change_post", "auth.sign_out", "auth_api.change_password"}
)


def _target() -> str:
    return local_path(request.values.get("next", "")) or url_for("search.index")


def _page(user: User, *, field: str = "", error: str = "", status: int = 200) -> tuple[str, int]:
    page = render_template(
        "auth/password.html",
        account=user,
        sso=user.password_hash is None,
        next_url=_target(),
        field=field,
        error=error,
        min_chars=MIN_PASSWORD_CHARS,
        max_chars=MAX_PASSWORD_CHARS,
    )
    return page, status


@bp.get("/password")
def change() -> tuple[str, int]:
    return _page(identity.require_user())


def check_limits(user: User) -> None:
    """Count a change against the sign-in limits: per address, and refused while
    the account is over its limit of failed sign-ins."""
    limits = throttle()
    limits.hit(SIGN_IN_ADDRESS, client_network())
    limits.check(SIGN_IN_ACCOUNT, user.username.casefold())


def count_failure(user: User, exc: KbError) -> None:
    """A wrong current password counts as a failed sign-in of the account."""
    if exc.key == "password_current_wrong":
        throttle().hit(SIGN_IN_ACCOUNT, user.username.casefold(), refuse=False)
        logger.warning("auth: wrong current password for %s from %s", user, request.remote_addr)


def keep_this_session(changed: User) -> str:
    """The session that changed the password goes on under the new generation,
    with a new CSRF token (returned): whoever read the old one from a copy of
    the cookie, which the new password ends, could otherwise still forge this
    session's forms."""
    session[sessions.SESSION_GENERATION] = changed.session_generation
    g.kb_signed_in = changed
    return new_csrf_token()


@bp.post("/password")
@checks_own_form
def change_post() -> Response | tuple[str, int]:
    user = identity.require_user()
    typed = {name: (request.form.get(name) or "")[: MAX_PASSWORD_CHARS + 1] for name in FIELDS}
    try:
        refuse_nul_in(request.form)
        check_limits(user)
        changed = change_own_password(services.store(), user, *typed.values())
    except RateLimited as exc:
        page, status = _page(user, error=message_for(exc, current_language()), status=exc.status)
        return Response(page, status, headers={"Retry-After": str(exc.retry_after)})
    except (ValidationError, ConflictError) as exc:
        count_failure(user, exc)
        field = str(exc.details.get("field") or "")
        message = message_for(exc, current_language())
        return _page(user, field=field, error=message, status=exc.status)
    keep_this_session(changed)
    flash(gettext("password_changed"), "success")
    return redirect(_target(), code=303)


def must_change_first() -> Response | None:
    """Before every request: an account that must change its password reaches
    nothing but the form that changes it (and signing out)."""
    if request.endpoint in OPEN_WHILE_MUST_CHANGE or request.path.startswith("/static/"):
        return None
    try:
        user = identity.current_user()
    except KbError:  # the store is down, or a refused sign-on header: said elsewhere
        return None
    if user is None or not user.must_change_password:
        return None
    if is_api_request():
        raise PermissionDenied(
            f"{user.username} signed in with a temporary password and must choose a new "
            "one first: POST /api/me/password, or the page /auth/password",
            details={"reason": "must_change_password", "change_at": url_for("password.change")},
            key="must_change_password",
        )
    back = request.full_path.rstrip("?") if request.method == "GET" else ""
    return redirect(url_for("password.change", next=back or None), code=303)
