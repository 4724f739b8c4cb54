"""Requests follow the departments of the content root while the app runs: a
department folder added (or its file edited) after the request side started is
routed to, assigned in, moved to, offered in the forms and named without a
restart, through the same reading again that names departments on every page
(`Services.content_departments`)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
from flask.testing import FlaskClient

from kb.accounts.service import add_user
from kb.store.protocols import Store
from tests.support import sign_in_as, text_of

pytestmark = pytest.mark.usefixtures("people")

FLEET = "name: Fleet\ntargets:\n  first_response_hours: 1\n  resolution_hours: 4\n"


def api(client: FlaskClient, user: str, method: str, path: str, **body: Any) -> Any:
    token = sign_in_as(client, user)
    return getattr(client, method)(path, json=body or None, headers={"X-CSRF-Token": token})


def file(client: FlaskClient, department: str) -> Any:
    return api(
        client, "emma", "post", "/api/requests", query="Car park card", department=department
    )


@pytest.fixture
def running(client: FlaskClient) -> FlaskClient:
    """The app with its request service started (a request filed) before the new
    department exists, looking at the content root on every use."""
    from webapp.services import services

    services(client.application).departments_check_seconds = 0.0  # no wait, for the test
    assert file(client, "it").status_code == 201
    assert file(client, "fleet").status_code == 400  # no such department yet
    return client


def test_a_department_added_while_the_app_runs_takes_requests(
    running: FlaskClient, request_content: Path, store: Store
) -> None:
    client = running
    (request_content / "fleet").mkdir()
    (request_content / "fleet" / "_department.yml").write_text(FLEET, "utf-8")
    add_user(store, "fritz", "agent", "fleet")
    filed = file(client, "fleet")
    assert filed.status_code == 201, text_of(filed)
    new = filed.get_json()
    assert (new["department"], new["department_name"]) == ("fleet", "Fleet")
    # Due by the new department's own targets (4 working hours), not the default 40.
    assert new["resolution_due"] != file(client, "triage").get_json()["resolution_due"]
    # Its agent works it: assigned to them, listed in their queue.
    assigned = api(client, "fritz", "patch", f"/api/requests/{new['id']}", assignee="fritz")
    assert assigned.status_code == 200, text_of(assigned)
    queue = api(client, "fritz", "get", "/api/requests?department=fleet").get_json()
    assert [r["id"] for r in queue["requests"]] == [new["id"]]
    sign_in_as(client, "ada")  # an admin is offered every queue, the new one too
    assert 'href="/requests/queue/fleet"' in text_of(client.get("/requests/queue/"))
    # Another queue's agent moves a request there; the forms offer it.
    it_request = file(client, "it").get_json()["id"]
    moved = api(
        client, "ivan", "patch", f"/api/requests/{it_request}", department="fleet", reason="Cars"
    )
    assert moved.status_code == 200 and moved.get_json()["department"] == "fleet"
    sign_in_as(client, "emma")
    assert 'value="fleet"' in text_of(client.get("/ask/"))
    other = file(client, "it").get_json()["id"]
    sign_in_as(client, "ivan")
    assert 'value="fleet"' in text_of(client.get(f"/requests/{other}"))


def test_a_department_retitled_while_the_app_runs_is_named_so(
    running: FlaskClient, request_content: Path
) -> None:
    client = running
    (request_content / "fleet").mkdir()
    department_file = request_content / "fleet" / "_department.yml"
    department_file.write_text(FLEET, "utf-8")
    request_id = file(client, "fleet").get_json()["id"]
    folder_time = (request_content / "fleet").stat().st_mtime_ns
    department_file.write_text(FLEET.replace("Fleet", "Fleet Desk"), "utf-8")
    os.utime(request_content / "fleet", ns=(folder_time, folder_time))
    shown = api(client, "emma", "get", f"/api/requests/{request_id}").get_json()
    assert shown["request"]["department_name"] == "Fleet Desk"


def test_a_department_added_while_the_app_runs_has_its_card_on_the_home_page(
    running: FlaskClient, request_content: Path
) -> None:
    """The home page's cards came from the search index alone, so a department
    added while the app runs (requests already go to it) had no card, nor its
    top requests, until the next index run."""
    client = running
    assert 'id="home-fleet"' not in text_of(client.get("/"))
    (request_content / "fleet").mkdir()
    parking = (
        "top_requests: [parking]\nrequest_types:\n  - id: parking\n"
        "    title: {en: Parking card}\n"
        "    fields:\n      - {name: plate, type: text, required: true, label: {en: Plate}}\n"
    )
    (request_content / "fleet" / "_department.yml").write_text(FLEET + parking, "utf-8")
    page = text_of(client.get("/"))
    card = page[page.index('id="home-fleet"') :].split("</li>\n  ", 1)[0]
    assert "Fleet" in card and 'href="/catalogue/parking"' in card
