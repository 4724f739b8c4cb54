"""Malformed input to the request API: a value of the wrong type is named as
such (not "please fill this in", which tells a caller who sent it that it was
missing); NaN and Infinity, which Python's JSON parser takes but JSON does not
know, are refused, and no answer carries them (a strict parser could not read
it); a watcher's name in the path is bounded like the body's."""

from __future__ import annotations

import json
from typing import Any

import pytest
from flask.testing import FlaskClient

from kb.store.protocols import Store
from tests.support import error_of, sign_in_as, text_of

pytestmark = pytest.mark.usefixtures("request_content", "people")


def strict(response: Any) -> Any:
    """The body, parsed as JSON is defined (no NaN or Infinity)."""

    def refuse(constant: str) -> None:
        raise AssertionError(f"{constant} in an answer: not JSON")

    return json.loads(text_of(response), parse_constant=refuse)


def send(client: FlaskClient, user: str, method: str, path: str, body: str) -> Any:
    token = sign_in_as(client, user)
    return getattr(client, method)(
        path, data=body, content_type="application/json", headers={"X-CSRF-Token": token}
    )


@pytest.fixture
def request_id(client: FlaskClient) -> int:
    filed = send(client, "emma", "post", "/api/requests", '{"query": "VPN", "department": "it"}')
    assert filed.status_code == 201
    return int(filed.get_json()["id"])


@pytest.mark.parametrize(
    ("user", "method", "sub", "body", "field"),
    [
        ("emma", "post", "", {"query": 5}, "query"),
        ("emma", "post", "", {"query": "VPN", "department": ["it"]}, "department"),
        ("emma", "post", "/{id}/comments", {"text": {"a": 1}}, "text"),
        ("ivan", "patch", "/{id}", {"status": 5}, "status"),
        ("ivan", "patch", "/{id}", {"assignee": True}, "assignee"),
        ("ivan", "patch", "/{id}", {"status": "closed", "note": ["x"]}, "note"),
    ],
)
def test_a_value_of_the_wrong_type_is_named_as_such(
    client: FlaskClient,
    store: Store,
    request_id: int,
    user: str,
    method: str,
    sub: str,
    body: dict[str, Any],
    field: str,
) -> None:
    path = "/api/requests" + sub.format(id=request_id)
    error = error_of(send(client, user, method, path, json.dumps(body)), 400, "invalid_request")
    assert error["details"] == {"field": field, "expected": "string"}
    assert "please give a text" in error["message"] and "fill this in" not in error["message"]
    assert store.get_request(request_id).version == 1


@pytest.mark.parametrize("constant", ["NaN", "Infinity", "-Infinity"])
def test_nan_and_infinity_are_refused_anywhere_in_a_body(
    client: FlaskClient, store: Store, request_id: int, constant: str
) -> None:
    for user, method, path, body in (
        ("emma", "post", "/api/requests", f'{{"query": "x", "department_confidence": {constant}}}'),
        ("emma", "post", "/api/requests", f'{{"query": "x", "fields": {{"a": [{constant}]}}}}'),
        ("ivan", "post", "/api/requests/bulk", f'{{"ids": [{constant}], "status": "closed"}}'),
        ("emma", "post", f"/api/requests/{request_id}/rating", f'{{"rating": {constant}}}'),
    ):
        answer = send(client, user, method, path, body)
        assert answer.status_code == 400, (path, text_of(answer))
        assert strict(answer)["error"]["message"].endswith(
            "which JSON does not know; please send a number."
        )
    assert [r.id for r in store.list_requests(requester="emma")] == [request_id]


def test_a_confidence_sent_as_nan_text_is_answered_in_json(
    client: FlaskClient, request_id: int
) -> None:
    for text in ("NaN", "1e999", "-inf"):
        body = json.dumps({"query": "x", "department": "it", "department_confidence": text})
        answer = send(client, "emma", "post", "/api/requests", body)
        error = strict(answer)["error"]
        assert answer.status_code == 400 and error["details"]["field"] == "department_confidence"


def test_a_watcher_s_name_in_the_path_is_bounded(client: FlaskClient, request_id: int) -> None:
    token = sign_in_as(client, "emma")
    answer = client.delete(
        f"/api/requests/{request_id}/watchers/{'a' * 5000}", headers={"X-CSRF-Token": token}
    )
    error = error_of(answer, 400, "invalid_request")
    assert error["details"] == {"field": "username", "max": 254}
    assert "a" * 300 not in text_of(answer)
