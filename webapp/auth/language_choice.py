"""A signed-in user's language choice, kept on their account for the mails
it is sent and for the interface in a browser that has no choice of its own.

The header's language links (`?hl=de`) set the interface language, which a
cookie keeps for the browser (`webapp.i18n`). Mails to an account are written
in the language it picked (`User.language`, `kb.notify.notifier`), so a page
whose `hl` names another language than the account holds writes it there.
A browser without the cookie (and without `hl`) shows the account's language
before the one Accept-Language asks for (`saved_language`, `webapp.i18n`).
Only pages count: `hl` on a JSON API call asks for texts in a language, not
for a change of the caller's mails. Nor does a page another site made the
browser ask for (a link, an image or a frame there, `sent_by_another_site`):
it is shown in the language asked for, but only the account's owner, on this
site, changes the language of its mails.
"""

from __future__ import annotations

import logging

from flask import Flask, Response, request

from kb.errors import KbError
from webapp import services
from webapp.auth.identity import current_user
from webapp.errors import is_api_request
from webapp.i18n import ACCOUNT_LANGUAGE, LANGUAGES, PARAM
from webapp.security import sent_by_another_site

logger = logging.getLogger(__name__)


def _keep_choice(response: Response) -> Response:
    asked = request.args.get(PARAM, "")
    if asked not in LANGUAGES or is_api_request() or sent_by_another_site():
        return response
    try:
        user = current_user()
        if user is not None and user.language != asked:
            services.store().set_language(user.username, asked)
    except KbError as exc:  # the store is down: the page still answers
        logger.warning("language: could not keep the language of an account: %s", exc.message)
    return response


def saved_language() -> str:
    """The language the signed-in account last picked; "" for a visitor, an
    account that picked none, or while the store cannot say."""
    try:
        user = current_user()
    except KbError as exc:  # the store is down: Accept-Language decides
        logger.warning("language: could not read the account's language: %s", exc.message)
        return ""
    return user.language if user is not None else ""


def init_app(app: Flask) -> None:
    app.after_request(_keep_choice)
    app.extensions[ACCOUNT_LANGUAGE] = saved_language
