"""The `auth_api` blueprint: who is signed in, for API clients.

GET /api/me   the signed-in user, their roles and groups, and the session's
              CSRF token (needed by calls that change something)
"""

from __future__ import annotations

from flask import Blueprint, jsonify
from werkzeug.wrappers import Response

from webapp.auth.csrf import csrf_token
from webapp.auth.identity import require_user, user_groups

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
        }
    )
