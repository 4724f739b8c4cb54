"""A department folder renamed while requests are open in it: its requests keep
the old name, in no queue anyone is offered. The admins' queue list names them,
with what to do, until `kb requests move-department` moves them."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from flask.testing import FlaskClient

from kb.requests.department_moves import move_department
from kb.store.protocols import Store
from tests.support import sign_in_as, text_of
from tests.webapp.requests.test_live_departments import file
from webapp.services import services

pytestmark = pytest.mark.usefixtures("people")


def orphans(page: str) -> str:
    found = re.search(r'<ul class="orphaned-queues">(.*?)</ul>', page, re.S)
    return found.group(1) if found else ""


def test_requests_of_a_renamed_folder_are_shown_to_admins_until_moved(
    client: FlaskClient, request_content: Path, store: Store
) -> None:
    services(client.application).departments_check_seconds = 0.0  # no wait, for the test
    request_id = file(client, "it").get_json()["id"]
    sign_in_as(client, "ada")
    assert orphans(text_of(client.get("/requests/queue/"))) == ""
    (request_content / "it").rename(request_content / "it-services")

    listed = orphans(text_of(client.get("/requests/queue/")))
    assert 'data-department="it"' in listed and "1 request (1 open)" in listed
    assert "kb requests move-department it NEW" in listed
    assert client.get(f"/requests/{request_id}").status_code == 200  # still readable
    german = orphans(text_of(client.get("/requests/queue/?hl=de")))
    assert "1 Anfrage (1 offen)" in german
    sign_in_as(client, "ivan")  # an agent of the old queue is not told the operator's work
    assert orphans(text_of(client.get("/requests/queue/"))) == ""

    service = services(client.application).requests
    move_department(store, service.departments, service.triage, "it", "it-services")
    sign_in_as(client, "ada")
    assert orphans(text_of(client.get("/requests/queue/"))) == ""
    assert store.get_request(request_id).department == "it-services"
