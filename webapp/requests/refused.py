"""A refused form of a request's page or of a queue's bulk form, carried across
the redirect back to the page that holds the form.

Refused forms follow post/redirect/get as applied ones do: the answer is a
redirect (303) to the page at the form (a request's `#reply`, a queue's
`#bulk-error`), never a page at the form's own address, which a reload would
post again. What that page needs to show the refusal once — the message, the
form (its view's name), the field it is about and what was typed — rides in
the session cookie and is taken out by the next showing of that page
(`take`, by the page's `place`: `request_place`, `queue_place`).

The cookie is what every worker and node can read without writing to the
store, but browsers drop a cookie past about 4 KB (with it, the session).
`keep` measures the session as it will be sent (signed and compressed) and
keeps the refusal only when the cookie stays within `MAX_COOKIE_SIZE` less
room for its attributes; a refusal that does not fit (several thousand
characters typed) is answered as before, with the page at the form's
address holding the message and the text: a reload sends the same form to
the same refusal, and nothing typed is lost either way.
"""

from __future__ import annotations

import dataclasses
from dataclasses import asdict, dataclass
from typing import Any

from flask import current_app, session
from flask.sessions import SecureCookieSessionInterface

from webapp.auth.csrf import CSRF_FIELD

SESSION_KEY = "refused_form"
# The Set-Cookie header's name and attributes (path, expiry, flags), kept free.
_ATTRIBUTE_ROOM = 300
# Never carried: the page renders them anew.
_NOT_CARRIED = frozenset({CSRF_FIELD, "version"})


# What was typed: a field's text, or the values of a field chosen several times
# (the requests ticked in a queue).
Typed = dict[str, str | list[str]]


@dataclass(frozen=True)
class Refusal:
    """A refused form of the page `place` names: the `error`, the view that
    `failed`, the `field` it is about and what was `posted`."""

    place: str
    error: str
    failed: str
    field: str = ""
    posted: Typed = dataclasses.field(default_factory=dict)


def request_place(request_id: int) -> str:
    """The `place` of request `request_id`'s page."""
    return f"request/{request_id}"


def queue_place(department: str) -> str:
    """The `place` of department `department`'s queue (any of its pages)."""
    return f"queue/{department}"


def typed(form: Any) -> Typed:
    """The posted fields worth showing back (never the token or the version)."""
    return {name: value for name, value in form.items() if name not in _NOT_CARRIED}


def keep(refusal: Refusal) -> bool:
    """Carry `refusal` to the next showing of its page; False (and
    nothing kept) when the session cookie would grow too large to be sent."""
    session[SESSION_KEY] = asdict(refusal)
    if _cookie_size() <= current_app.config["MAX_COOKIE_SIZE"] - _ATTRIBUTE_ROOM:
        return True
    session.pop(SESSION_KEY, None)
    return False


def take(place: str) -> Refusal | None:
    """The refusal kept for the page `place` names, taken out (shown once); one
    kept for another page is dropped."""
    kept = session.pop(SESSION_KEY, None)
    if not isinstance(kept, dict) or kept.get("place") != place:
        return None
    posted = kept.get("posted")
    return Refusal(
        place=place,
        error=str(kept.get("error") or ""),
        failed=str(kept.get("failed") or ""),
        field=str(kept.get("field") or ""),
        posted=_typed_back(posted) if isinstance(posted, dict) else {},
    )


def _typed_back(posted: dict[Any, Any]) -> Typed:
    """What was typed, as carried: texts as texts, lists as lists of texts."""
    return {
        str(k): [str(x) for x in v] if isinstance(v, list) else str(v) for k, v in posted.items()
    }


def _cookie_size() -> int:
    """The length of the session cookie's value as it would be sent now."""
    interface = current_app.session_interface
    if not isinstance(interface, SecureCookieSessionInterface):
        return 0  # a server-side session: the cookie holds an id only
    serializer = interface.get_signing_serializer(current_app)
    return 0 if serializer is None else len(serializer.dumps(dict(session)))
