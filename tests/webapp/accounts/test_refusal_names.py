"""The accounts page and its API name roles in a refusal as the page names them
(`Bearbeitende – IT Service Desk`), in German and English, never by their ids
alone (`agent:it`); the API adds each id, as a program sends it."""

from __future__ import annotations

import re

import pytest
from flask.testing import FlaskClient

from kb.accounts.records import User
from kb.store.protocols import Store
from tests.support import error_of, sign_in_as, text_of

pytestmark = pytest.mark.usefixtures("people")


def _form_error(html: str, form: str) -> str:
    found = re.search(rf'<p id="{form}-error"[^>]*>(.*?)</p>', html, re.S)
    assert found is not None, html
    return found.group(1)


def _form(token: str, role: str, department: str = "") -> dict[str, str]:
    return {"csrf_token": token, "role": role, "department": department, "reason": "x"}


@pytest.mark.parametrize(
    ("lang", "held", "missing", "none"),
    [
        (
            "de",
            "ivan hat die Rolle „Bearbeitende – IT Service Desk“ bereits.",
            "ivan hat die Rolle „Bearbeitende – Human Resources“ nicht; die Rollen des "
            "Kontos: Bearbeitende – IT Service Desk.",
            "nobody hat die Rolle „Auswertende“ nicht; die Rollen des Kontos: keine Rollen "
            "über Lesen und Fragen hinaus.",
        ),
        (
            "en",
            "ivan holds the role Agent – IT Service Desk already.",
            "ivan does not hold the role Agent – Human Resources; their roles: Agent – IT "
            "Service Desk.",
            "nobody does not hold the role Analyst; their roles: no roles beyond reading "
            "and asking.",
        ),
    ],
)
def test_a_refused_form_names_the_roles_by_their_labels(
    client: FlaskClient, store: Store, lang: str, held: str, missing: str, none: str
) -> None:
    store.add_user(User(username="nobody"))
    token = sign_in_as(client, "ada")
    again = client.post(f"/accounts/ivan/grant?hl={lang}", data=_form(token, "agent", "it"))
    assert again.status_code == 409
    assert _form_error(text_of(again), "grant") == held
    absent = client.post(f"/accounts/ivan/revoke?hl={lang}", data=_form(token, "agent", "hr"))
    assert absent.status_code == 404
    assert _form_error(text_of(absent), "revoke") == missing
    empty = client.post(f"/accounts/nobody/revoke?hl={lang}", data=_form(token, "analyst"))
    assert empty.status_code == 404
    assert _form_error(text_of(empty), "revoke") == none


def test_a_role_of_no_department_is_named_by_its_label(client: FlaskClient) -> None:
    token = sign_in_as(client, "ada")
    refused = client.post("/accounts/ivan/grant?hl=de", data=_form(token, "admin", "it"))
    assert refused.status_code == 400
    assert _form_error(text_of(refused), "grant").startswith(
        "Die Rolle „Administrierende“ wird nicht je Abteilung vergeben;"
    )


@pytest.mark.parametrize(
    ("lang", "held", "known"),
    [
        (
            "de",
            "ivan hat die Rolle „Bearbeitende – IT Service Desk (agent:it)“ bereits.",
            "möglich sind Beschäftigte (employee), Bearbeitende (agent), "
            "Inhaltsverantwortliche (content_owner), Auswertende (analyst), "
            "Administrierende (admin).",
        ),
        (
            "en",
            "ivan holds the role Agent – IT Service Desk (agent:it) already.",
            "use one of Employee (employee), Agent (agent), Content owner (content_owner), "
            "Analyst (analyst), Administrator (admin).",
        ),
    ],
)
def test_the_api_names_the_roles_by_their_labels_and_ids(
    client: FlaskClient, lang: str, held: str, known: str
) -> None:
    token = sign_in_as(client, "ada")
    headers = {"X-CSRF-Token": token, "Accept-Language": lang}
    body = {"role": "agent", "department": "it", "reason": "x"}
    again = client.post("/api/accounts/ivan/grant", json=body, headers=headers)
    error = error_of(again, 409, "conflict")
    assert error["message"] == held
    assert error["details"] == {"username": "ivan", "role": "agent:it"}
    wizard = client.post(
        "/api/accounts/ivan/grant", json={**body, "role": "wizard"}, headers=headers
    )
    assert error_of(wizard, 400, "invalid_request")["message"].endswith(known)
