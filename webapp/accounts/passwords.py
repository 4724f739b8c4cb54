"""The accounts page's temporary passwords: creating an account and resetting
one's password (administrators only, as the rest of the page: routes on the
`accounts` blueprint).

`GET /accounts/+new` is the form (username, display name, role, department,
reason); `POST /accounts/+new` creates the account with a one-time temporary
password (`kb.accounts.passwords.create_account`) and
`POST /accounts/<username>/reset-password` gives an existing one a new one
(`reset_password`, its sessions end). Either answers with a page that shows
the password once, to pass on: it is kept only as its hash, and the account
must change it at its first sign-in. A refused form is its page again, with
the message at its field and what was typed kept (the accounts blueprint's
error handler, `routes._refused`).
"""

from __future__ import annotations

from typing import Any

from flask import render_template, request

from kb.accounts.directory import Account
from kb.accounts.passwords import GivenPassword, create_account, reset_password
from kb.accounts.roles import MAX_REASON_CHARS, required_reason
from webapp import services
from webapp.accounts.grant_form import form_department
from webapp.accounts.presenters import grant_choices, grant_departments
from webapp.auth.identity import require_user

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


def given_page(given: GivenPassword, *, created: bool) -> str:
    """The page that shows the temporary password, once."""
    former = services.store().aliases_of(given.user.username)
    return render_template(
        "accounts/temporary.html",
        account=Account(given.user, former),
        password=given.password,
        created=created,
    )


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
