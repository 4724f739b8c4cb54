"""Which searches are the ask form's: a token that the form was served to the account.

Insights count deflection (`docs/insights.md`) from the searches the ask form
runs while an employee types (search events with `source` "ask"): a person
who had the form suggest articles, opened one and filed no request that day
was helped. Anyone could say `source=ask` in a URL, so an API client, or a
link on another page (on this site too) that an employee follows, could add
ask sessions that never were and move the deflection figures.

The form therefore carries a token, made when the page is served to a
signed-in account: the account's person key signed with the app's secret
(`itsdangerous`, salt of its own, valid for `session_hours`). `kb.js` sends
it with each suggestion search in the `X-KB-Ask-Form` header, which a link,
an image or a form of another page cannot set. A search counts as the ask
form's only with a token of the account that makes it; any other says
nothing about its source and is logged as an ordinary search.

Whether a request was filed after the form suggested articles
(`suggestions_shown`, and so `went_on_anyway`) is the server's to say too:
the answer to an ask search that served suggestions carries a second token
(`suggestions_token`, the account's person key signed under a salt of its
own), which `kb.js` puts in the form's `suggestions_shown` field. A request
records suggestions as shown only with such a token of the filer's account;
a "1", a `true` in the JSON API or another account's token is ignored.
"""

from __future__ import annotations

from dataclasses import replace

from flask import current_app, request
from itsdangerous import BadSignature, URLSafeTimedSerializer

from kb.accounts.records import User
from kb.errors import KbError
from kb.requests.submission import NewRequest
from webapp import services
from webapp.auth.identity import current_user
from webapp.security import sent_by_another_site

HEADER = "X-KB-Ask-Form"
ASK = "ask"
_SALT = "kb-ask-form"
_SERVED_SALT = "kb-ask-suggestions"
# A token this app makes is under 120 characters; longer is no token of its.
MAX_SERVED_CHARS = 500


def _serializer(salt: str = _SALT) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.secret_key or "", salt=salt)


def _signed_person(token: str, salt: str) -> str | None:
    """The person key `token` was made for under `salt`, while valid for
    `session_hours`; None when forged, another app's or expired."""
    hours = services.services().settings.session_hours
    try:
        person = _serializer(salt).loads(token, max_age=int(hours * 3600))
    except BadSignature:  # forged, another app's, or expired (SignatureExpired)
        return None
    return person if isinstance(person, str) else None


def form_token(user: User) -> str:
    """The token of an ask form served now to `user`."""
    return _serializer().dumps(user.person)


def search_source(asked: str | None) -> str:
    """The `source` to log for a search whose client said `asked`: "ask" only
    when the request carries the ask form's token of the signed-in account, sent
    by this site's own page; "" otherwise."""
    token = request.headers.get(HEADER, "")
    if asked != ASK or not token or sent_by_another_site():
        return ""
    try:
        user = current_user()
    except KbError:  # the store is down: the search is answered, its source unproven
        return ""
    if user is None:
        return ""
    return ASK if _signed_person(token, _SALT) == user.person else ""


def suggestions_token(source: str, results: int) -> str | None:
    """The proof that this ask search (`source`, as `search_source` decided)
    served the signed-in account `results` suggestions; None when it served none."""
    user = current_user() if source == ASK and results else None
    return _serializer(_SERVED_SALT).dumps(user.person) if user is not None else None


def suggestions_served(token: str | None, user: User) -> bool:
    """Whether `token` proves the ask form served `user` suggestions."""
    if not token or len(token) > MAX_SERVED_CHARS:
        return False
    return _signed_person(token, _SERVED_SALT) == user.person


def with_served_suggestions(sent: NewRequest, token: str | None, user: User) -> NewRequest:
    """`sent` with `suggestions_shown` as the server knows it (see above): a
    client's own value is replaced; `went_on_anyway` only when they were shown."""
    shown = suggestions_served(token, user)
    return replace(sent, suggestions_shown=shown, went_on_anyway=sent.went_on_anyway and shown)
