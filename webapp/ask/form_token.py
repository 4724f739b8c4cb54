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
"""

from __future__ import annotations

from flask import current_app, request
from itsdangerous import BadSignature, URLSafeTimedSerializer

from kb.accounts.records import User
from kb.errors import KbError
from webapp import services
from webapp.auth.identity import current_user
from webapp.security import sent_by_another_site

HEADER = "X-KB-Ask-Form"
ASK = "ask"
_SALT = "kb-ask-form"


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.secret_key or "", salt=_SALT)


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
    hours = services.services().settings.session_hours
    try:
        person = _serializer().loads(token, max_age=int(hours * 3600))
    except BadSignature:  # forged, another app's, or expired (SignatureExpired)
        return ""
    return ASK if person == user.person else ""
