"""The link in a watcher's notification mails that takes them off the request.

People added as watchers by someone else never asked for the mails, so each
mail to a watcher carries a link that ends them with one click, signed for that
one recipient and that one request: an HMAC-SHA256 of both under the site's
`secret_key`. The token names no one else, so nobody can take another person
off with it, and it needs no sign-in (the mail may be read on a phone without a
session). Without `secret_key` or `site_url` the mail has no such link and
tells the reader where the request page's "Stop watching" is instead.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from urllib.parse import urlencode

PURPOSE = b"kb-unwatch-v1"


def unwatch_token(key: str, request_id: int, username: str) -> str:
    """The token that lets `username` stop watching request `request_id`."""
    message = b"\0".join((PURPOSE, str(request_id).encode(), username.encode("utf-8")))
    digest = hmac.new(key.encode("utf-8"), message, hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).decode("ascii").rstrip("=")


def token_matches(key: str, request_id: int, username: str, token: str) -> bool:
    """Whether `token` is `username`'s for request `request_id` under `key`."""
    if not key or not token:
        return False
    expected = unwatch_token(key, request_id, username)
    # Compared as bytes: `compare_digest` refuses text outside ASCII.
    return hmac.compare_digest(token.encode("utf-8", "surrogatepass"), expected.encode("ascii"))


def unwatch_link(site_url: str, key: str, request_id: int, username: str) -> str:
    """The page (under `site_url`) where `username` stops watching the request with
    one click; "" when `site_url` or `key` is not set."""
    if not site_url or not key:
        return ""
    query = urlencode({"user": username, "token": unwatch_token(key, request_id, username)})
    return f"{site_url.rstrip('/')}/requests/{request_id}/leave?{query}"
