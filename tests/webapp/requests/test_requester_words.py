"""A requester reads their own request in plain words: a status they can
understand, their own reply said as theirs, and watchers named clearly in
German; the agents keep their own terms."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient

from kb.requests.lifecycle import RequestStatus
from kb.store.protocols import Store
from tests.support import post_request_form, sign_in_as, text_of
from tests.webapp.requests.test_history_texts import events
from tests.webapp.requests.test_page_forms import file
from webapp.services import services

pytestmark = pytest.mark.usefixtures("people")


def _badge(page: str) -> str:
    return page.split('class="status status--', 1)[1].split("</span>", 1)[0]


def test_a_triaged_request_reads_accepted_to_its_requester(
    client: FlaskClient, store: Store
) -> None:
    request_id = file(client)
    ivan = store.get_user("ivan")
    assert ivan is not None
    services(client.application).requests.transition(ivan, request_id, RequestStatus.TRIAGED)
    sign_in_as(client, "emma")
    assert _badge(text_of(client.get(f"/requests/{request_id}?hl=en"))).endswith(">Accepted")
    assert _badge(text_of(client.get(f"/requests/{request_id}?hl=de"))).endswith(">Angenommen")
    mine = text_of(client.get("/requests/mine?hl=en"))
    assert "Triaged" not in mine
    sign_in_as(client, "ivan")
    assert _badge(text_of(client.get(f"/requests/{request_id}?hl=en"))).endswith(">Triaged")
    assert _badge(text_of(client.get(f"/requests/{request_id}?hl=de"))).endswith(">Zugeordnet")


def test_a_request_an_agent_answered_reads_in_progress_not_new(client: FlaskClient) -> None:
    request_id = file(client)
    assert _badge(text_of(client.get(f"/requests/{request_id}?hl=de"))).endswith(">Neu")
    token = sign_in_as(client, "ivan")
    post_request_form(client, token, request_id, "comment", text="Wir schauen es uns an.")
    assert _badge(text_of(client.get(f"/requests/{request_id}?hl=de"))).endswith(">In Bearbeitung")
    sign_in_as(client, "emma")
    page = text_of(client.get(f"/requests/{request_id}?hl=de"))
    assert _badge(page).endswith(">In Bearbeitung")
    assert "Die Arbeit an der Anfrage hat begonnen." in page
    mine = text_of(client.get("/requests/?hl=de"))
    assert "status--in_progress" in mine and "status--new" not in mine


def test_the_requester_reads_their_own_reply_as_theirs(client: FlaskClient, store: Store) -> None:
    request_id = file(client)
    ivan, emma = store.get_user("ivan"), store.get_user("emma")
    assert ivan is not None and emma is not None
    service = services(client.application).requests
    service.transition(ivan, request_id, RequestStatus.WAITING_FOR_REQUESTER, "Which client?")
    service.comment(emma, request_id, "Version 6.1")
    sign_in_as(client, "emma")
    english = text_of(client.get(f"/requests/{request_id}?hl=en"))
    assert "You replied." in english and "The requester replied." not in english
    german = text_of(client.get(f"/requests/{request_id}?hl=de"))
    assert "Sie haben geantwortet." in german
    assert "Die anfragende Person hat geantwortet." not in german
    sign_in_as(client, "ivan")
    agent = text_of(client.get(f"/requests/{request_id}?hl=en"))
    assert "The requester replied." in agent and "You replied." not in agent


def test_watchers_are_named_plainly_in_german(client: FlaskClient, store: Store) -> None:
    request_id = file(client)
    ivan = store.get_user("ivan")
    assert ivan is not None
    services(client.application).requests.watch(ivan, request_id, "hanna")
    sign_in_as(client, "ivan")
    german = text_of(client.get(f"/requests/{request_id}?hl=de"))
    assert '<h2 id="watchers-h">Beobachtende</h2>' in german
    assert "Folgende" not in german
    assert "hat hanna zu den Beobachtenden hinzugefügt" in events(german)
