"""Who is asking: a pseudonymous id per browser, and the signed-in user if any.

Pseudonymous id: the first response to a browser sets a signed cookie holding a
random id; the event log records that id instead of any name, so searches of
one visitor can be told apart without knowing who they are. A cookie whose
signature does not verify is replaced by a fresh id. API clients that keep no
cookies get a new id on every call, which is fine: they are counted as
separate visitors.

Signed-in user, by the setting `auth_mode`:

* `local`: the username that `webapp.auth` put into the session cookie at
  sign-in (`start_session`); the user and their grants are read from the
  store on each request, so a revoked grant takes effect at once. When a
  session counts is `webapp.auth.sessions`'s matter.
* `header`: a single-sign-on proxy in front of the app names the user in
  `X-Remote-User` and their roles in `X-Remote-Groups` (`agent:it,analyst`).
  The headers are believed only from the addresses in `trusted_proxies`
  (none by default, loopback included; see `webapp.proxies`); from anywhere
  else they are refused with 403. A name that belongs to a local password
  account is refused too: single-sign-on identities and password accounts
  are kept apart. Users
  seen this way are recorded in the store (without a password) so that
  requests can be assigned to them.

Nobody signed in is an anonymous visitor: they may search and read articles
whose audience is `everyone`. `search_groups()` is what a search may show.

`person()` is a pseudonym of who is asking that a client cannot change at
will (unlike the browser id, which a client without cookies renews on every
call): a keyed hash of the signed-in username, else of the network address
(an IPv6 client's /64). Query suggestions count people by it, insights
count accounts by it; an account's is of its `person_key`, which a rename
keeps.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import secrets
from dataclasses import replace
from typing import TYPE_CHECKING

from flask import Flask, Response, current_app, g, request
from itsdangerous import BadSignature, URLSafeSerializer

from kb.accounts.grant_history import SSO_ACTOR
from kb.accounts.records import Role, User
from kb.accounts.service import user_from_headers
from kb.errors import (
    AuthenticationRequired,
    ConflictError,
    KbError,
    NotFoundError,
    PermissionDenied,
    StoreError,
)
from webapp.auth.sessions import user_from_session
from webapp.proxies import client_network, is_trusted, peer

if TYPE_CHECKING:
    from kb.settings import Settings
    from kb.store.protocols import Store

logger = logging.getLogger(__name__)

COOKIE = "kb_uid"
_SALT = "kb-pseudonymous-user"
_MAX_AGE = 365 * 24 * 3600
USER_HEADER = "X-Remote-User"
GROUPS_HEADER = "X-Remote-Groups"
SSO_REASON = f"the proxy's {GROUPS_HEADER}"
_UNSET = object()


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


def _user_if_known() -> User | None:
    try:
        return current_user()
    except KbError:  # the store is down: treated as signed out
        return None


def signed_in() -> bool:
    """Whether an account makes the current request (`person` is then its pseudonym)."""
    return _user_if_known() is not None


def person() -> str:
    """A keyed pseudonym of the signed-in user, or of the visitor's network address."""
    user = _user_if_known()
    # The account's person key, not its name: a renamed person stays one person.
    who = f"user:{user.person}" if user is not None else f"address:{client_network()}"
    secret = current_app.secret_key or ""
    key = secret.encode("utf-8") if isinstance(secret, str) else bytes(secret)
    return hmac.new(key, who.encode("utf-8"), hashlib.sha256).hexdigest()[:32]


# -- the signed-in user ----------------------------------------------------------


def _settings() -> Settings:
    from webapp.services import services

    return services().settings


def _store() -> Store:
    from webapp.services import store

    return store()


def header_mode() -> bool:
    return _settings().auth_mode == "header"


def from_trusted_proxy(address: str | None) -> bool:
    """True when `address` is one of the setting `trusted_proxies` (addresses or networks)."""
    return is_trusted(address, _settings().trusted_proxies)


def _user_from_headers() -> User | None:
    name = request.headers.get(USER_HEADER)
    if not name:
        return None
    address = peer()  # the connection's own address: a forwarded one proves nothing
    if not from_trusted_proxy(address):
        raise PermissionDenied(
            f"{USER_HEADER} is only accepted from the single-sign-on proxy; this request "
            f"came from {address}, which is not in the setting trusted_proxies. "
            "Open the knowledge base through the sign-on address, or ask an administrator "
            "to add the proxy's address to trusted_proxies",
            details={"header": USER_HEADER, "remote_addr": address},
            key="sso_untrusted",
            values={"header": USER_HEADER, "address": address},
        )
    user = user_from_headers(name, request.headers.get(GROUPS_HEADER))
    return _remember(user)


def _remember(user: User) -> User:
    """Record an SSO user in the store (grants as the proxy says), so work can be
    assigned to them; the user returned has the name as the store spells it.
    Single-sign-on identities and local password accounts are separate: a name
    that belongs to a password account (in any letter case) is refused, so a
    proxy's groups can never rewrite what a local account may do."""
    store = _store()
    try:
        return _record(store, user)
    except (ConflictError, NotFoundError):
        # A parallel sign-in recorded the name (perhaps in another letter case)
        # between the look-up and the insert, or an administrator removed the
        # account in between: look again, once, and take what is there now.
        logger.info("identity: %s changed in a parallel request; looking again", user.username)
        return _record(store, user)


def _record(store: Store, user: User) -> User:
    """Insert `user`, or bring the account that holds the name up to `user`'s grants."""
    stored = _stored(store, user.username)
    if stored is not None:
        # The proxy may spell the name in another letter case than the account
        # was recorded with: usernames ignore case, so it is that one account.
        user = replace(user, username=stored.username, person_key=stored.person_key)
    if stored is not None and stored.password_hash is not None:
        logger.warning(
            "auth: refused single sign-on as %s, a local password account", user.username
        )
        raise PermissionDenied(
            f"{user.username} is a local account with a password, which single sign-on "
            "cannot use: the two kinds of account are kept apart. An administrator can turn "
            f"it into a single-sign-on account with `kb users password {user.username} "
            "--sso-only`",
            details={"header": USER_HEADER, "user": user.username},
            key="sso_local_account",
            values={"user": user.username},
        )
    # The grant history names the proxy's groups as who gave or took a role.
    if stored is None:
        store.add_user(user, actor=SSO_ACTOR, reason=SSO_REASON)
        return store.get_user(user.username) or user  # with the key the store gave it
    elif stored.grants != user.grants:
        store.update_user(replace(stored, grants=user.grants), actor=SSO_ACTOR, reason=SSO_REASON)
    return user


def _stored(store: Store, name: str) -> User | None:
    """The account the proxy's `name` is: the one holding the name, else the one
    renamed from it that the identity provider has not renamed yet (its former
    name, kept for single sign-on). An account reached by its own name lets
    its former names go: the provider sends the new name now, and may give
    the old one to someone else later."""
    stored = store.find_user(name)
    if stored is None:
        holder = store.alias_of(name)
        stored = store.get_user(holder) if holder is not None else None
        if stored is not None:
            logger.warning(
                "auth: single sign-on as %s, the former name of %s: the identity provider "
                "has not been renamed yet",
                name,
                stored.username,
            )
    elif stored.password_hash is None and store.aliases_of(stored.username):
        dropped = store.unalias_all(stored.username)
        logger.warning(
            "auth: %s signed on under their new name; their former names %s are let go",
            stored.username,
            ", ".join(dropped),
        )
    return stored


def current_user() -> User | None:
    """The signed-in user of the current request, or None for a visitor."""
    user = g.get("kb_signed_in", _UNSET)
    if user is _UNSET:
        user = _user_from_headers() if header_mode() else user_from_session()
        g.kb_signed_in = user
    return user


def require_user() -> User:
    """The signed-in user; AuthenticationRequired (401, or the sign-in page) otherwise."""
    user = current_user()
    if user is None:
        how = "through single sign-on" if header_mode() else "at /auth/sign-in"
        raise AuthenticationRequired(
            f"sign in first ({how}); this is for signed-in users", key="sign_in"
        )
    return user


def user_groups(user: User) -> frozenset[str]:
    """What an article's `audience` may name to let `user` read it: their roles,
    their departments and `role:department` (all lower case)."""
    groups = {Role.EMPLOYEE.value}
    for grant in user.grants:
        groups.add(grant.role.value)
        if grant.department:
            groups.add(grant.department.lower())
            groups.add(f"{grant.role.value}:{grant.department.lower()}")
    return frozenset(groups)


def search_groups() -> frozenset[str] | None:
    """The audience groups a search may show: none beyond `everyone` for visitors,
    the user's groups when signed in, everything (None) for admins."""
    try:
        user = current_user()
    except StoreError as exc:
        # The store is down: search on as a visitor rather than fail the search.
        logger.warning("identity: could not load the signed-in user: %s", exc.message)
        return frozenset()
    if user is None:
        return frozenset()
    if user.has_role(Role.ADMIN):
        return None
    return user_groups(user)


def _set_cookie(response: Response) -> Response:
    if g.get("kb_new_user_id"):
        response.set_cookie(
            COOKIE,
            _serializer().dumps(g.kb_user_id),
            max_age=_MAX_AGE,
            httponly=True,
            samesite="Lax",
            secure=request.is_secure or _settings().session_cookie_secure,
        )
    return response


def _assign_on_pages() -> None:
    # Pages hand out the id up front so that the browser's first search already
    # carries it; API calls only get one when they log something.
    if not request.path.startswith("/api/") and not request.path.startswith("/static/"):
        user_id()


def _refuse_untrusted_headers() -> None:
    # Checked on every request, not only where the user is needed, so that a
    # misconfigured proxy is noticed on the first page and not halfway through.
    if (
        request.headers.get(USER_HEADER)
        and not request.path.startswith("/static/")
        and header_mode()
    ):
        current_user()


def init_app(app: Flask) -> None:
    app.before_request(_assign_on_pages)
    app.before_request(_refuse_untrusted_headers)
    app.after_request(_set_cookie)
