"""Internal notes by an agent of a value-stream task's department, on the request
page and in the API: the owning queue reads them, the requester never does."""

from __future__ import annotations

import re

import pytest
from flask.testing import FlaskClient

from kb.accounts.records import User
from tests.support import post_request_form, sign_in_as, text_of
from webapp.services import services

pytestmark = pytest.mark.usefixtures("people")

NOTE = "Laptop back-ordered, two weeks"
API_NOTE = "Docking station on its way"


@pytest.fixture
def onboarding(client: FlaskClient) -> int:
    """An HR onboarding request with a task of IT (ivan's department)."""
    made = services(client.application).requests.submit(
        User(username="emma"), "New hire", workflow="onboarding"
    )
    assert made.id is not None
    return made.id


def test_a_task_agent_writes_internal_notes_the_requester_never_reads(
    client: FlaskClient, onboarding: int
) -> None:
    token = sign_in_as(client, "ivan")
    page = text_of(client.get(f"/requests/{onboarding}?hl=en"))
    assert 'name="internal" value="1"' in page  # the reply form offers the choice
    answer = post_request_form(client, token, onboarding, "comment", text=NOTE, internal="1")
    assert answer.status_code == 303, text_of(answer)
    answer = client.post(
        f"/api/requests/{onboarding}/comments",
        json={"text": API_NOTE, "internal": True},
        headers={"X-CSRF-Token": token},
    )
    assert answer.status_code == 201, text_of(answer)
    detail = answer.get_json()
    assert detail["permissions"]["internal_notes"] is True
    notes = {e["message"]: e for e in detail["history"] if e["kind"] == "comment"}
    assert not notes[NOTE]["visible_to_requester"] and NOTE in notes and API_NOTE in notes
    sign_in_as(client, "hanna")  # the owning queue reads them
    page = text_of(client.get(f"/requests/{onboarding}?hl=en"))
    assert NOTE in page and API_NOTE in page
    sign_in_as(client, "emma")  # the requester: neither on the page nor in the API
    page = text_of(client.get(f"/requests/{onboarding}?hl=en"))
    assert NOTE not in page and API_NOTE not in page
    history = client.get(f"/api/requests/{onboarding}").get_json()["history"]
    assert not [e for e in history if e["message"] in (NOTE, API_NOTE)]
    assert (
        client.get(f"/api/requests/{onboarding}").get_json()["permissions"]["internal_notes"]
        is False
    )


def test_a_task_agent_is_told_whom_the_reply_reaches(client: FlaskClient, onboarding: int) -> None:
    """An agent of a task's department writes to the requester as the queue's agents
    do: the reply box says so, rather than the requester's "Your reply"."""
    sign_in_as(client, "ivan")
    page = text_of(client.get(f"/requests/{onboarding}?hl=en"))
    assert ">Reply to the requester</label>" in page and ">Your reply</label>" not in page
    sign_in_as(client, "emma")
    page = text_of(client.get(f"/requests/{onboarding}?hl=en"))
    assert ">Your reply</label>" in page and "Reply to the requester" not in page


def test_the_requester_is_told_that_closing_cancels_the_departments_tasks(
    client: FlaskClient, onboarding: int
) -> None:
    """A manager's one tap on "Close request" cancelled the tasks of four departments
    unannounced; the agents were told, the requester was not."""
    sign_in_as(client, "emma")
    page = text_of(client.get(f"/requests/{onboarding}?hl=en"))
    assert 'id="close-cancels-tasks">Closing the request cancels the departments&#39; open' in page
    assert 'aria-describedby="close-cancels-tasks">Close request</button>' in page
    german = text_of(client.get(f"/requests/{onboarding}?hl=de"))
    assert re.search(r"Aufgaben der Abteilungen abgebrochen \(noch \d+ offen\)\.</p>", german)
    plain = services(client.application).requests.submit(
        User(username="emma"), "VPN?", department="it"
    )
    assert "close-cancels-tasks" not in text_of(client.get(f"/requests/{plain.id}?hl=en"))
