"""The `accounts_api` blueprint: the accounts page's calls for programs.

GET  /api/accounts?name=&role=&department=      accounts and their roles
POST /api/accounts                               {"username", "display_name", "role",
                                                 "department", "reason"}: a new account
                                                 with a temporary password (201)
POST /api/accounts/<username>/reset-password     {"reason"}: a new temporary password
GET  /api/accounts/+history?account=&role=&department=
                                                 the grant history of every account
GET  /api/accounts/<username>/grant-history      the account's grant history
POST /api/accounts/<username>/grant              {"role", "department", "reason"}
POST /api/accounts/<username>/revoke             {"role", "department", "reason"}

Administrators only, with the session's CSRF token for the two that change
something; the rules are the page's and the command line's
(`kb.accounts.roles`). Rows have the shapes of `kb users list --json` and
`kb users grant-history --json`.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any

from flask import Blueprint, jsonify, request
from werkzeug.wrappers import Response

from kb.accounts.directory import Account, AccountQuery, check_admin, find_accounts
from kb.accounts.history_query import FILTERS as HISTORY_FILTERS
from kb.accounts.history_query import HistoryQuery
from kb.accounts.passwords import GivenPassword, create_account, reset_password
from kb.accounts.records import User
from kb.accounts.roles import MAX_REASON_CHARS, grant_role, required_reason, revoke_role
from kb.accounts.service import existing_user
from webapp import services
from webapp.accounts import routes
from webapp.accounts.presenters import grant_departments
from webapp.auth.identity import require_user
from webapp.inputs import text_field
from webapp.json_body import json_object

bp = Blueprint("accounts_api", __name__, url_prefix="/api/accounts")

GRANT_FIELDS = ("role", "department", "reason")
NEW_FIELDS = ("username", "display_name", *GRANT_FIELDS)
HINT = "GET /api/accounts lists the accounts"


@bp.before_request
def _admins_only() -> None:
    check_admin(require_user())


@bp.get("")
def accounts() -> Response:
    query = AccountQuery.parse(*(request.args.get(n) for n in ("name", "role", "department")))
    store = services.store()
    found = find_accounts(store.list_users(), query, store.aliases())
    return jsonify({"accounts": [a.as_dict() for a in found]})


@bp.get("/+history")  # no username starts with +: it hides no account
def history() -> Response:
    """The rows of every account's grant history the filters find, oldest first, as
    the page finds them (its newest `routes.HISTORY_ROWS`; `truncated` when there are more)."""
    query = HistoryQuery.parse(*(request.args.get(name) for name in HISTORY_FILTERS))
    changes = query.find(services.store().grant_changes())
    shown = changes[-routes.HISTORY_ROWS :]
    return jsonify(
        {"changes": [c.as_dict() for c in shown], "truncated": len(changes) > len(shown)}
    )


@bp.get("/<username>/grant-history")
def grant_history(username: str) -> Response:
    store = services.store()
    user = existing_user(store, username, HINT)
    changes = store.grant_changes(user.username)
    return jsonify({"username": user.username, "changes": [c.as_dict() for c in changes]})


def _grant_body(data: dict[str, Any] | None = None) -> tuple[str, str, str]:
    data = json_object(*GRANT_FIELDS) if data is None else data
    role = text_field(data, "role")
    department = text_field(data, "department", required=False)
    reason = text_field(data, "reason", required=False, max_chars=MAX_REASON_CHARS)
    return role, department, required_reason(reason)


@bp.post("/<username>/grant")
def grant(username: str) -> Response:
    return _change(partial(grant_role, departments=grant_departments()), username)


@bp.post("/<username>/revoke")
def revoke(username: str) -> Response:
    return _change(revoke_role, username)


def _change(change: Callable[..., User], username: str) -> Response:
    """Grant or revoke what the body says, as the signed-in administrator."""
    role, department, reason = _grant_body()
    actor = require_user().username
    user = change(services.store(), username, role, department, actor=actor, reason=reason)
    former = services.store().aliases_of(user.username)
    return jsonify(Account(user, former).as_dict())


@bp.post("")
def create() -> tuple[Response, int]:
    data: dict[str, Any] = json_object(*NEW_FIELDS)
    username = text_field(data, "username", max_chars=254)
    display_name = text_field(data, "display_name", required=False, max_chars=254)
    role, department, reason = _grant_body(data)
    given = create_account(
        services.store(),
        username,
        role,
        department,
        display_name,
        actor=require_user().username,
        reason=reason,
        departments=grant_departments(),
    )
    return _given(given), 201


@bp.post("/<username>/reset-password")
def reset(username: str) -> Response:
    data: dict[str, Any] = json_object("reason")
    reason = required_reason(text_field(data, "reason", required=False, max_chars=MAX_REASON_CHARS))
    given = reset_password(services.store(), username, actor=require_user().username, reason=reason)
    return _given(given)


def _given(given: GivenPassword) -> Response:
    """The account and its temporary password: the one time it is told."""
    former = services.store().aliases_of(given.user.username)
    account = Account(given.user, former).as_dict()
    return jsonify({"account": account, "temporary_password": given.password})
