"""Password sign-in sessions (`auth_mode` `local`): the username that sign-in put
into the session cookie (`start_session`). A session counts only while the
user's session generation in the store is the one it was started with, for the
account it was started for (not a later one given a freed name) and for
`session_hours` after sign-in; sign-out moves the generation on, ending every
copy of the cookie.
"""

from __future__ import annotations

import logging
import time
from typing import TYPE_CHECKING

from flask import Flask, g, has_request_context, request, session
from flask.sessions import SecureCookieSessionInterface

from kb.accounts.records import User, reserved_use
from kb.errors import KbError

if TYPE_CHECKING:
    from kb.settings import Settings
    from kb.store.protocols import Store

logger = logging.getLogger(__name__)

SESSION_USER = "kb_user"
SESSION_GENERATION = "kb_gen"
SESSION_SINCE = "kb_since"
# Which account of the name the session is for: a name freed by `kb users
# remove` or `rename` may be given to someone else, whose generation starts
# again where the first holder's cookie may still be.
SESSION_ACCOUNT = "kb_account"


def _settings() -> Settings:
    from webapp.services import services

    return services().settings


def _store() -> Store:
    from webapp.services import store

    return store()


class SessionCookies(SecureCookieSessionInterface):
    """Flask's signed session cookie, Secure also whenever the request came over
    HTTPS (directly, or through a proxy in `trusted_proxies` that says so), as the
    visitor cookie is: without `session_cookie_secure`, a cookie set over HTTPS
    went with any plain-HTTP request a page elsewhere made the browser send to
    this host, readable by whoever watched the network."""

    def get_cookie_secure(self, app: Flask) -> bool:
        secure = super().get_cookie_secure(app)
        return bool(secure or (has_request_context() and request.is_secure))


def start_session(user: User) -> None:
    """Sign `user` in: a fresh session (nothing from before sign-in, such as a
    planted token, survives) bound to their session generation and this moment."""
    session.clear()
    session.permanent = True
    session[SESSION_USER] = user.username
    session[SESSION_GENERATION] = user.session_generation
    session[SESSION_SINCE] = int(time.time())
    session[SESSION_ACCOUNT] = account_mark(user)
    g.kb_signed_in = user


def account_mark(user: User) -> str:
    """What tells this account from an earlier or later one of the same name: the
    moment it was created, as the store keeps it."""
    return user.created.isoformat()


def _same_account(user: User, since: int) -> bool:
    """Whether the session was begun for `user`, not for an account that had the
    name before it. A cookie from before sessions carried the mark counts when
    it was begun after the account was created."""
    mark = session.get(SESSION_ACCOUNT)
    if mark is None:
        return since >= int(user.created.timestamp())
    return bool(mark == account_mark(user))


def end_session() -> None:
    """Sign out: this session and every other session of the user (a copied
    cookie too) end, since the store moves their generation on."""
    name = session.get(SESSION_USER)
    session.clear()
    g.kb_signed_in = None
    if isinstance(name, str) and name:
        try:
            _store().end_sessions(name)
        except KbError as exc:
            logger.warning("identity: could not end the other sessions of %s: %s", name, exc)
        logger.info("auth: %s signed out from %s", name, request.remote_addr)


def user_from_session() -> User | None:
    """The user the session cookie was begun for, while that session counts."""
    name = session.get(SESSION_USER)
    if not isinstance(name, str) or not name:
        return None
    since = session.get(SESSION_SINCE)
    lifetime = _settings().session_hours * 3600
    if not isinstance(since, int) or not 0 <= time.time() - since <= lifetime:
        _forget_session()  # past its absolute lifetime (or from before it was recorded)
        return None
    user = _store().get_user(name)
    if (
        user is None
        or session.get(SESSION_GENERATION) != user.session_generation
        or not _same_account(user, since)
        or reserved_use(user.username)  # begun before the name was reserved
    ):
        # The account is gone, or signed out, given a new password or another role
        # since this session began, or the name is another account's now, or is
        # reserved (signing in again says so): signed out here too.
        _forget_session()
        return None
    return user


def _forget_session() -> None:
    """Treat this request's session as ended without writing a cookie for that
    alone. The browser may hold a newer cookie by the time the answer arrives
    (a sign-out with its message, or a sign-in again, in another tab while a
    background request was under way); a cleared cookie sent back would wipe it.
    The old cookie is refused again on every request, so nothing is lost by
    leaving it. A response that stores something else in the session writes the
    cleared session with it."""
    session.clear()
    session.modified = False
