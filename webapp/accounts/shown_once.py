"""A temporary password shown once, after the form that gave it.

Creating an account and resetting a password follow post/redirect/get: the
form's answer is a redirect (303) to `GET /accounts/<username>/temporary-password`,
so reloading the page that shows the password reads it again instead of
posting the form a second time (which would make yet another account
attempt or reset the password once more). The password crosses the redirect
in the session cookie, never in the URL (which access logs keep), and is
taken out by the page that shows it: a reload, the back button or a second
tab finds nothing and says so.

The session cookie is signed but readable by whoever holds it, so the
password rides in it encrypted: a Fernet token (AES-128-CBC with HMAC-SHA256,
from the `cryptography` package) under a key derived with HKDF from the app's
secret key. A copy of the cookie taken from a proxy or a browser profile gives
no password without the server's key.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from flask import current_app, session

SESSION_KEY = "shown_once"
_PURPOSE = b"kb temporary password shown once"
_KEPT_SECONDS = 15 * 60  # a redirect takes a moment; a cookie copied later reads nothing


@dataclass(frozen=True)
class Shown:
    """A temporary password to show once: for `username`, given by creating the
    account (`created`) or by resetting its password."""

    username: str
    password: str
    created: bool


def keep(shown: Shown) -> None:
    """Carry `shown` to the next showing of its page (sealed, see above)."""
    session[SESSION_KEY] = {
        "username": shown.username,
        "created": shown.created,
        "sealed": _fernet().encrypt(shown.password.encode("utf-8")).decode("ascii"),
    }


def take(username: str) -> Shown | None:
    """The password kept for `username`'s page, taken out (shown once); one kept
    for another account is dropped too."""
    kept = session.pop(SESSION_KEY, None)
    if not isinstance(kept, dict) or kept.get("username") != username:
        return None
    try:
        token = str(kept["sealed"]).encode("ascii")
        password = _fernet().decrypt(token, ttl=_KEPT_SECONDS).decode("utf-8")
    except (KeyError, ValueError, InvalidToken):  # not what `keep` wrote, too old, another key
        return None
    return Shown(username, password, bool(kept.get("created")))


def _fernet() -> Fernet:
    """The cipher under a key derived from the app's secret key for this purpose only."""
    secret = current_app.secret_key
    key = secret.encode("utf-8") if isinstance(secret, str) else bytes(secret or b"")
    derived = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=_PURPOSE).derive(key)
    return Fernet(base64.urlsafe_b64encode(derived))
