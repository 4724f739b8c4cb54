"""The service catalogue follows the department files while the app runs: a
request type or canned reply written into a department's file (or a department
added with its own) after the request side started is offered, filed and used
without a restart, read again when the departments are (`departments_stamp`)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
from flask.testing import FlaskClient

from tests.support import sign_in_as, text_of

pytestmark = pytest.mark.usefixtures("people")

PARKING = """
top_requests: [parking]
request_types:
  - id: parking
    title: {en: Parking card, de: Parkausweis}
    summary: {en: "Parking card for {plate}"}
    fields:
      - {name: plate, type: text, required: true, label: {en: Number plate, de: Kennzeichen}}
canned_replies:
  - id: card-ready
    title: {en: Card ready}
    text: {en: "Hello {requester}, the card for {plate} is ready."}
"""


def api(client: FlaskClient, user: str, method: str, path: str, **body: Any) -> Any:
    token = sign_in_as(client, user)
    return getattr(client, method)(path, json=body or None, headers={"X-CSRF-Token": token})


def test_a_request_type_written_while_the_app_runs_is_offered_and_filed(
    client: FlaskClient, request_content: Path
) -> None:
    from webapp.services import services

    services(client.application).departments_check_seconds = 0.0  # no wait, for the test
    first = api(client, "emma", "post", "/api/requests", query="VPN", department="it")
    assert first.status_code == 201  # the request side has started
    assert "parking" not in text_of(api(client, "emma", "get", "/api/catalogue"))
    it_file = request_content / "it" / "_department.yml"
    folder_time = (request_content / "it").stat().st_mtime_ns
    it_file.write_text(it_file.read_text("utf-8") + PARKING, "utf-8")
    os.utime(request_content / "it", ns=(folder_time, folder_time))  # the file alone changed
    catalogue = api(client, "emma", "get", "/api/catalogue").get_json()
    assert "parking" in [t["id"] for t in catalogue["request_types"]]
    filed = api(client, "emma", "post", "/api/requests", type="parking", fields={"plate": "HH-1"})
    assert filed.status_code == 201, text_of(filed)
    assert filed.get_json()["query"] == "Parking card for HH-1"
    request_id = filed.get_json()["id"]
    replies = api(client, "ivan", "get", f"/api/requests/{request_id}/canned-replies")
    [reply] = replies.get_json()["replies"]
    assert reply["text"] == "Hello emma, the card for HH-1 is ready."
