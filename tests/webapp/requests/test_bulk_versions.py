"""A bulk change in the API names the version the client read of each request:
one changed since is left as it is and reported, the others go on."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from kb.store.protocols import Store
from tests.support import error_of, sign_in_as
from tests.webapp.requests.test_page_forms import file

pytestmark = pytest.mark.usefixtures("people")


def bulk(client: FlaskClient, user: str, **body: Any) -> Any:
    token = sign_in_as(client, user)
    return client.post("/api/requests/bulk", json=body, headers={"X-CSRF-Token": token})


def test_a_request_changed_since_the_list_was_read_is_left_as_it_is(
    app: Flask, store: Store
) -> None:
    """Without versions, a bulk change overwrote what a colleague changed after the
    agent loaded the list (here: their assignment)."""
    first, second, third = (file(app.test_client()) for _ in range(3))
    ivan, other = app.test_client(), app.test_client()
    token = sign_in_as(ivan, "ivan")
    listed = ivan.get("/api/requests?department=it").get_json()["requests"]
    read = {item["id"]: item["version"] for item in listed}
    assert read == {first: 1, second: 1, third: 1}
    colleague = sign_in_as(other, "ivan")
    taken = other.patch(
        f"/api/requests/{first}", json={"assignee": "ivan"}, headers={"X-CSRF-Token": colleague}
    )
    assert taken.status_code == 200 and taken.get_json()["version"] == 2

    ids = [{"id": first, "version": read[first]}, {"id": second, "version": 1}, third]
    answer = ivan.post(
        "/api/requests/bulk",
        json={"ids": ids, "assignee": None, "status": "in_progress"},
        headers={"X-CSRF-Token": token},
    )
    assert answer.status_code == 200
    results = answer.get_json()["results"]
    assert [(r["id"], r["ok"]) for r in results] == [(first, False), (second, True), (third, True)]
    error = results[0]["error"]
    assert error["code"] == "stale_version"
    assert error["details"] == {"id": first, "your_version": 1, "current_version": 2}
    assert "left as it is" in error["message"] and "If-Match" not in error["message"]
    kept = store.get_request(first)
    assert (kept.assignee, kept.status.value, kept.version) == ("ivan", "new", 2)
    assert [store.get_request(i).status.value for i in (second, third)] == ["in_progress"] * 2


def test_bare_ids_still_change_the_current_version(app: Flask, store: Store) -> None:
    request_id = file(app.test_client())
    client = app.test_client()
    results = bulk(client, "ivan", ids=[request_id], assignee="ivan").get_json()["results"]
    assert results == [{"id": request_id, "ok": True, "error": None}]
    assert store.get_request(request_id).assignee == "ivan"


def test_the_version_may_be_the_etag(app: Flask, store: Store) -> None:
    request_id = file(app.test_client())
    client = app.test_client()
    sign_in_as(client, "ivan")
    etag = client.get(f"/api/requests/{request_id}").headers["ETag"]
    body = {"ids": [{"id": request_id, "version": etag}], "assignee": "ivan"}
    assert bulk(client, "ivan", **body).get_json()["results"][0]["ok"] is True
    assert store.get_request(request_id).assignee == "ivan"


def test_a_weak_version_is_refused_as_if_match_refuses_it(app: Flask, store: Store) -> None:
    """`{"version": "W/\"1\""}` was taken as version 1, while If-Match: W/"1" is a 412:
    a version in the body is compared strongly too, and nothing is changed."""
    request_id = file(app.test_client())
    client = app.test_client()
    body = {"ids": [{"id": request_id, "version": 'W/"1"'}], "assignee": "ivan"}
    error = error_of(bulk(client, "ivan", **body), 412, "weak_etag")
    assert error["details"]["field"] == "ids[0].version"
    assert "strong" in error["message"]
    assert store.get_request(request_id).assignee is None


@pytest.mark.parametrize(
    ("item", "field"),
    [
        ({"id": "ID", "version": "x"}, "ids[0].version"),
        ({"id": "ID", "version": 0}, "ids[0].version"),
        ({"id": "ID", "version": True}, "ids[0].version"),
        ({"id": "ID", "version": 2**70}, "ids[0].version"),
        ({"id": "ID", "version": None}, "ids[0].version"),
        ({"id": "ID", "version": ""}, "ids[0].version"),
        ({"id": "ID", "ver": 1}, "ids[0].ver"),
        ({"version": 1}, "ids"),
        ({"id": "1"}, "ids"),
        ({"id": 0, "version": 1}, "ids"),
    ],
)
def test_a_broken_item_is_a_400_naming_it_and_changes_nothing(
    app: Flask, store: Store, item: dict[str, Any], field: str
) -> None:
    request_id = file(app.test_client())
    item = {name: request_id if value == "ID" else value for name, value in item.items()}
    answer = bulk(app.test_client(), "ivan", ids=[item], assignee="ivan")
    assert error_of(answer, 400, "invalid_request")["details"]["field"] == field
    assert store.get_request(request_id).assignee is None


def test_one_request_named_with_two_versions_is_refused(app: Flask, store: Store) -> None:
    request_id = file(app.test_client())
    ids = [{"id": request_id, "version": 1}, {"id": request_id, "version": 2}]
    answer = bulk(app.test_client(), "ivan", ids=ids, assignee="ivan")
    error = error_of(answer, 400, "invalid_request")
    assert error["details"]["field"] == "ids[1].version"
    assert f"#{request_id} is named twice" in error["message"]
    assert store.get_request(request_id).assignee is None
    # The same version twice is one request named twice: changed once.
    ids = [{"id": request_id, "version": 1}, request_id, {"id": request_id, "version": 1}]
    results = bulk(app.test_client(), "ivan", ids=ids, assignee="ivan").get_json()["results"]
    assert [r["ok"] for r in results] == [True]


def test_the_german_reader_is_told_in_german(app: Flask, store: Store) -> None:
    request_id = file(app.test_client())
    client = app.test_client()
    token = sign_in_as(client, "ivan")
    client.patch(f"/api/requests/{request_id}", json={"assignee": "ivan"},
                 headers={"X-CSRF-Token": token})  # fmt: skip
    answer = client.post(
        "/api/requests/bulk",
        json={"ids": [{"id": request_id, "version": 1}], "status": "in_progress"},
        headers={"X-CSRF-Token": token, "Accept-Language": "de"},
    )
    message = answer.get_json()["results"][0]["error"]["message"]
    assert "blieb deshalb unverändert" in message
