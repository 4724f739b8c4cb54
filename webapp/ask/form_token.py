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
(`suggestions_token`, under a salt of its own), which `kb.js` puts in the
form's `suggestions_shown` field. It signs the account's person key and the
search it was made for: the ask search that served the suggestions (its id,
or a digest of its `search_ref` when it was answered before it was logged)
and, for a form opened from a search ("Ask" on a results page), that search,
which the ask page's own token names. A request records suggestions as shown
only with such a token of the filer's account that names the search the
request names; a "1", a `true` in the JSON API, another account's token, or
a token of one search replayed onto a request from another is ignored.
"""

from __future__ import annotations

import hashlib
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
# A token this app makes is under 300 characters; longer is no token of its.
MAX_SERVED_CHARS = 500


def search_key(search_id: int | str | None, search_ref: str | None = "") -> str:
    """What a token names a search by: "id:N" for a logged one, else "ref:" and a
    digest of its `search_ref` (a reference is too long to sign again); "" for none."""
    number = str(search_id or "").strip()
    if number.isdigit() and int(number) > 0:
        return f"id:{int(number)}"
    if search_ref:
        return "ref:" + hashlib.sha256(search_ref.encode("utf-8")).hexdigest()[:32]
    return ""


def _serializer(salt: str = _SALT) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.secret_key or "", salt=salt)


def _signed(token: str, salt: str) -> tuple[str, list[str]] | None:
    """(The person key, the search keys) `token` was made for under `salt`, while
    valid for `session_hours`; None when forged, another app's or expired."""
    hours = services.services().settings.session_hours
    try:
        signed = _serializer(salt).loads(token, max_age=int(hours * 3600))
    except BadSignature:  # forged, another app's, or expired (SignatureExpired)
        return None
    if not isinstance(signed, dict) or not isinstance(signed.get("p"), str):
        return None  # a token of an earlier version, which named no search
    searches = signed.get("s")
    if not isinstance(searches, list):
        return None
    return signed["p"], [str(key) for key in searches if key]


def form_token(user: User, from_search: str = "") -> str:
    """The token of an ask form served now to `user`; `from_search` (`search_key`)
    names the search the form was opened from, if any."""
    return _serializer().dumps({"p": user.person, "s": [from_search] if from_search else []})


def _form_searches(user: User) -> list[str] | None:
    """The searches the ask form's token of this request names (see
    `form_token`); None without a token of `user`'s."""
    signed = _signed(request.headers.get(HEADER, ""), _SALT)
    if signed is None or signed[0] != user.person:
        return None
    return signed[1]


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
    return ASK if _form_searches(user) is not None else ""


def suggestions_token(
    source: str, results: int, search_id: int | None, search_ref: str | None
) -> str | None:
    """The proof that this ask search (`source`, as `search_source` decided;
    `search_id` or `search_ref` as it was answered) served the signed-in account
    `results` suggestions; None when it served none, or cannot be named."""
    this_search = search_key(search_id, search_ref)
    user = current_user() if source == ASK and results and this_search else None
    opened_from = _form_searches(user) if user is not None else None
    if user is None or opened_from is None:
        return None
    return str(
        _serializer(_SERVED_SALT).dumps({"p": user.person, "s": [this_search, *opened_from]})
    )


def suggestions_served(token: str | None, user: User, search: str) -> bool:
    """Whether `token` proves the ask form served `user` suggestions for the
    request that names `search` (`search_key`)."""
    if not token or len(token) > MAX_SERVED_CHARS or not search:
        return False
    signed = _signed(token, _SERVED_SALT)
    return signed is not None and signed[0] == user.person and search in signed[1]


def with_served_suggestions(
    sent: NewRequest, token: str | None, user: User, search_ref: str = ""
) -> NewRequest:
    """`sent` (filed from the search `sent.search_id`, or `search_ref`) with
    `suggestions_shown` as the server knows it (see above): a client's own value
    is replaced; `went_on_anyway` only when they were shown."""
    shown = suggestions_served(token, user, search_key(sent.search_id, search_ref))
    return replace(sent, suggestions_shown=shown, went_on_anyway=sent.went_on_anyway and shown)
