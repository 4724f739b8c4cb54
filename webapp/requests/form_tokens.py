"""The request page's reply form sent twice (a double click, back and send
again): posted once.

Each rendering of the reply form carries a fresh one-time token (the hidden
field `once`). The first sending of a token claims it in the store, as an
API call with an `Idempotency-Key` does (`webapp.requests.replays`,
`kb.store.replays`), under the sender's account; once the reply is posted,
its answer (where the page went, and the note it showed) is kept under the
token. The same form sent again with the same token and the same text is
answered as the first was (back to the conversation, "Reply sent"); nothing
is posted, mailed or counted again. While the first sending still runs, the
second waits for nothing: it goes to the request's page, where the first
reply shows once it is saved.

The reply and the mark that the token's form was posted are saved in one
transaction (`kb.store.replays`): when keeping the answer fails after it, the
form sent again goes to the request's page, and nothing is posted twice. A
refused or failed reply keeps nothing, so that sending it again
(corrected) runs again at once (`kb.store.replay_claims`); a token sent with
other text (the form edited and sent again) is no repeat and is answered as a
form without a token, which the stale-page check (`webapp.requests.stale`)
still guards.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable

from flask import flash, redirect, request, session, url_for
from werkzeug.wrappers import Response

from kb.accounts.records import User
from kb.attachments.records import Upload
from kb.requests.submission import requester_key
from kb.store.replay_claims import keep, release, running
from kb.store.replays import KeptAnswer, Posting
from kb.validators import utc_now
from webapp import services
from webapp.i18n import gettext
from webapp.requests.replays import files_call

FIELD = "once"
_TOKEN = re.compile(r"[A-Za-z0-9_-]{16,64}")
# The store's key space is shared with the API's Idempotency-Key: a prefix
# keeps a form's token from meeting a key a client chose.
_PREFIX = "form."


def new_token() -> str:
    """A fresh token for one rendering of a form."""
    return secrets.token_urlsafe(18)


def posted_once(
    actor: User,
    sent: tuple[dict[str, str], list[Upload]],
    done: str,
    send: Callable[[Callable[[], None]], Response | tuple[str, int]],
) -> Response | tuple[str, int]:
    """`send`'s answer, run at most once per form token of `actor` and what was
    `sent` (the form's fields and files). `send` gets a callback to call once the
    change is made (a refused change never calls it): only then is the answer
    kept, with `done` (the message key of the note it shows), for a form sent again."""
    token = request.form.get(FIELD) or ""
    if not _TOKEN.fullmatch(token):  # none, or not one the page wrote: a plain form
        return send(lambda: None)
    store = services.store()
    key = requester_key(actor.username, _PREFIX + token)
    claim = KeptAnswer(key, actor.username, files_call(*sent))
    kept = store.claim_answer(claim, utc_now())
    if kept is not None:
        if kept.fingerprint != claim.fingerprint:
            return send(lambda: None)  # other text under the same token: no repeat
        return _again(kept)
    made: list[bool] = []
    with running(store, key, Posting(key, 303, body=done)):
        answer = send(lambda: made.append(True))
    if not made or not isinstance(answer, Response):
        release(store, key)
        return answer
    keep(store, key, answer.status_code, {"Location": answer.location or ""}, done)
    return answer


def _again(kept: KeptAnswer) -> Response:
    """The first sending's answer again; the request's page while it still runs."""
    target = kept.headers.get("Location")
    if kept.status is None or not target:
        request_id = (request.view_args or {}).get("request_id")
        return redirect(url_for("requests.show", request_id=request_id), 303)
    note = gettext(kept.body) if kept.body else ""
    # After a double click the first answer's note is still waiting to be shown.
    if note and ("success", note) not in session.get("_flashes", []):
        flash(note, "success")
    return redirect(target, code=kept.status)
