"""GET /api/me: who is signed in, their roles, and the session's CSRF token."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient

from tests.support import sign_in_as

pytestmark = pytest.mark.usefixtures("people")


def test_me_tells_roles_and_the_csrf_token(client: FlaskClient) -> None:
    token = sign_in_as(client, "ivan")
    body = client.get("/api/me").get_json()
    assert body["username"] == "ivan"
    assert body["roles"] == ["agent:it"]
    assert {"employee", "agent", "it", "agent:it"} <= set(body["groups"])
    assert body["csrf_token"] == token
