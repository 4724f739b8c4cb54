"""Inputs that answered 500 under schema fuzzing (issue 13) are 400s naming the
field: numbers beyond 64 bits, nulls where a value is needed, JSON nested
thousands deep, NUL characters, fields a call does not take. On SQLite and on
PostgreSQL (which cannot store a NUL and answered store_error for one)."""

from __future__ import annotations

import base64
import json

import pytest
from flask.testing import FlaskClient

from kb.store.protocols import Store
from tests.support import error_of, post_request_form, refused_page, sign_in_as
from tests.webapp.backends import backend, settings  # noqa: F401 - fixtures, by name

pytestmark = pytest.mark.usefixtures("people")

BIG = 2**63  # one past the databases' BIGINT


@pytest.fixture
def ivan(client: FlaskClient) -> dict[str, str]:
    """An agent of IT, signed in: the CSRF header of his calls."""
    return {"X-CSRF-Token": sign_in_as(client, "ivan")}


@pytest.fixture
def request_id(client: FlaskClient, ivan: dict[str, str]) -> int:
    body = {"query": "VPN drops every hour", "suggested_department": "it"}
    response = client.post("/api/requests", json=body, headers=ivan)
    assert response.status_code == 201
    return int(response.get_json()["id"])


def field_of(response: object, field: str) -> None:
    error = error_of(response, 400, "invalid_request")
    assert error["details"]["field"] == field, error


def test_ids_beyond_64_bits_are_400s_naming_the_field(
    client: FlaskClient, ivan: dict[str, str]
) -> None:
    field_of(client.get(f"/api/requests/{BIG}"), "request_id")
    field_of(
        client.patch(f"/api/requests/{BIG}", json={"status": "closed"}, headers=ivan), "request_id"
    )
    field_of(
        client.post(f"/api/requests/{BIG}/comments", json={"text": "x"}, headers=ivan), "request_id"
    )
    assert client.get(f"/requests/{BIG}").status_code == 400  # the page, too
    click = {"search_id": BIG, "article_id": "hr/x.md", "rank": 1}
    field_of(client.post("/api/click", json=click, headers=ivan), "search_id")
    field_of(
        client.post("/api/click", json={**click, "search_id": 1, "rank": BIG}, headers=ivan), "rank"
    )
    vote = {"article_id": "hr/x.md", "helpful": True, "search_id": BIG}
    field_of(client.post("/api/feedback", json=vote, headers=ivan), "search_id")
    ask = {"query": "VPN drops", "search_id": BIG}
    field_of(client.post("/api/requests", json=ask, headers=ivan), "search_id")
    field_of(client.post("/api/requests/bulk", json={"ids": [BIG]}, headers=ivan), "ids")
    # Below the other end too (schemathesis: search_id -266458802027657723904).
    below = {"search_id": -(2**70), "article_id": "hr/x.md", "rank": 1}
    field_of(client.post("/api/click", json=below, headers=ivan), "search_id")


def test_a_huge_number_in_a_form_is_a_400(
    client: FlaskClient, ivan: dict[str, str], request_id: int
) -> None:
    token = ivan["X-CSRF-Token"]
    response = post_request_form(client, token, request_id, "merge", into=str(BIG))
    # The field `into` marked with its error:
    assert 'aria-describedby="merge-error merge-hint"' in refused_page(client, response)
    feedback = {"csrf_token": ivan["X-CSRF-Token"], "helpful": "yes", "search_id": "9" * 5000}
    response = client.post("/articles/hr/sick-leave.md/feedback", data=feedback)
    assert response.status_code in (400, 404)  # never a 500, whatever the article


def test_a_patch_of_nulls_is_refused(
    client: FlaskClient, ivan: dict[str, str], request_id: int, store: Store
) -> None:
    url = f"/api/requests/{request_id}"
    field_of(client.patch(url, json={"status": None}, headers=ivan), "status")
    field_of(client.patch(url, json={"status": None, "assignee": None}, headers=ivan), "status")
    error_of(client.patch(url, json={}, headers=ivan), 400, "invalid_request")
    # Blank is as good as absent (schemathesis: {"department": ""} was a 500); with
    # nothing else to change, the 400 names the blank field.
    for blank in ({"department": ""}, {"department": " ", "note": "queue"}):
        error = error_of(client.patch(url, json=blank, headers=ivan), 400, "invalid_request")
        assert error["details"]["field"] == "department"
    kept = client.patch(url, json={"department": "", "status": "triaged"}, headers=ivan)
    assert kept.status_code == 200, kept.get_json()
    assert client.patch(url, json={"assignee": None}, headers=ivan).status_code == 200
    assert store.get_request(request_id).status.value == "triaged"


def test_null_and_unknown_fields_are_refused(
    client: FlaskClient, ivan: dict[str, str], request_id: int
) -> None:
    url = f"/api/requests/{request_id}/comments"
    field_of(client.post(url, json={"text": "x", "internal": None}, headers=ivan), "internal")
    field_of(client.post(url, json={"text": "x", "visible": False}, headers=ivan), "visible")
    ask = {"query": "VPN drops", "urgent": True}
    field_of(client.post("/api/requests", json=ask, headers=ivan), "urgent")
    click = {"search_id": 1, "article_id": "hr/x.md", "rank": 1, "weight": 9}
    field_of(client.post("/api/click", json=click, headers=ivan), "weight")
    field_of(client.get("/api/requests?department=it&overdue=null"), "overdue")


@pytest.mark.parametrize("hl", ["en", "de"])
def test_a_field_a_call_does_not_take_is_named_as_sent(
    client: FlaskClient, ivan: dict[str, str], request_id: int, hl: str
) -> None:
    """An `id` sent to POST /api/requests was called "Article id (id)", and a `text`
    sent to PATCH "Reply (text)": labels of other calls' fields, for a field this
    call does not have."""
    ask = {"query": "VPN drops", "id": 7}
    error = error_of(
        client.post(f"/api/requests?hl={hl}", json=ask, headers=ivan), 400, "invalid_request"
    )
    assert error["message"].startswith("id: "), error
    change = {"text": "closing"}
    url = f"/api/requests/{request_id}?hl={hl}"
    error = error_of(client.patch(url, json=change, headers=ivan), 400, "invalid_request")
    assert error["message"].startswith("text: "), error
    # A field the call takes keeps its label.
    error = error_of(
        client.patch(url, json={"status": "nope"}, headers=ivan), 400, "invalid_request"
    )
    assert error["message"].startswith("Status (status): "), error


def test_json_nested_thousands_deep_is_a_400(client: FlaskClient, ivan: dict[str, str]) -> None:
    deep = "[" * 30_000 + "]" * 30_000
    response = client.post(
        "/api/requests", data=deep, content_type="application/json", headers=ivan
    )
    error = error_of(response, 400, "invalid_request")
    assert "nested too deeply" in error["message"]


def test_a_name_twice_in_one_json_object_is_refused_and_changes_nothing(
    client: FlaskClient, ivan: dict[str, str], request_id: int
) -> None:
    """`{"status": "in_progress", "status": "closed"}` closed the request: Python's
    parser keeps the last of the two values, where other parsers (a proxy's, a
    log's) keep the first and saw another change than the one made."""
    url = f"/api/requests/{request_id}"
    twice = '{"status": "in_progress", "status": "closed"}'
    response = client.patch(url, data=twice, content_type="application/json", headers=ivan)
    field_of(response, "status")
    assert "named twice" in error_of(response, 400, "invalid_request")["message"]
    assert client.get(url).get_json()["request"]["status"] == "new"
    nested = '{"type": "onboarding", "fields": {"new_hire": "Jana", "new_hire": "Eve"}}'
    response = client.post(
        "/api/requests?hl=de", data=nested, content_type="application/json", headers=ivan
    )
    field_of(response, "new_hire")
    assert "zweimal" in error_of(response, 400, "invalid_request")["message"]
    once = '{"status": "in_progress", "note": "status: on it"}'
    response = client.patch(url, data=once, content_type="application/json", headers=ivan)
    assert response.status_code == 200, response.get_json()


def test_nul_characters_are_refused_everywhere(
    client: FlaskClient, ivan: dict[str, str], request_id: int, store: Store
) -> None:
    """PostgreSQL stores no NUL: it answered store_error with a traceback per hit."""
    field_of(client.post("/api/requests", json={"query": "VPN\x00drops"}, headers=ivan), "query")
    nested = {"type": "onboarding", "fields": {"new_hire": "Jana\x00"}}
    field_of(client.post("/api/requests", json=nested, headers=ivan), "fields")
    field_of(client.get("/api/search?q=vpn%00"), "q")
    field_of(client.get("/api/suggest?q=vp%00"), "q")
    form = {"csrf_token": ivan["X-CSRF-Token"], "text": "hi\x00"}
    refused_page(client, client.post(f"/requests/{request_id}/comment", data=form))
    assert [e.kind for e in store.entries(request_id)] == ["created"]


def test_a_nul_in_a_request_form_shows_the_form_again_with_what_was_typed(
    client: FlaskClient, ivan: dict[str, str], request_id: int, store: Store
) -> None:
    """The common check answered a bare error page: the question, the answer or
    the reply being written was gone."""
    token = ivan["X-CSRF-Token"]

    def page(url: str, **form: str) -> str:
        response = client.post(url, data={"csrf_token": token, **form})
        if url.startswith("/requests/"):  # back to the request's page
            html = refused_page(client, response)
        else:
            assert response.status_code == 400, url
            html = response.get_data(as_text=True)
        assert "contains a NUL character" in html, url
        return html

    asked = page("/ask/", query="Printer\x00 jams", description="Since Monday on floor 3")
    assert "Since Monday on floor 3" in asked
    resolved = page(f"/requests/{request_id}/resolve", resolution="Restart the client.\x00")
    assert "Restart the client." in resolved
    replied = page(f"/requests/{request_id}/comment", text="Which version?\x00")
    assert "Which version?" in replied
    service = page("/catalogue/onboarding", new_hire="Jana\x00", description="Desk by the window")
    assert "Desk by the window" in service
    assert [e.kind for e in store.entries(request_id)] == ["created"]
    assert len(store.list_requests()) == 1


def test_lone_surrogates_are_refused_in_json(
    client: FlaskClient, ivan: dict[str, str], request_id: int, store: Store
) -> None:
    """A JSON string may escape half a UTF-16 pair ("\\ud800"), and Python's JSON
    parser lets the raw UTF-8 bytes of one through: no database can encode it, so
    feedback, asks and comments answered 500 with a traceback."""

    def post(url: str, body: bytes) -> object:
        return client.post(url, data=body, content_type="application/json", headers=ivan)

    escaped = b'{"article_id": "hr/sick-leave.md", "helpful": false, "comment": "\\ud800"}'
    field_of(post("/api/feedback", escaped), "comment")
    raw = b'{"article_id": "hr/\xed\xa0\x80.md", "helpful": true}'
    field_of(post("/api/feedback", raw), "article_id")
    field_of(post("/api/requests", b'{"query": "VPN \\udfff drops"}'), "query")
    field_of(post(f"/api/requests/{request_id}/comments", b'{"text": "\\ud83d"}'), "text")
    assert [e.kind for e in store.entries(request_id)] == ["created"]
    paired = b'{"article_id": "hr/sick-leave.md", "helpful": true, "comment": "\\ud83d\\ude00"}'
    assert post("/api/feedback", paired).status_code == 201  # a whole pair is an emoji


def test_the_checks_speak_the_readers_language(
    client: FlaskClient, ivan: dict[str, str], request_id: int
) -> None:
    """Each check in German, naming the field as the form does (and by its API name)."""
    de = {**ivan, "Accept-Language": "de"}

    def message(response: object, status: int = 400, code: str = "invalid_request") -> str:
        return str(error_of(response, status, code)["message"])

    ask = {"query": "VPN drops", "urgent": True}
    assert message(client.post("/api/requests", json=ask, headers=de)).startswith(
        "urgent: ist kein Feld dieses Aufrufs; erlaubt sind query, "
    )
    nul = message(client.post("/api/requests", json={"query": "VPN\x00"}, headers=de))
    assert nul == "Ihre Frage (query): enthält ein NUL-Zeichen (\\u0000); bitte entfernen Sie es."
    assert message(client.get(f"/api/requests/{BIG}", headers=de)) == (
        f"Anfragenummer (request_id): Bitte höchstens {BIG - 1} angeben."
    )
    deep = "[" * 30_000 + "]" * 30_000
    nested = client.post("/api/requests", data=deep, content_type="application/json", headers=de)
    assert message(nested).startswith("Der JSON-Inhalt ist zu tief verschachtelt")
    unknown = {"type": "nope", "fields": {}}
    assert message(client.post("/api/requests", json=unknown, headers=de)).startswith(
        "Dienst (type): Es gibt keinen Dienst „nope“; bekannt sind: "
    )
    not_object = {"type": "onboarding", "fields": []}
    assert message(client.post("/api/requests", json=not_object, headers=de)) == (
        "Formularfelder (fields): Bitte ein Objekt aus Feldnamen und Werten senden."
    )
    missing = client.get(f"/api/requests/{request_id + 1000}", headers=de)
    assert message(missing, 404, "not_found") == (
        f"Es gibt keine Anfrage #{request_id + 1000}, oder Sie dürfen sie nicht sehen."
    )
    keyed = {**de, "Idempotency-Key": "k-1"}
    client.post("/api/requests", json={"query": "Printer jams"}, headers=keyed)
    again = client.post("/api/requests", json={"query": "Something else"}, headers=keyed)
    assert message(again, 409, "conflict").startswith(
        "Dieser Idempotenzschlüssel wurde schon für Anfrage #"
    )


def test_half_a_surrogate_pair_in_a_field_name_is_refused_by_its_escape(
    client: FlaskClient, ivan: dict[str, str], request_id: int, store: Store
) -> None:
    """`{"\\ud800": 1}`: the refusal quoted the name as sent (an unknown field, or
    the surrogate check of POST /api/requests), and an answer holding half a
    surrogate pair cannot be written as UTF-8: the call failed with no answer."""

    def post(url: str, body: bytes) -> object:
        return client.post(url, data=body, content_type="application/json", headers=ivan)

    for url in ("/api/requests", "/api/click", f"/api/requests/{request_id}/comments"):
        for body in (b'{"\\ud800": 1}', b'{"text": "hi", "a\\udfffb": "x"}'):
            error = error_of(post(url, body), 400, "invalid_request")
            assert error["details"]["field"] in ("\\ud800", "a\\udfffb"), (url, error)
            assert error["details"]["reason"] == "surrogate", error
    assert [e.kind for e in store.entries(request_id)] == ["created"]
    assert len(store.list_requests()) == 1


def test_an_integer_beyond_64_bits_anywhere_in_a_body_is_a_400(
    client: FlaskClient, ivan: dict[str, str], request_id: int, store: Store
) -> None:
    """`"department_confidence": 1` followed by 400 zeros answered 500: Python cannot
    turn such an integer into a float. No field takes an integer beyond the
    databases' 64 bits, wherever it is in the body."""
    huge = "1" + "0" * 400
    for field, body in (
        ("department_confidence", f'{{"query": "VPN drops", "department_confidence": {huge}}}'),
        ("department_confidence", f'{{"query": "VPN drops", "department_confidence": -{huge}}}'),
        ("fields.new_hire", f'{{"type": "onboarding", "fields": {{"new_hire": [{huge}]}}}}'),
        ("department_confidence", f'{{"query": "VPN", "department_confidence": {BIG}}}'),
    ):
        response = client.post(
            "/api/requests", data=body, content_type="application/json", headers=ivan
        )
        field_of(response, field)
    error = error_of(
        client.post("/api/requests", json={"query": "VPN", "search_id": -BIG - 1}, headers=ivan),
        400,
        "invalid_request",
    )
    assert error["details"] == {"field": "search_id", "min": -BIG}, error
    assert len(store.list_requests()) == 1


def test_a_cursor_naming_an_id_beyond_64_bits_is_a_400(
    client: FlaskClient, ivan: dict[str, str], request_id: int
) -> None:
    """A cursor is base64 JSON the client sends back: one rewritten to name request
    2^63 (or task 2^63) overflowed the query, a 500 on the API and the queue page."""
    for query in ("Printer jams", "Monitor flickers"):
        client.post("/api/requests", json={"query": query, "department": "it"}, headers=ivan)
    cursor = client.get("/api/requests?department=it&limit=1").get_json()["next_cursor"]
    version, order, due, created, _ = json.loads(base64.urlsafe_b64decode(cursor + "=="))

    def encoded(raw: list[object]) -> str:
        return base64.urlsafe_b64encode(json.dumps(raw).encode()).decode().rstrip("=")

    for big in (BIG, 2**70):
        forged = encoded([version, order, due, created, big])
        response = client.get(f"/api/requests?department=it&cursor={forged}")
        field_of(response, "cursor")
        assert client.get(f"/requests/queue/it?cursor={forged}").status_code == 400
        task = encoded([1, "task", due, request_id, big])
        answer = client.get(f"/requests/queue/it?task_cursor={task}")
        assert answer.status_code == 400 and "task_cursor" in answer.get_data(as_text=True)
