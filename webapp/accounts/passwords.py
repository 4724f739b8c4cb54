"""The accounts page's temporary passwords: creating an account and resetting
one's password (administrators only, as the rest of the page: routes on the
`accounts` blueprint).

`GET /accounts/+new` is the form (username, display name, role, department,
reason); `POST /accounts/+new` creates the account with a one-time temporary
password (`kb.accounts.passwords.create_account`) and
`POST /accounts/<username>/reset-password` gives an existing one a new one
(`reset_password`, its sessions end). Either answers with a redirect to
`GET /accounts/<username>/temporary-password`, the page that shows the
password once, to pass on (post/redirect/get: a reload posts nothing again;
`webapp.accounts.shown_once`): it is kept only as its hash, and the account
must change it at its first sign-in. A refused form is its page again, with
the message at its field and what was typed kept (the accounts blueprint's
error handler, `routes._refused`).
"""

from __future__ import annotations

from typing import Any

from flask import flash, make_response, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from kb.accounts.directory import Account
from kb.accounts.passwords import GivenPassword, create_account, reset_password
from kb.accounts.roles import MAX_REASON_CHARS, required_reason
from kb.accounts.service import existing_user
from webapp import services
from webapp.accounts import shown_once
from webapp.accounts.grant_form import form_department
from webapp.accounts.presenters import grant_choices, grant_departments
from webapp.auth.identity import require_user
from webapp.i18n import gettext

NEW_FIELDS = ("username", "display_name", "role", "department", "reason")


def new_page(**refusal: Any) -> str:
    """The form that creates an account (with a refusal at its field)."""
    return render_template(
        "accounts/new.html",
        posted=request.form if refusal else {},
        reason_limit=MAX_REASON_CHARS,
        **grant_choices(),
        **refusal,
    )


def show_once(given: GivenPassword, *, created: bool) -> Response:
    """To the page that shows the password just given, which it crosses to in
    the session (never in the URL)."""
    username = given.user.username
    shown_once.keep(shown_once.Shown(username, given.password, created))
    return redirect(url_for("accounts.temporary_password", username=username), code=303)


def given_page(username: str) -> Response:
    """The page that shows the temporary password kept for `username`, once; when
    none is kept (a reload, another tab), the account's page with a note that it
    was shown already and how to give a new one."""
    shown = shown_once.take(username)
    if shown is None:
        flash(gettext("accounts_temporary_shown", name=username), "info")
        return redirect(url_for("accounts.account", username=username) + "#outcome", code=303)
    user = existing_user(services.store(), username, "the accounts page lists the accounts")
    former = services.store().aliases_of(user.username)
    page = render_template(
        "accounts/temporary.html",
        account=Account(user, former),
        password=shown.password,
        created=shown.created,
    )
    response = make_response(page)
    response.headers["Cache-Control"] = "no-store"  # not kept for the back button
    return response


def create_from_form() -> GivenPassword:
    form = request.form
    return create_account(
        services.store(),
        form.get("username", ""),
        form.get("role", ""),
        form_department(form.get("role", ""), form.get("department")),
        form.get("display_name", ""),
        actor=require_user().username,
        reason=required_reason(form.get("reason")),
        departments=grant_departments(),
    )


def reset_from_form(username: str) -> GivenPassword:
    reason = required_reason(request.form.get("reason"))
    return reset_password(services.store(), username, actor=require_user().username, reason=reason)
