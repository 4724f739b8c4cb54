"""What was typed into a form outlives the session it was typed in.

A form can arrive after its session ended (signed out in another tab, past
`session_hours`, a new password) or carrying the token of an earlier session
(signed in again elsewhere since). Such a form is never applied. Sending the
browser on to the sign-in page would drop what was typed, so the answer is a
page of its own (`form_not_sent`): it says that nothing was sent, shows what
was typed so that it can be copied (with or without a script), and leads to
the sign-in page, or back to the form's page when the browser is still
signed in, with the form's own page as the place to return to.

In the browser tab, `static/drafts.js` keeps the text of the forms marked
`data-draft` in `sessionStorage` while it is typed and puts it back when the
form is shown again as it was first shown. The drafts are filed under
`draft_owner`, a key derived from the account (its name and when it was
created) with the app's secret, so that a page of another person in the same tab removes them and never shows
them; the page that says the form was not sent tells the script (meta
`kb-drafts` = `keep`) that the form was not taken.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from urllib.parse import urlsplit

from flask import current_app, render_template, request, url_for
from werkzeug.wrappers import Response

from kb.accounts.records import User
from webapp.auth.sessions import account_mark
from webapp.auth.typed_fields import label_by_choice, set_by_page, typed_fields
from webapp.i18n import current_language
from webapp.security import local_path, path_for_links

# Never shown back, even if a form listed it: passwords, tokens and secrets.
_SECRET = re.compile(r"password|token|secret|csrf", re.IGNORECASE)


def draft_owner(user: User) -> str:
    """The key the browser files a signed-in person's drafts under: the same for
    every session of theirs, another for a later account given a freed name, and
    telling no one the name."""
    secret = str(current_app.secret_key or "").encode()
    mark = f"draft-owner\x00{user.username}\x00{account_mark(user)}".encode()
    return hmac.new(secret, mark, hashlib.sha256).hexdigest()[:24]


def form_page() -> str:
    """The page the posted form was on: the referring page when it is a page of
    this site (Referrer-Policy same-origin sends it), else the form's own address."""
    parts = urlsplit(request.referrer or "")
    if parts.netloc == request.host and parts.path.startswith("/"):
        back = local_path(parts.path + ("?" + parts.query if parts.query else ""))
        if back:
            return back
    return path_for_links(request.path)


def typed_text() -> list[tuple[str, str]]:
    """(label, text) of each field of the posted form that a person types into and
    that holds something, under the label the form shows, in the form's order;
    never a hidden field, a choice, a password or a token (see `typed_fields`)."""
    shown: list[tuple[str, str]] = []
    lang = current_language()
    for name, label in typed_fields(request.endpoint, lang):
        if _SECRET.search(name):
            continue
        label = label_by_choice(request.endpoint, name, request.form, lang) or label
        for value in request.form.getlist(name):
            if value.strip() and not set_by_page(request.endpoint, name, value):
                shown.append((label, value))
    return shown


def form_not_sent(
    *, reason: str, back: str, signed_in: bool, status: int, message: str = ""
) -> Response:
    """The page for a form that was not applied because its session ended
    (`reason` 'ended'), its token is not this session's ('expired'), the
    server could not take it now ('failed': busy, too many forms, an error;
    `message` says which, and the way back is the form, signed in or not), or
    what it was for is gone ('gone': a request type taken out of the catalogue
    while its form was open; `message` says so, and the way on is `back`)."""
    # The sign-in form itself goes back to the sign-in page it came from.
    stays = signed_in or reason == "failed" or urlsplit(back).path == url_for("auth.sign_in")
    target = back if stays else url_for("auth.sign_in", next=back)
    html = render_template(
        "auth/form_not_sent.html",
        reason=reason,
        message=message,
        target=target,
        signed_in=stays,
        typed=typed_text(),
        had_files=any(f.filename for f in request.files.values()),
    )
    response = Response(html, status=status, mimetype="text/html")
    # What was typed is on this page: the browser must not keep it in its cache.
    response.headers["Cache-Control"] = "no-store"
    return response
