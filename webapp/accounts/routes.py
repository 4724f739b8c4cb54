"""The `accounts` blueprint: the administrators' page of accounts and their roles.

`GET /accounts/` lists the accounts, found by name, role and department (a
GET form); `GET /accounts/<username>` shows one account's roles, a form to
grant one, a form to revoke each, and its grant history. Granting and
revoking are POST forms (post/redirect/get) that need a reason; what they
do and refuse is what `kb users add` and `kb users revoke` do and refuse
(`kb.accounts.roles`). Every view is for administrators only
(`kb.accounts.directory.check_admin`, before the view runs: anyone else is
answered 403 and nothing changes). A refused form is the account page again,
answered with the refusal's status, the field it is about marked and what
was typed kept.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from kb.accounts.directory import Account, AccountQuery, check_admin, find_accounts
from kb.accounts.history_query import FILTERS as HISTORY_FILTERS
from kb.accounts.history_query import HistoryQuery
from kb.accounts.roles import MAX_REASON_CHARS, grant_role, required_reason, revoke_role
from kb.accounts.service import existing_user, make_grant
from kb.errors import ConflictError, KbError, NotFoundError, ValidationError
from webapp import services
from webapp.accounts.grant_form import form_department
from webapp.accounts.passwords import (
    create_from_form,
    given_page,
    new_page,
    reset_from_form,
    show_once,
)
from webapp.accounts.presenters import (
    change_grant,
    grant_choices,
    grant_departments,
    grant_label,
    role_choices,
)
from webapp.auth.identity import header_mode, require_user
from webapp.errors import error_response, message_for
from webapp.i18n import current_language, gettext

bp = Blueprint("accounts", __name__, url_prefix="/accounts")

FORMS = {
    "accounts.grant": "grant",
    "accounts.revoke": "revoke",
    "accounts.reset_password": "reset",
}
FILTER_FIELDS = ("name", "role", "department")
HINT = "the accounts page lists the accounts"
# The rows the page of every account's grant history shows (the newest);
# `kb users grant-history` and the API list all of one account's.
HISTORY_ROWS = 1000


@bp.before_request
def _admins_only() -> None:
    check_admin(require_user())


@bp.app_template_global()
def accounts_helpers() -> dict[str, Any]:
    """What the accounts templates call to name grants and history rows."""
    return {"grant_label": grant_label, "change_grant": change_grant}


@bp.get("/")
def index() -> str:
    query = AccountQuery.parse(*(request.args.get(name) for name in FILTER_FIELDS))
    store = services.store()
    accounts = find_accounts(store.list_users(), query, store.aliases())
    return _list_page(accounts, query=query)


def _list_page(accounts: list[Account], **context: Any) -> str:
    return render_template(
        "accounts/index.html",
        accounts=accounts,
        typed={name: (request.args.get(name) or "")[:254] for name in FILTER_FIELDS},
        roles=role_choices(),
        departments=grant_choices()["departments"],
        **context,
    )


@bp.get("/+history")  # no username starts with +: it hides no account
def history() -> str:
    """The grant history of every account, newest first: who gave or took which
    role (or a password) from whom, when and why; the newest `HISTORY_ROWS` of
    those the filters (`account`, `role`, `department`) find."""
    query = HistoryQuery.parse(*(request.args.get(name) for name in HISTORY_FILTERS))
    return _history_page(query)


def _history_page(query: HistoryQuery, **context: Any) -> str:
    store = services.store()
    changes = query.find(store.grant_changes())
    shown = list(reversed(changes[-HISTORY_ROWS:]))
    return render_template(
        "accounts/history.html",
        changes=shown,
        truncated=len(changes) > HISTORY_ROWS,
        existing={u.username for u in store.list_users()},
        query=query,
        typed={name: (request.args.get(name) or "")[:254] for name in HISTORY_FILTERS},
        roles=role_choices(),
        departments=grant_choices()["departments"],
        **context,
    )


@bp.get("/+new")  # no username starts with +: it hides no account
def new() -> str:
    return new_page()


@bp.post("/+new")
def create() -> Response:
    return show_once(create_from_form(), created=True)


@bp.post("/<username>/reset-password")
def reset_password(username: str) -> Response:
    return show_once(reset_from_form(username), created=False)


@bp.get("/<username>/temporary-password")
def temporary_password(username: str) -> Response:
    """The password just given, once (`webapp.accounts.shown_once`); again (a
    reload), the account's page saying it was shown already."""
    return given_page(username)


@bp.get("/<username>")
def account(username: str) -> str:
    return _account_page(username)


def _account_page(username: str, **refusal: Any) -> str:
    store = services.store()
    user = existing_user(store, username, HINT)
    former = store.aliases_of(user.username)
    return render_template(
        "accounts/account.html",
        account=Account(user, former),
        history=list(reversed(store.grant_changes(user.username))),
        header_mode=header_mode(),
        reason_limit=MAX_REASON_CHARS,
        posted=request.form if refusal else {},
        **grant_choices(),
        **refusal,
    )


@bp.post("/<username>/grant")
def grant(username: str) -> Response:
    admin = require_user()
    role = request.form.get("role", "")
    department = form_department(role, request.form.get("department"))
    grant_role(
        services.store(),
        username,
        role,
        department,
        actor=admin.username,
        reason=request.form.get("reason", ""),
        departments=grant_departments(),
    )
    shown = grant_label(make_grant(role, department))
    flash(gettext("accounts_granted", name=username, role=shown), "success")
    return redirect(url_for("accounts.account", username=username) + "#outcome", code=303)


@bp.post("/<username>/revoke")
def revoke(username: str) -> Response:
    admin = require_user()
    role, department = request.form.get("role", ""), request.form.get("department")
    reason = required_reason(request.form.get("reason"))
    revoke_role(services.store(), username, role, department, actor=admin.username, reason=reason)
    shown = grant_label(make_grant(role, department))
    flash(gettext("accounts_revoked", name=username, role=shown), "success")
    return redirect(url_for("accounts.account", username=username) + "#outcome", code=303)


@bp.errorhandler(ValidationError)
@bp.errorhandler(NotFoundError)
@bp.errorhandler(ConflictError)
def _refused(exc: KbError) -> Response | tuple[str, int]:
    """A grant or revoke form the store refused: the account page with the
    refusal at its form; a filter that cannot be: the list with it marked."""
    lang = current_language()
    message = message_for(exc, lang)
    field = str(exc.details.get("field") or "")
    if request.endpoint == "accounts.create":
        return new_page(error=message, failed_field=field or "username"), exc.status
    if request.method == "POST" and request.endpoint in FORMS and exc.key != "no_such_user":
        username = (request.view_args or {}).get("username", "")
        page = _account_page(
            username, failed=FORMS[request.endpoint], error=message, failed_field=field
        )
        return page, exc.status
    if request.endpoint == "accounts.index" and field in FILTER_FIELDS:
        return _list_page([], error=message, invalid=field, query=AccountQuery()), exc.status
    if request.endpoint == "accounts.history" and field in HISTORY_FILTERS:
        page = _history_page(HistoryQuery(), error=message, invalid=field)
        return page, exc.status
    return error_response(exc.status, exc.code, message, exc.details_in(lang))
