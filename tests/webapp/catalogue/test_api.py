"""The catalogue in the JSON API: GET /api/catalogue in its documented shape, and
POST /api/requests with a type and its fields (on SQLite and PostgreSQL)."""

from __future__ import annotations

from typing import Any

import pytest
from flask.testing import FlaskClient

from kb.store.protocols import Store
from tests.support import error_of, sign_in_as

pytestmark = pytest.mark.usefixtures("catalogue_content", "people")


def file(client: FlaskClient, body: dict[str, Any], lang: str = "en") -> Any:
    token = sign_in_as(client, "emma")
    headers = {"X-CSRF-Token": token, "Accept-Language": lang}
    return client.post("/api/requests", json=body, headers=headers)


def test_the_catalogue_answers_in_the_documented_shape(client: FlaskClient) -> None:
    body = client.get("/api/catalogue?hl=de").get_json()
    assert set(body) == {"departments", "request_types"}
    it = next(d for d in body["departments"] if d["id"] == "it")
    assert {"id", "name", "top_requests"} <= set(it)
    assert (it["name"], it["top_requests"]) == ("IT Service Desk", ["laptop", "onboarding"])
    types = {t["id"]: t for t in body["request_types"]}
    assert set(types) == {"laptop", "onboarding"}
    laptop = types["laptop"]
    assert {"id", "title", "department", "fields"} <= set(laptop)
    assert (laptop["title"], laptop["department"], laptop["value_stream"]) == (
        "Neuer Laptop", "it", False)  # fmt: skip
    fields = {f["name"]: f for f in laptop["fields"]}
    for field in fields.values():
        assert {"name", "type", "required", "choices"} <= set(field)
    assert [f["type"] for f in laptop["fields"]] == [
        "person", "choice", "date", "department", "boolean"]  # fmt: skip
    assert fields["model"]["choices"] == [
        {"value": "standard", "label": "Standard"},
        {"value": "developer", "label": "Entwicklung"},
    ]
    assert {c["value"] for c in fields["team"]["choices"]} == {"hr", "it"}
    assert (fields["for_whom"]["required"], fields["needed_by"]["required"]) == (True, False)
    assert fields["needed_by"]["help"] == "Der Tag, an dem er bereit sein muss."
    assert types["onboarding"]["value_stream"] is True


def test_a_request_of_a_type_is_filed_with_its_fields(client: FlaskClient, store: Store) -> None:
    response = file(client, {"type": "laptop", "fields": {"for_whom": "Jana Fischer",
                    "model": "developer", "needed_by": "2099-01-04", "docking": True}})  # fmt: skip
    assert response.status_code == 201, response.get_data(as_text=True)
    body = response.get_json()
    assert (body["type"], body["department"], body["query"]) == (
        "laptop", "it", "Laptop for Jana Fischer")  # fmt: skip
    assert body["fields"] == {
        "for_whom": "Jana Fischer", "model": "developer", "needed_by": "2099-01-04",
        "docking": True}  # fmt: skip
    assert store.get_request(body["id"]).fields == body["fields"]


def test_a_form_s_fields_cannot_reorder_how_pages_and_tasks_show_them(
    client: FlaskClient, store: Store
) -> None:
    """A request's question lost the controls that reorder the text after it, but
    its form's fields kept them: "For whom: Printer \u202etnegru si siht :ETON"
    showed as "Printer NOTE: this is urgent" on the request page, and a value
    stream's task titles made from a field did the same in other queues."""
    spoof = "Jana \u202etnegru si siht :ETON\u2066x\u2069"
    laptop = file(client, {"type": "laptop", "fields": {"for_whom": spoof, "model": "standard"}})
    assert laptop.status_code == 201, laptop.get_data(as_text=True)
    body = laptop.get_json()
    assert body["fields"]["for_whom"] == "Jana tnegru si siht :ETONx"
    assert store.get_request(body["id"]).fields["for_whom"] == "Jana tnegru si siht :ETONx"
    sign_in_as(client, "ivan")
    page = client.get(f"/requests/{body['id']}").get_data(as_text=True)
    assert "Jana tnegru si siht :ETONx" in page and "\u202e" not in page
    fields = {"new_hire": spoof, "start_date": "2099-01-04"}
    onboarding = file(client, {"type": "onboarding", "fields": fields})
    assert onboarding.status_code == 201, onboarding.get_data(as_text=True)
    titles = [t.title for t in store.tasks(onboarding.get_json()["id"])]
    assert titles[0] == "Employee record for Jana tnegru si siht :ETONx", titles


def test_a_value_stream_type_gets_its_tasks_at_once(client: FlaskClient, store: Store) -> None:
    response = file(
        client,
        {"type": "onboarding", "fields": {"new_hire": "Jana Fischer", "start_date": "2099-01-04"}},
    )
    assert response.status_code == 201, response.get_data(as_text=True)
    request_id = response.get_json()["id"]
    titles = [(t.department, t.title) for t in store.tasks(request_id)]
    assert titles == [
        ("hr", "Employee record for Jana Fischer"),
        ("it", "Laptop for Jana Fischer, starts 2099-01-04"),
    ]


def test_wrong_fields_are_named_as_the_form_names_them_in_the_callers_language(
    client: FlaskClient, store: Store
) -> None:
    response = file(
        client,
        {"type": "laptop", "fields": {"model": "gold", "needed_by": "4.1.2027", "x": 1}},
        lang="de",
    )
    error = error_of(response, 400, "invalid_request")
    assert error["details"]["field"] == "fields.x"
    assert set(error["details"]["fields"]) == {"x", "for_whom", "model", "needed_by"}
    assert "Für wen: Bitte ausfüllen" in error["message"]
    assert "Modell: Bitte eine der Möglichkeiten wählen" in error["message"]
    assert store.list_requests() == []
    for body, field in (
        ({"type": "tablet"}, "type"),
        ({"type": "laptop", "fields": ["Jana"]}, "fields"),
        ({"query": "Hi", "fields": {"for_whom": "Jana"}}, "type"),
    ):
        assert error_of(file(client, body), 400, "invalid_request")["details"]["field"] == field
