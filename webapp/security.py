"""Browser-side defences: response headers and a same-origin check on form posts.

The Content-Security-Policy allows only the app's own scripts, styles and
images, so even HTML that slipped past the sanitiser could not run a script.
Form posts from another site are refused by their Origin header; API posts
need `Content-Type: application/json`, which a cross-site form cannot send.
Redirects go only to paths of this site (`local_path`), and links the pages make
from the address asked for stay on it (`path_for_links`). A search another site
made the browser send counts for nobody (`sent_by_another_site`).
"""

from __future__ import annotations

import re
from urllib.parse import quote, unquote, urlsplit

from flask import Flask, Response, request

from kb.errors import PermissionDenied

CSP = "; ".join(
    (
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "connect-src 'self'",
        "font-src 'self'",
        "object-src 'none'",
        "frame-src 'none'",
        "frame-ancestors 'none'",
        "base-uri 'none'",
        "form-action 'self'",
    )
)


# API answers that are the same for everyone (caches may keep them).
PUBLIC_API_PATHS = frozenset({"/api/openapi.json"})


def _headers(response: Response) -> Response:
    headers = response.headers
    headers.setdefault("Content-Security-Policy", CSP)
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("Referrer-Policy", "same-origin")
    headers.setdefault("X-Frame-Options", "DENY")
    if response.mimetype == "text/html":
        headers.setdefault("Cache-Control", "no-store")
        response.vary.update(("Accept-Language", "Cookie"))
    elif not request.path.startswith("/static/") and request.path not in PUBLIC_API_PATHS:
        # API answers and downloads depend on who asks (their requests, what their
        # groups may read): no shared cache may keep one for the next caller.
        headers.setdefault("Cache-Control", "no-store")
        response.vary.add("Cookie")
    return response


def _same_origin_posts() -> None:
    if request.method != "POST":
        return
    origin = request.headers.get("Origin")
    if not origin:
        return  # not a browser, or one too old to say; nothing to compare
    # Hosts only: behind a proxy that ends TLS the app sees http while the
    # browser says https, and no other site can claim our host name.
    if _host_of(origin) != request.host:
        raise PermissionDenied(
            f"posts from {origin} are not accepted; use the form on this site",
            details={"origin": origin},
            key="other_origin",
        )


def _host_of(origin: str) -> str | None:
    """The host (and port) an Origin header names; None when it does not parse."""
    try:
        parts = urlsplit(origin)
        parts.port  # noqa: B018 - raises for a port out of range
    except ValueError:
        return None
    return parts.netloc


def sent_by_another_site() -> bool:
    """Whether the browser says another site made it send this request (Fetch
    Metadata: an image, a frame, a link or a form on another site, a subdomain
    included). Browsers too old to say are taken to be on this site."""
    return request.headers.get("Sec-Fetch-Site", "") in {"cross-site", "same-site"}


def init_app(app: Flask) -> None:
    app.before_request(_same_origin_posts)
    app.after_request(_headers)


# Browsers drop tabs and line breaks anywhere in an address and read a
# backslash in its path as "/": `/\evil.example` and `/<tab>/evil.example` lead
# to another host, although neither starts with "//".
_NOT_IN_LOCAL_PATHS = re.compile(r"[\x00-\x1f\x7f-\x9f]")
# Rounds of percent-decoding a path is read through: what one server, proxy or
# browser would decode once more is checked too (`%252F`).
_DECODINGS = 4


def local_path(target: str) -> str:
    """`target` when it is a path on this site, else '' (no open redirects): no
    scheme or host, no control character, no backslash before its query, and a
    path that, percent-decoded, has no "." or ".." segment and no empty one
    (`//`) but at its end. `/.%2F/evil.example` led to `/.//evil.example`: still
    this site's, but one step of normalising a path away from `//evil.example`."""
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return ""
    if _NOT_IN_LOCAL_PATHS.search(target) or not _plain_path(parts.path):
        return ""
    return target


def _plain_path(path: str) -> bool:
    """Whether `path`, and each percent-decoding of it, has no backslash, control
    character, "." or ".." segment, or empty segment but a trailing one."""
    for _ in range(_DECODINGS):
        if "\\" in path or _NOT_IN_LOCAL_PATHS.search(path):
            return False
        segments = path.split("/")[1:]
        if any(s in {"", ".", ".."} for s in segments[:-1]) or segments[-1] in {".", ".."}:
            return False
        decoded = unquote(path, errors="replace")
        if decoded == path:
            return True
        path = decoded
    return False


# What a path may keep unencoded in a link (RFC 3986 pchar and "/"); the rest,
# a backslash and control characters among them, is percent-encoded.
_PATH_CHARACTERS = "/:@!$&'()*+,;=~"


def path_for_links(path: str) -> str:
    """The path of the address asked for, written so that a link made from it leads
    to that path on this site: percent-encoded where a browser would read it
    otherwise, and with one leading "/". A page not found answers any address,
    and the language links of `/%5Cevil.example` or `/%09/evil.example`, written
    back as the path was decoded (a backslash or a tab after the first "/"), led
    to evil.example."""
    return "/" + quote(path, safe=_PATH_CHARACTERS).lstrip("/")
