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
password rides in it sealed: XORed with a keystream of HMAC-SHA256 blocks
under the app's secret key and a fresh random nonce (a keyed PRF in counter
mode). A copy of the cookie taken from a proxy or a browser profile gives
no password without the server's key.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from dataclasses import dataclass

from flask import current_app, session

SESSION_KEY = "shown_once"
_PURPOSE = b"kb temporary password shown once"
_NONCE_BYTES = 16


@dataclass(frozen=True)
class Shown:
    """A temporary password to show once: for `username`, given by creating the
    account (`created`) or by resetting its password."""

    username: str
    password: str
    created: bool


def keep(shown: Shown) -> None:
    """Carry `shown` to the next showing of its page (sealed, see above)."""
    nonce = secrets.token_bytes(_NONCE_BYTES)
    session[SESSION_KEY] = {
        "username": shown.username,
        "created": shown.created,
        "nonce": base64.b64encode(nonce).decode("ascii"),
        "sealed": base64.b64encode(_xor(shown.password.encode("utf-8"), nonce)).decode("ascii"),
    }


def take(username: str) -> Shown | None:
    """The password kept for `username`'s page, taken out (shown once); one kept
    for another account is dropped too."""
    kept = session.pop(SESSION_KEY, None)
    if not isinstance(kept, dict) or kept.get("username") != username:
        return None
    try:
        nonce = base64.b64decode(str(kept["nonce"]), validate=True)
        sealed = base64.b64decode(str(kept["sealed"]), validate=True)
        password = _xor(sealed, nonce).decode("utf-8")
    except (KeyError, ValueError):  # not what `keep` wrote (binascii.Error is one)
        return None
    return Shown(username, password, bool(kept.get("created")))


def _xor(data: bytes, nonce: bytes) -> bytes:
    """`data` XORed with the keystream of `nonce` (sealing and unsealing alike)."""
    secret = current_app.secret_key
    key = secret.encode("utf-8") if isinstance(secret, str) else bytes(secret or b"")
    subkey = hmac.new(key, _PURPOSE, hashlib.sha256).digest()
    stream = b"".join(
        hmac.new(subkey, nonce + block.to_bytes(4, "big"), hashlib.sha256).digest()
        for block in range(len(data) // 32 + 1)
    )
    return bytes(a ^ b for a, b in zip(data, stream, strict=False))
