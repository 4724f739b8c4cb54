"""The accounts API: what the page shows and does, for programs, with the same
rules; administrators only, and changes need the session's CSRF token."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient

from kb.accounts.records import Grant, Role
from kb.store.protocols import Store
from tests.support import sign_in_as

pytestmark = pytest.mark.usefixtures("people")


def _post(client: FlaskClient, token: str, path: str, **body: object) -> tuple[int, dict]:
    response = client.post(path, json=body, headers={"X-CSRF-Token": token})
    return response.status_code, response.get_json()


def test_accounts_are_listed_and_filtered_as_on_the_page(client: FlaskClient) -> None:
    sign_in_as(client, "ada")
    found = client.get("/api/accounts").get_json()["accounts"]
    assert [a["username"] for a in found] == ["ada", "cora", "emma", "hanna", "ivan", "olga"]
    ivan = next(a for a in found if a["username"] == "ivan")
    assert ivan == {
        "username": "ivan",
        "display_name": "ivan",
        "roles": ["agent:it"],
        "password": False,
        "former_names": [],
    }
    agents = client.get("/api/accounts?role=agent&department=it").get_json()["accounts"]
    assert [a["username"] for a in agents] == ["ivan"]
    refused = client.get("/api/accounts?role=wizard")
    assert refused.status_code == 400
    assert refused.get_json()["error"]["details"]["field"] == "role"


def test_a_role_is_granted_and_revoked_with_a_reason(client: FlaskClient, store: Store) -> None:
    token = sign_in_as(client, "ada")
    status, body = _post(
        client, token, "/api/accounts/ivan/grant", role="agent", department="hr", reason="cover"
    )
    assert status == 200 and body["roles"] == ["agent:it", "agent:hr"]
    status, body = _post(
        client, token, "/api/accounts/ivan/revoke", role="agent", department="it", reason="moved"
    )
    assert status == 200 and body["roles"] == ["agent:hr"]
    history = client.get("/api/accounts/ivan/grant-history").get_json()
    assert [
        (c["change"], c["role"], c["department"], c["by"], c["reason"]) for c in history["changes"]
    ] == [
        ("granted", "agent", "it", "kb-cli", ""),
        ("granted", "agent", "hr", "ada", "cover"),
        ("revoked", "agent", "it", "ada", "moved"),
    ]
    assert store.get_user("ivan").grants == [Grant(role=Role.AGENT, department="hr")]  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("path", "body", "status", "field"),
    [
        ("grant", {"role": "analyst", "reason": " "}, 400, "reason"),
        ("grant", {"role": "analyst"}, 400, "reason"),
        ("grant", {"role": "analyst", "reason": "x" * 501}, 400, "reason"),
        ("grant", {"role": "wizard", "reason": "x"}, 400, "role"),
        ("grant", {"role": "admin", "department": "it", "reason": "x"}, 400, "department"),
        ("grant", {"role": "agent", "department": "nosuch", "reason": "x"}, 400, "department"),
        ("grant", {"role": "analyst", "reason": "x", "extra": 1}, 400, None),
        ("grant", {"role": 3, "reason": "x"}, 400, "role"),
        ("grant", {"role": "agent", "department": "it", "reason": "x"}, 409, None),
        ("revoke", {"role": "agent", "department": "hr", "reason": "x"}, 404, None),
    ],
)
def test_bad_input_is_refused_and_changes_nothing(
    client: FlaskClient, store: Store, path: str, body: dict, status: int, field: str | None
) -> None:
    token = sign_in_as(client, "ada")
    before = store.grant_changes("ivan")
    got, answer = _post(client, token, f"/api/accounts/ivan/{path}", **body)
    assert got == status, answer
    if field is not None:
        assert answer["error"]["details"]["field"] == field
    assert store.grant_changes("ivan") == before


def test_only_admins_with_the_token_change_roles(client: FlaskClient, store: Store) -> None:
    token = sign_in_as(client, "cora")
    assert client.get("/api/accounts").status_code == 403
    assert client.get("/api/accounts/ivan/grant-history").status_code == 403
    status, _ = _post(client, token, "/api/accounts/cora/grant", role="admin", reason="mine")
    assert status == 403
    sign_in_as(client, "ada")
    response = client.post("/api/accounts/ivan/grant", json={"role": "admin", "reason": "x"})
    assert response.status_code == 403  # no CSRF token
    assert client.get("/api/accounts/nobody/grant-history").status_code == 404
    assert not store.get_user("cora").has_role(Role.ADMIN)  # type: ignore[union-attr]
    assert not store.get_user("ivan").has_role(Role.ADMIN)  # type: ignore[union-attr]
