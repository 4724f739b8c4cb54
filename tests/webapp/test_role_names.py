"""Refusals outside the accounts page name roles as the accounts page does
(`webapp.role_names`): by their labels, in German and English, with the
department by its name (`Bearbeitende – IT Service Desk`), never by the id
alone (`agent:it`); the API adds the id, as a program sends it."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient

from tests.support import error_of, sign_in_as, text_of

pytestmark = pytest.mark.usefixtures("people")


@pytest.mark.parametrize(
    ("lang", "asked"),
    [
        ("de", "Bitten Sie die Administrierenden um die Rolle „Bearbeitende – IT Service Desk“."),
        ("en", "Ask an administrator for the role Agent – IT Service Desk."),
    ],
)
def test_a_queue_refusal_names_the_role_by_its_label(
    client: FlaskClient, lang: str, asked: str
) -> None:
    sign_in_as(client, "hanna")  # an agent of HR
    refused = client.get(f"/requests/queue/it?hl={lang}")
    assert refused.status_code == 403
    page = text_of(refused)
    assert asked in page
    assert "agent:it" not in page


def test_the_api_names_the_role_by_its_label_and_id(client: FlaskClient) -> None:
    sign_in_as(client, "hanna")
    refused = client.get("/api/requests?department=it", headers={"Accept-Language": "en"})
    error = error_of(refused, 403, "forbidden")
    assert error["message"].endswith(
        "Ask an administrator for the role Agent – IT Service Desk (agent:it)."
    )
    assert error["details"]["department"] == "it"


def test_a_content_owner_refusal_names_the_role_by_its_label(client: FlaskClient) -> None:
    sign_in_as(client, "cora")  # a content owner of IT
    refused = client.get("/manage/new?department=hr&hl=de")
    assert refused.status_code == 403
    page = text_of(refused)
    assert "um die Rolle „Inhaltsverantwortliche – Human Resources“." in page
    assert "content_owner:hr" not in page
