"""A department folder renamed while requests are open in it: its requests keep
the old name, in no queue anyone is offered. The admins' queue list names them,
with what to do, until `kb requests move-department` moves them."""

from __future__ import annotations

import html
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


def test_the_queue_of_a_removed_folder_is_shown_to_admins_read_only(
    client: FlaskClient, request_content: Path, store: Store
) -> None:
    services(client.application).departments_check_seconds = 0.0  # no wait, for the test
    request_id = file(client, "it").get_json()["id"]
    (request_content / "it").rename(request_content / "it-services")

    sign_in_as(client, "ada")
    listed = orphans(text_of(client.get("/requests/queue/")))
    assert 'href="/requests/queue/it"' in listed
    answer = client.get("/requests/queue/it")
    page = text_of(answer)
    assert answer.status_code == 200, page
    assert 'class="flash flash--error removed-queue"' in page
    assert "kb requests move-department it NEW" in page
    assert f'href="/requests/{request_id}"' in page  # its requests, listed
    assert 'name="ids"' not in page and "bulk-actions" not in page  # nothing to change here
    listed = client.get("/api/requests?department=it")  # the API's queue, the same
    assert [r["id"] for r in listed.get_json()["requests"]] == [request_id]
    assert client.get("/requests/queue/nowhere").status_code == 400  # nothing names it
    sign_in_as(client, "ivan")  # an agent of the old queue: no queue by that name
    assert client.get("/requests/queue/it").status_code == 400

    service = services(client.application).requests
    move_department(store, service.departments, service.triage, "it", "it-services")
    sign_in_as(client, "ada")
    assert client.get("/requests/queue/it").status_code == 400  # moved: gone for good


def test_the_command_names_a_folder_with_a_space_as_one_shell_word(
    client: FlaskClient, request_content: Path
) -> None:
    """A department folder's name may hold a space; the command people copy
    would have moved `field` to `service` instead of `field service` to NEW."""
    services(client.application).departments_check_seconds = 0.0  # no wait, for the test
    (request_content / "field service").mkdir()
    filed = file(client, "field service")
    assert filed.status_code == 201, text_of(filed)
    (request_content / "field service").rename(request_content / "field-service")

    sign_in_as(client, "ada")
    listed = html.unescape(orphans(text_of(client.get("/requests/queue/"))))
    assert "kb requests move-department 'field service' NEW" in listed
    page = html.unescape(text_of(client.get("/requests/queue/field%20service")))
    assert "kb requests move-department 'field service' NEW" in page
