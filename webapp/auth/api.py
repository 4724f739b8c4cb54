"""The `auth_api` blueprint: who is signed in, for API clients.

GET  /api/me            the signed-in user, their roles and groups, and the
                        session's CSRF token (needed by calls that change something)
POST /api/me/password   {"current_password", "new_password"}: the signed-in
                        password account's new password, as the page
                        /auth/password changes it (the rules, the sign-in
                        limits); the other sessions end, this one goes on
                        with a new CSRF token (in the answer)
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, jsonify
from werkzeug.wrappers import Response

from kb.accounts.passwords import change_own_password
from kb.accounts.records import MAX_PASSWORD_CHARS
from kb.errors import KbError
from webapp import services
from webapp.auth.csrf import csrf_token
from webapp.auth.identity import require_user, user_groups
from webapp.auth.password import check_limits, count_failure, keep_this_session
from webapp.inputs import text_field
from webapp.json_body import json_object

PASSWORD_FIELDS = ("current_password", "new_password")

bp = Blueprint("auth_api", __name__, url_prefix="/api")


@bp.get("/me")
def me() -> Response:
    user = require_user()
    return jsonify(
        {
            "username": user.username,
            "display_name": user.display_name,
            "roles": sorted(g.label for g in user.grants),
            "groups": sorted(user_groups(user)),
            "csrf_token": csrf_token(create=True),
            "must_change_password": user.must_change_password,
        }
    )


@bp.post("/me/password")
def change_password() -> Response:
    user = require_user()
    data: dict[str, Any] = json_object(*PASSWORD_FIELDS)
    for name in PASSWORD_FIELDS:  # text, present, not too long; taken as sent, spaces too
        text_field(data, name, max_chars=MAX_PASSWORD_CHARS)
    current, new = (str(data[name]) for name in PASSWORD_FIELDS)
    check_limits(user)
    try:
        changed = change_own_password(services.store(), user, current, new)
    except KbError as exc:
        count_failure(user, exc)
        raise
    token = keep_this_session(changed)
    return jsonify(
        {"username": changed.username, "must_change_password": False, "csrf_token": token}
    )
