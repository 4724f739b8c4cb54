"""Privacy between employees on a request (SQLite and PostgreSQL): who may add
watchers, who reads a request as its requester does."""

from __future__ import annotations

from typing import Any

import pytest
from flask.testing import FlaskClient

from kb.store.protocols import Store
from tests.support import error_of, post_request_form, sign_in_as, text_of
from tests.webapp.backends import backend, settings  # noqa: F401 - fixtures, by name
from tests.webapp.catalogue.conftest import ONBOARDING_YML

pytestmark = pytest.mark.usefixtures("onboarding_content", "people")


@pytest.fixture
def onboarding_content(request_content: Any) -> Any:
    (request_content / "_workflows.yml").write_text(ONBOARDING_YML, encoding="utf-8")
    return request_content


def api(client: FlaskClient, user: str, method: str, path: str, **body: Any) -> Any:
    token = sign_in_as(client, user)
    return getattr(client, method)(path, json=body or None, headers={"X-CSRF-Token": token})


def onboarding(client: FlaskClient) -> int:
    response = api(
        client, "emma", "post", "/api/requests", query="", type="onboarding",
        fields={"new_hire": "Jana Fischer", "start_date": "2099-01-04"},
    )  # fmt: skip
    assert response.status_code == 201, text_of(response)
    return int(response.get_json()["id"])


def test_a_tasks_agent_may_not_add_watchers_the_owning_queue_and_requester_may(
    client: FlaskClient, store: Store
) -> None:
    """Red team: on HR's onboarding request, IT's agent (who works its laptop task)
    made olga a watcher, and olga read the request as its requester does. Only the
    requester and the owning queue's agents (and admins) add or remove others."""
    request_id = onboarding(client)
    url = f"/api/requests/{request_id}"
    assert api(client, "ivan", "get", url).get_json()["permissions"]["watch"] is False
    refused = api(client, "ivan", "post", f"{url}/watchers", username="olga")
    assert "tasks’ departments may not" in error_of(refused, 403, "forbidden")["message"]
    assert store.get_request(request_id).watchers == []
    assert api(client, "olga", "get", url).status_code == 404
    # The page offers IT's agent no form to add someone, and its form is refused too.
    token = sign_in_as(client, "ivan")
    page = text_of(client.get(f"/requests/{request_id}"))
    assert 'id="watcher-name"' not in page and "Watch this request" in page
    posted = post_request_form(client, token, request_id, "watchers", username="olga")
    assert posted.status_code == 403
    assert store.get_request(request_id).watchers == []
    # IT's agent may still watch it themselves, and stop.
    mine = client.post(f"{url}/watchers", json={}, headers={"X-CSRF-Token": token})
    assert mine.get_json()["watchers"] == ["ivan"], text_of(mine)
    assert api(client, "ivan", "delete", f"{url}/watchers/ivan").get_json()["watchers"] == []
    # The owning queue's agent and the requester add (and remove) anyone.
    assert api(client, "hanna", "get", url).get_json()["permissions"]["watch"] is True
    added = api(client, "hanna", "post", f"{url}/watchers", username="olga")
    assert added.get_json()["watchers"] == ["olga"]
    assert api(client, "olga", "get", url).status_code == 200
    removed = api(client, "ivan", "delete", f"{url}/watchers/olga")
    error_of(removed, 403, "forbidden")
    assert api(client, "emma", "delete", f"{url}/watchers/olga").get_json()["watchers"] == []
    assert api(client, "emma", "post", f"{url}/watchers", username="cora").status_code == 200
    assert api(client, "ada", "delete", f"{url}/watchers/cora").get_json()["watchers"] == []
