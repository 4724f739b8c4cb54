"""The requests JSON API: every endpoint, its error paths and the one error shape."""

from __future__ import annotations

import re
from dataclasses import replace as dc_replace
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from kb.errors import IndexNotFoundError
from kb.results import Query, SearchResponse
from kb.store.protocols import Store
from tests.support import FakeEngine, error_of, sign_in_as, text_of
from webapp.ask.form_token import HEADER

pytestmark = pytest.mark.usefixtures("people")


def file_request(client: FlaskClient, token: str, key: str | None = None, **fields: Any) -> Any:
    body = {"query": "VPN drops every hour", "suggested_department": "it"} | fields
    headers = {"X-CSRF-Token": token}
    if key:
        headers["Idempotency-Key"] = key
    return client.post("/api/requests", json=body, headers=headers)


@pytest.fixture
def emma(client: FlaskClient) -> str:
    return sign_in_as(client, "emma")


def new_request(client: FlaskClient, username: str = "emma", **fields: Any) -> int:
    token = sign_in_as(client, username)
    response = file_request(client, token, **fields)
    assert response.status_code == 201, response.get_data(as_text=True)
    return int(response.get_json()["id"])


def patch(client: FlaskClient, request_id: int, token: str, **body: Any) -> Any:
    return client.patch(f"/api/requests/{request_id}", json=body, headers={"X-CSRF-Token": token})


@pytest.fixture
def sso_client(app: Any, client: FlaskClient) -> FlaskClient:
    from webapp.services import services

    svc = services(app)
    svc.settings = svc.settings.replace(auth_mode="header", trusted_proxies="127.0.0.1,::1")
    return client


SSO = {"X-Remote-User": "maria", "X-Remote-Groups": "agent:it,analyst"}


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "/api/me"),
        ("get", "/api/requests"),
        ("post", "/api/requests"),
        ("get", "/api/requests/1"),
        ("post", "/api/requests/1/comments"),
        ("patch", "/api/requests/1"),
    ],
)
def test_every_request_call_needs_sign_in(client: FlaskClient, method: str, path: str) -> None:
    response = getattr(client, method)(path, json={"query": "x", "text": "y", "status": "closed"})
    error = error_of(response, 401, "unauthenticated")
    assert "sign in" in error["message"]


def test_file_a_request(client: FlaskClient, emma: str, store: Store) -> None:
    search_id = client.get("/api/search?q=VPN").get_json()["search_id"]
    page = client.get(f"/ask/?q=VPN&sid={search_id}").get_data(as_text=True)  # "Ask" on it
    form = re.search(r'data-ask-token="([^"]+)"', page)
    assert form is not None
    asked = client.get("/api/search?q=VPN&source=ask", headers={HEADER: form.group(1)})
    response = file_request(
        client,
        emma,
        key="5b0c6a1e-0d1c-4f0e-9a57-3f1f4c1b2a10",
        description="Since Monday.",
        department_confidence=0.8,
        suggestions_shown=True,
        suggestions_token=asked.get_json()["suggestions_token"],
        went_on_anyway=True,
        search_id=search_id,
        priority="high",
    )
    assert response.status_code == 201
    body = response.get_json()
    assert response.headers["Location"] == f"/api/requests/{body['id']}"
    assert body["department"] == "it" and body["department_name"] == "IT Service Desk"
    assert (body["status"], body["priority"], body["requester"]) == ("new", "high", "emma")
    assert body["url"] == f"/requests/{body['id']}"
    stored = store.get_request(body["id"])
    assert (stored.suggestions_shown, stored.went_on_anyway) == (True, True)
    assert stored.search_id == search_id
    assert stored.description == "Since Monday."


def test_a_request_names_only_a_search_its_own_browser_made(
    app: Flask, client: FlaskClient, emma: str, store: Store
) -> None:
    """Search ids count up from 1: anyone could name every stranger's search and
    make it look, in insights, like a search that became a request. A search id
    that is not the filer's own browser's is left out; the request is filed."""
    search_id = client.get("/api/search?q=VPN").get_json()["search_id"]
    stranger = app.test_client()
    olga = sign_in_as(stranger, "olga")
    filed = file_request(stranger, olga, search_id=search_id)
    assert filed.status_code == 201
    assert store.get_request(filed.get_json()["id"]).search_id is None
    html = text_of(stranger.get("/ask/", query_string={"q": "VPN", "sid": str(search_id)}))
    token = re.search(r'name="csrf_token" value="([^"]+)"', html)
    form = {"query": "VPN", "search_id": str(search_id), "priority": "normal"}
    asked = stranger.post("/ask/", data=form | {"csrf_token": token.group(1) if token else ""})
    assert asked.status_code == 303, text_of(asked)
    assert [r.search_id for r in store.list_requests(requester="olga")] == [None, None]
    own = file_request(client, emma, search_id=search_id)
    assert store.get_request(own.get_json()["id"]).search_id == search_id


def test_a_question_cannot_reorder_how_the_queue_shows_it(
    client: FlaskClient, emma: str, store: Store
) -> None:
    """ "Printer \u202etnegru si siht :ETON" showed as "Printer NOTE: this is
    urgent" in every queue and mail: controls that reorder the text after them
    are left out of a request's question and description when it is stored."""
    response = file_request(
        client, emma, query="Printer \u202etnegru si siht :ETON", description="a\u2067b\u2069 c"
    )
    assert response.status_code == 201, response.get_data(as_text=True)
    stored = store.get_request(int(response.get_json()["id"]))
    assert stored is not None
    assert stored.query == "Printer tnegru si siht :ETON" and stored.description == "ab c"
    assert response.get_json()["query"] == stored.query


def test_a_reply_or_rating_cannot_reorder_how_the_request_shows_it(
    client: FlaskClient, emma: str, store: Store
) -> None:
    """The question lost the controls that reorder the text after it, but replies,
    notes, resolutions and rating comments kept them: a reply of "see \u202e
    moc.knab-ruoy" read as "see your-bank.com" on the request page and in mails."""
    request_id = int(file_request(client, emma).get_json()["id"])
    url = f"/api/requests/{request_id}"
    sent = client.post(
        f"{url}/comments",
        json={"text": "see \u202emoc.knab-ruoy\u2069"},
        headers={"X-CSRF-Token": emma},
    )
    assert sent.status_code == 201, sent.get_json()
    ivan = sign_in_as(client, "ivan")
    resolution = {"status": "resolved", "resolution": "Done \u2067x\u2069"}
    assert client.patch(url, json=resolution, headers={"X-CSRF-Token": ivan}).status_code == 200
    emma = sign_in_as(client, "emma")
    rating = {"rating": 4, "comment": "ok \u202dy\u202c"}
    assert (
        client.post(f"{url}/rating", json=rating, headers={"X-CSRF-Token": emma}).status_code == 200
    )
    messages = [e.message for e in store.entries(request_id) if e.message]
    assert "see moc.knab-ruoy" in messages and "Done x" in messages, messages
    assert store.get_request(request_id).rating_comment == "ok y"


def test_the_same_idempotency_key_files_once(client: FlaskClient, emma: str, store: Store) -> None:
    first = file_request(client, emma, key="key-1").get_json()
    again = file_request(client, emma, key="key-1")
    assert again.status_code == 201 and again.get_json()["id"] == first["id"]
    assert len(store.list_requests(requester="emma")) == 1
    error = error_of(file_request(client, emma, key="key-1", query="Other"), 409, "conflict")
    assert "already used" in error["message"]
    # Keys belong to their requester: another employee's key-1 is a new request.
    olga = sign_in_as(client, "olga")
    assert file_request(client, olga, key="key-1").get_json()["id"] != first["id"]


def test_a_retry_with_the_same_key_searches_nothing(
    client: FlaskClient, emma: str, store: Store, engine: FakeEngine
) -> None:
    """A question without a department is routed by its search; a retry with the
    same idempotency key is answered with the request first filed and runs no
    second search (a cost, and its suggestion could differ)."""
    first = file_request(client, emma, key="retry-1", suggested_department=None)
    assert first.status_code == 201 and first.get_json()["department"] == "hr"
    searched = len(engine.queries)
    assert searched == 1
    again = file_request(client, emma, key="retry-1", suggested_department=None)
    assert again.status_code == 201 and again.get_json()["id"] == first.get_json()["id"]
    assert len(engine.queries) == searched
    error_of(file_request(client, emma, key="retry-1", query="Other"), 409, "conflict")
    assert len(engine.queries) == searched
    assert len(store.list_requests(requester="emma")) == 1
    # Another requester's key of the same spelling is a first filing: routed.
    olga = sign_in_as(client, "olga")
    other = file_request(client, olga, key="retry-1", suggested_department=None).get_json()
    assert other["department"] == "hr" and len(engine.queries) == searched + 1


def test_routing_low_confidence_goes_to_triage_unless_chosen(
    client: FlaskClient, emma: str
) -> None:
    unsure = file_request(client, emma, department_confidence=0.1).get_json()
    assert unsure["department"] == "triage"
    chosen = file_request(client, emma, department="hr", department_confidence=0.1).get_json()
    assert chosen["department"] == "hr"


def test_a_request_without_a_department_is_routed_as_its_search(
    client: FlaskClient, emma: str, store: Store, engine: FakeEngine
) -> None:
    """A request filed with the question alone went to the triage queue where
    its search routes it with confidence. It is routed as that search would be,
    as the caller and unlogged, and its history says the department was the
    router's suggestion; a department the caller names is kept."""
    routed = file_request(client, emma, suggested_department=None).get_json()
    assert routed["department"] == "hr"
    assert engine.queries[-1].text == "VPN drops every hour"
    assert engine.queries[-1].groups is not None  # only what emma may read votes
    assert store.search_events() == []
    created = client.get(f"/api/requests/{routed['id']}").get_json()["history"][0]
    assert created["kind"] == "created"
    assert created["data"]["suggested_department"] == "hr"
    assert created["data"]["department_confidence"] == 0.8
    page = text_of(client.get(f"/requests/{routed['id']}"))
    assert "the search of its question suggested Human Resources" in page
    asked = len(engine.queries)
    chosen = file_request(client, emma, department="it", suggested_department=None).get_json()
    assert chosen["department"] == "it"
    assert len(engine.queries) == asked
    created = client.get(f"/api/requests/{chosen['id']}").get_json()["history"][0]
    assert "suggested_department" not in created["data"]


def test_an_unsure_route_or_no_search_leaves_the_request_to_triage(
    client: FlaskClient, emma: str, engine: FakeEngine, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Filing needs no search: below `route_threshold`, or with no index
    published, the request goes to the triage queue as before."""
    answered = engine.search

    def unsure(query: Query) -> SearchResponse:
        return dc_replace(answered(query), department="it", department_confidence=0.1)

    monkeypatch.setattr(engine, "search", unsure)
    filed = file_request(client, emma, suggested_department=None).get_json()
    assert filed["department"] == "triage"
    created = client.get(f"/api/requests/{filed['id']}").get_json()["history"][0]
    assert created["data"]["suggested_department"] == "it"  # why triage has it

    def no_index(query: Query) -> SearchResponse:
        raise IndexNotFoundError("no index has been published yet")

    monkeypatch.setattr(engine, "search", no_index)
    filed = file_request(client, emma, suggested_department=None).get_json()
    assert filed["department"] == "triage"
    created = client.get(f"/api/requests/{filed['id']}").get_json()["history"][0]
    assert "suggested_department" not in created["data"]


@pytest.mark.parametrize(
    ("fields", "headers", "field"),
    [
        ({"query": ""}, {}, "query"),
        ({"query": 5}, {}, "query"),
        ({"department": "nowhere"}, {}, "department"),
        ({"department_confidence": 2}, {}, "department_confidence"),
        ({"suggestions_shown": "yes"}, {}, "suggestions_shown"),
        ({"search_id": 0}, {}, "search_id"),
        ({"priority": "asap"}, {}, "priority"),
        ({"workflow": "nothing"}, {}, "workflow"),
        ({}, {"Idempotency-Key": "has spaces"}, "Idempotency-Key"),
        ({"idempotency_key": "a"}, {"Idempotency-Key": "b"}, "idempotency_key"),
    ],
)
def test_filing_refuses_bad_fields(
    client: FlaskClient, emma: str, fields: dict[str, Any], headers: dict[str, str], field: str
) -> None:
    body = {"query": "VPN", **fields}
    response = client.post("/api/requests", json=body, headers={"X-CSRF-Token": emma, **headers})
    error = error_of(response, 400, "invalid_request")
    assert error["details"].get("field") == field, error


def test_a_value_stream_request_has_tasks(client: FlaskClient, emma: str) -> None:
    body = file_request(client, emma, query="Onboarding Max", workflow="onboarding").get_json()
    assert body["department"] == "hr" and body["workflow"] == "onboarding"
    detail = client.get(f"/api/requests/{body['id']}").get_json()
    assert [(t["department"], t["blocked"]) for t in detail["tasks"]] == [
        ("hr", False),
        ("it", True),
    ]
    assert detail["progress"] == {"done": 0, "total": 2}


def test_changes_need_the_csrf_token_with_a_session(client: FlaskClient, emma: str) -> None:
    response = client.post("/api/requests", json={"query": "VPN"})
    error = error_of(response, 403, "forbidden")
    assert "X-CSRF-Token" in error["message"] and error["details"] == {"csrf": "missing"}
    response = client.post("/api/requests", json={"query": "VPN"}, headers={"X-CSRF-Token": "x"})
    assert error_of(response, 403, "forbidden")["details"] == {"csrf": "mismatch"}


def test_the_requester_sees_the_detail_without_internal_notes(client: FlaskClient) -> None:
    request_id = new_request(client)
    ivan = sign_in_as(client, "ivan")
    for text, internal in (("Checking the logs", True), ("Which client version?", False)):
        response = client.post(
            f"/api/requests/{request_id}/comments",
            json={"text": text, "internal": internal},
            headers={"X-CSRF-Token": ivan},
        )
        assert response.status_code == 201
    agent_view = client.get(f"/api/requests/{request_id}").get_json()
    kinds = [e["kind"] for e in agent_view["history"]]
    assert kinds == ["created", "comment", "comment", "status"]  # the reply started it
    assert agent_view["can_work"] is True
    sign_in_as(client, "emma")
    mine = client.get(f"/api/requests/{request_id}").get_json()
    assert [e["message"] for e in mine["history"]] == [
        "",
        "Which client version?",
        "Work on the request has started.",
    ]
    assert mine["request"]["status"] == "in_progress"
    assert mine["can_work"] is False and mine["overdue"] is False
    assert mine["request"]["first_responded_at"] is not None


def test_others_may_not_read_a_request(client: FlaskClient) -> None:
    request_id = new_request(client)
    unknown = error_of(client.get("/api/requests/999"), 404, "not_found")
    for name in ("olga", "hanna"):  # another employee; an agent of another queue
        sign_in_as(client, name)
        # Answered as an unknown number is: which requests exist stays unknown.
        error = error_of(client.get(f"/api/requests/{request_id}"), 404, "not_found")
        assert error["message"] == unknown["message"].replace("999", str(request_id))
        assert error["details"] == {"id": request_id}
    sign_in_as(client, "cora")  # content owner of IT may read IT's requests
    assert client.get(f"/api/requests/{request_id}").status_code == 200


def test_lists_mine_and_queues(client: FlaskClient) -> None:
    first = new_request(client)
    new_request(client, "olga", query="Printer jam")
    sign_in_as(client, "emma")
    mine = client.get("/api/requests?mine=1").get_json()["requests"]
    assert [r["id"] for r in mine] == [first]
    assert client.get("/api/requests").get_json()["requests"] == mine  # mine is the default
    error_of(client.get("/api/requests?department=it"), 403, "forbidden")
    sign_in_as(client, "ivan")
    queue = client.get("/api/requests?department=it").get_json()
    assert queue["department"] == "it"
    assert len(queue["requests"]) == 2 and queue["requests"][0]["overdue"] is False
    assert client.get("/api/requests?department=it&status=closed").get_json()["requests"] == []
    assert len(client.get("/api/requests?department=it&status=new").get_json()["requests"]) == 2
    error_of(client.get("/api/requests?department=it&mine=1"), 400, "invalid_request")
    error_of(client.get("/api/requests?department=it&status=odd"), 400, "invalid_request")
    error_of(client.get("/api/requests?department=nowhere"), 400, "invalid_request")
    error_of(client.get("/api/requests?mine=2"), 400, "invalid_request")


def test_lists_come_in_pages_that_say_when_more_follow(client: FlaskClient) -> None:
    ids = [new_request(client, query=f"VPN drops, case {n}") for n in range(3)]
    sign_in_as(client, "ivan")
    whole = client.get("/api/requests?department=it").get_json()
    assert (whole["total"], whole["truncated"], whole["next"]) == (3, False, None)
    first = client.get("/api/requests?department=it&status=new&limit=2").get_json()
    assert len(first["requests"]) == 2 and first["truncated"] is True
    assert (first["total"], first["limit"], first["offset"]) == (3, 2, 0)
    assert first["next"] == "/api/requests?department=it&status=new&limit=2&offset=2"
    rest = client.get(first["next"]).get_json()
    assert (rest["offset"], rest["truncated"], rest["next"]) == (2, False, None)
    seen = [r["id"] for r in first["requests"] + rest["requests"]]
    assert sorted(seen) == sorted(ids)
    sign_in_as(client, "emma")
    mine = client.get("/api/requests?limit=1&offset=1").get_json()
    assert [r["id"] for r in mine["requests"]] == [ids[1]] and mine["total"] == 3
    assert client.get("/api/requests?offset=9").get_json()["requests"] == []
    for query, field in (
        ("limit=0", "limit"),
        ("limit=501", "limit"),
        ("limit=x", "limit"),
        ("offset=-1", "offset"),
        ("offset=1e3", "offset"),
    ):
        error = error_of(client.get(f"/api/requests?{query}"), 400, "invalid_request")
        assert error["details"]["field"] == field


def test_lists_page_by_cursor_without_skipping_when_requests_change(
    client: FlaskClient,
) -> None:
    ids = [new_request(client, query=f"VPN drops, case {n}") for n in range(4)]
    ivan = sign_in_as(client, "ivan")
    first = client.get("/api/requests?department=it&status=new&limit=2").get_json()
    assert first["next"] == "/api/requests?department=it&status=new&limit=2&offset=2"
    cursor = first["next_cursor"]
    assert isinstance(cursor, str) and first["truncated"] is True
    # The first request of the list is taken up: it leaves the list of new ones,
    # so offset 2 would now start at the fourth request and skip the third.
    assert patch(client, first["requests"][0]["id"], ivan, status="in_progress").status_code == 200
    skipped = client.get(first["next"]).get_json()["requests"]
    assert [r["id"] for r in skipped] == ids[3:]
    rest = client.get(f"/api/requests?department=it&status=new&limit=2&cursor={cursor}")
    page = rest.get_json()
    assert [r["id"] for r in page["requests"]] == ids[2:]
    assert (page["total"], page["offset"], page["truncated"]) == (3, 1, False)
    assert (page["next"], page["next_cursor"]) == (None, None)
    # Followed by cursor, `next` keeps to cursors.
    middle = client.get(f"/api/requests?department=it&limit=1&cursor={cursor}").get_json()
    assert middle["next"].startswith("/api/requests?department=it&limit=1&cursor=")
    assert "offset" not in middle["next"]
    # Mine, newest first, the same way.
    sign_in_as(client, "emma")
    mine = client.get("/api/requests?limit=3").get_json()
    more = client.get(f"/api/requests?limit=3&cursor={mine['next_cursor']}").get_json()
    assert [r["id"] for r in mine["requests"] + more["requests"]] == ids[::-1]
    for query in (
        "cursor=nonsense",
        f"cursor={cursor}&offset=1",
        f"mine=1&cursor={cursor}",  # a queue's cursor (due order) in a list by creation
        "cursor=" + "a" * 201,
    ):
        error = error_of(client.get(f"/api/requests?{query}"), 400, "invalid_request")
        assert error["details"]["field"] == "cursor"


def test_a_patch_with_an_unknown_status_changes_nothing(client: FlaskClient, store: Store) -> None:
    request_id = new_request(client)
    ivan = sign_in_as(client, "ivan")
    sent = patch(client, request_id, ivan, assignee="ivan", status="finished")
    error = error_of(sent, 400, "invalid_request")
    assert error["details"]["field"] == "status"
    stored = store.get_request(request_id)
    assert (stored.assignee, stored.status.value, stored.version) == (None, "new", 1)


@pytest.mark.parametrize("field", ["resolution", "status", "department"])
def test_a_patch_of_only_a_blank_field_names_it(
    client: FlaskClient, store: Store, field: str
) -> None:
    """{"resolution": "  "} (an answer lost on the way: an unset variable) was told
    "nothing to change", as if no answer had been sent; the error names the field."""
    request_id = new_request(client)
    ivan = sign_in_as(client, "ivan")
    error = error_of(patch(client, request_id, ivan, **{field: "  "}), 400, "invalid_request")
    assert error["details"]["field"] == field and "fill this in" in error["message"]
    assert store.get_request(request_id).version == 1
    error = error_of(patch(client, request_id, ivan, note="x"), 400, "invalid_request")
    assert "Nothing to change" in error["message"]


def test_a_move_and_an_assignment_the_move_forbids_change_nothing(
    client: FlaskClient, store: Store
) -> None:
    # Ivan (IT) may move the request to HR, but not then assign it there: the
    # move used to be saved before the assignment answered 404.
    request_id = new_request(client)
    ivan = sign_in_as(client, "ivan")
    sent = patch(client, request_id, ivan, department="hr", reason="Payroll", assignee="hanna")
    error = error_of(sent, 403, "forbidden")
    assert error["details"]["action"] == "assign"
    stored = store.get_request(request_id)
    assert (stored.department, stored.assignee, stored.version) == ("it", None, 1)
    assert [e.kind for e in store.entries(request_id)] == ["created"]


def test_an_assignment_with_a_refused_status_move_changes_nothing(
    client: FlaskClient, store: Store
) -> None:
    request_id = new_request(client)
    ivan = sign_in_as(client, "ivan")
    # Resolved by a patch that names nobody as assignee: it stays unassigned.
    patch(client, request_id, ivan, resolution="Update the VPN client.", assignee=None)
    before = store.get_request(request_id)
    assert before.assignee is None
    error_of(patch(client, request_id, ivan, assignee="ivan", status="triaged"), 409, "conflict")
    stored = store.get_request(request_id)
    assert (stored.assignee, stored.status.value) == (None, "resolved")
    assert stored.version == before.version


def test_a_patch_of_several_changes_saves_each_with_its_entry(
    client: FlaskClient, store: Store
) -> None:
    request_id = new_request(client)
    ivan = sign_in_as(client, "ivan")
    sent = patch(client, request_id, ivan, assignee="ivan", status="in_progress", note="On it")
    body = sent.get_json()
    assert (body["assignee"], body["status"]) == ("ivan", "in_progress")
    stored = store.get_request(request_id)
    assert stored.version == 3
    entries = store.entries(request_id)
    assert [e.kind for e in entries][-2:] == ["assigned", "status"]
    assert entries[-1].message == "On it"


def test_a_patch_with_if_match_is_refused_when_the_request_changed(
    client: FlaskClient, store: Store
) -> None:
    request_id = new_request(client)
    ivan = sign_in_as(client, "ivan")
    etag = client.get(f"/api/requests/{request_id}").headers["ETag"]
    assert etag == '"1"'
    headers = {"X-CSRF-Token": ivan, "If-Match": etag}
    url = f"/api/requests/{request_id}"
    sent = client.patch(url, json={"assignee": "ivan"}, headers=headers)
    assert sent.status_code == 200 and sent.headers["ETag"] == '"2"'
    # The same ETag again is stale now: 412, and nothing changes.
    sent = client.patch(url, json={"status": "in_progress"}, headers=headers)
    error = error_of(sent, 412, "stale_version")
    assert (error["details"]["your_version"], error["details"]["current_version"]) == (1, 2)
    assert store.get_request(request_id).status.value == "new"
    # Without the header (or with *) the change applies to the current version.
    assert patch(client, request_id, ivan, status="in_progress").status_code == 200
    star = {"X-CSRF-Token": ivan, "If-Match": "*"}
    assert client.patch(url, json={"assignee": None}, headers=star).status_code == 200
    bad = {"X-CSRF-Token": ivan, "If-Match": "abc"}
    sent = client.patch(url, json={"assignee": "ivan"}, headers=bad)
    assert error_of(sent, 400, "invalid_request")["details"]["field"] == "If-Match"


def test_a_stale_if_match_says_to_read_the_request_and_its_etag_again(
    client: FlaskClient,
) -> None:
    request_id = new_request(client)
    ivan = sign_in_as(client, "ivan")
    url = f"/api/requests/{request_id}"
    headers = {"X-CSRF-Token": ivan, "If-Match": '"1"'}
    assert patch(client, request_id, ivan, assignee="ivan").status_code == 200
    message = error_of(
        client.patch(url, json={"status": "in_progress"}, headers=headers), 412, "stale_version"
    )["message"]
    assert "version 1" in message and "version 2" in message
    assert "ETag" in message and "nothing was saved" in message
    german = client.patch(
        url, json={"status": "in_progress"}, headers=headers | {"Accept-Language": "de"}
    )
    assert "ETag" in error_of(german, 412, "stale_version")["message"]


@pytest.mark.parametrize("blank", ["", "   "])
def test_a_blank_if_match_is_refused_not_taken_as_absent(
    client: FlaskClient, store: Store, blank: str
) -> None:
    """RFC 9110: If-Match is * or entity tags; an empty one is no precondition
    (an unset `If-Match: $ETAG` in a script), so nothing is changed."""
    request_id = new_request(client)
    ivan = sign_in_as(client, "ivan")
    headers = {"X-CSRF-Token": ivan, "If-Match": blank}
    sent = client.patch(f"/api/requests/{request_id}", json={"assignee": "ivan"}, headers=headers)
    error = error_of(sent, 400, "invalid_request")
    assert error["details"]["field"] == "If-Match"
    assert "empty" in error["message"]
    assert store.get_request(request_id).assignee is None


def test_a_weak_if_match_never_matches(client: FlaskClient, store: Store) -> None:
    """RFC 9110 §13.1.1: If-Match compares strongly, so `W/"1"` is a 412 even for
    the current version (it was taken as `"1"`), and nothing is changed."""
    request_id = new_request(client)
    ivan = sign_in_as(client, "ivan")
    headers = {"X-CSRF-Token": ivan, "If-Match": 'W/"1"'}
    sent = client.patch(f"/api/requests/{request_id}", json={"assignee": "ivan"}, headers=headers)
    error = error_of(sent, 412, "weak_etag")
    assert error["details"]["field"] == "If-Match"
    assert "weak" in error["message"] and "strong" in error["message"]
    assert store.get_request(request_id).assignee is None
    german = client.patch(
        f"/api/requests/{request_id}",
        json={"assignee": "ivan"},
        headers=headers | {"Accept-Language": "de"},
    )
    assert "schwaches" in error_of(german, 412, "weak_etag")["message"]
    strong = client.patch(
        f"/api/requests/{request_id}",
        json={"assignee": "ivan"},
        headers=headers | {"If-Match": '"1"'},
    )
    assert strong.status_code == 200 and strong.headers["ETag"] == '"2"'


@pytest.mark.parametrize("sent", ['"-1"', '"0"', '"9' + "9" * 40 + '"', '"1e3"', "W/"])
def test_a_broken_if_match_is_a_400_never_a_500(client: FlaskClient, sent: str) -> None:
    request_id = new_request(client)
    ivan = sign_in_as(client, "ivan")
    headers = {"X-CSRF-Token": ivan, "If-Match": sent}
    answer = client.patch(f"/api/requests/{request_id}", json={"assignee": "ivan"}, headers=headers)
    assert error_of(answer, 400, "invalid_request")["details"]["field"] == "If-Match"


def test_comment_errors(client: FlaskClient) -> None:
    request_id = new_request(client)
    emma = sign_in_as(client, "emma")
    url = f"/api/requests/{request_id}/comments"
    headers = {"X-CSRF-Token": emma}
    error_of(client.post(url, json={"text": " "}, headers=headers), 400, "invalid_request")
    error_of(
        client.post(url, json={"text": "x", "internal": "no"}, headers=headers),
        400,
        "invalid_request",
    )
    error = error_of(
        client.post(url, json={"text": "psst", "internal": True}, headers=headers), 403, "forbidden"
    )
    assert "internal notes" in error["message"]
    error_of(
        client.post("/api/requests/999/comments", json={"text": "x"}, headers=headers),
        404,
        "not_found",
    )
    olga = sign_in_as(client, "olga")
    error_of(
        client.post(url, json={"text": "me too"}, headers={"X-CSRF-Token": olga}), 404, "not_found"
    )


def test_an_agent_works_a_request_through_patch(client: FlaskClient, store: Store) -> None:
    request_id = new_request(client)
    ivan = sign_in_as(client, "ivan")
    body = patch(client, request_id, ivan, status="in_progress", note="On it").get_json()
    assert body["status"] == "in_progress"
    body = patch(client, request_id, ivan, assignee="ivan").get_json()
    assert body["assignee"] == "ivan"
    assert patch(client, request_id, ivan, assignee=None).get_json()["assignee"] is None
    error = error_of(patch(client, request_id, ivan, assignee="emma"), 400, "invalid_request")
    assert error["details"]["field"] == "assignee"
    error_of(patch(client, request_id, ivan, status="resolved"), 400, "invalid_request")
    body = patch(client, request_id, ivan, resolution="Update the VPN client to 6.2.").get_json()
    assert body["status"] == "resolved"
    assert body["resolution"] == "Update the VPN client to 6.2."
    error = error_of(patch(client, request_id, ivan, status="triaged"), 409, "conflict")
    assert error["message"] == "A request that is “Resolved” cannot become “Triaged”."
    # The requester sees the answer and closes the request.
    emma = sign_in_as(client, "emma")
    assert client.get(f"/api/requests/{request_id}").get_json()["request"]["resolution"]
    assert patch(client, request_id, emma, status="closed").get_json()["status"] == "closed"
    assert store.get_request(request_id).status.value == "closed"


def test_reassigning_moves_the_request_to_another_queue(client: FlaskClient) -> None:
    request_id = new_request(client)
    ivan = sign_in_as(client, "ivan")
    error = error_of(patch(client, request_id, ivan, department="hr"), 400, "invalid_request")
    assert error["details"]["field"] == "reason"
    body = patch(client, request_id, ivan, department="hr", reason="Payroll question").get_json()
    assert body["department"] == "hr" and body["status"] == "triaged"
    # IVAN no longer works it (nor sees it); Hanna of HR does.
    error_of(patch(client, request_id, ivan, status="in_progress"), 404, "not_found")
    hanna = sign_in_as(client, "hanna")
    assert patch(client, request_id, hanna, status="in_progress").status_code == 200


def test_patch_errors(client: FlaskClient) -> None:
    request_id = new_request(client)
    emma = sign_in_as(client, "emma")
    error_of(patch(client, request_id, emma, status="in_progress"), 403, "forbidden")
    error_of(patch(client, request_id, emma, title="x"), 400, "invalid_request")
    error_of(patch(client, request_id, emma, note="only a note"), 400, "invalid_request")
    error_of(patch(client, request_id, emma, status="open"), 400, "invalid_request")
    error_of(
        patch(client, request_id, emma, status="closed", resolution="x"), 400, "invalid_request"
    )
    error_of(patch(client, 999, emma, status="closed"), 404, "not_found")
    olga = sign_in_as(client, "olga")
    error_of(patch(client, request_id, olga, status="closed"), 404, "not_found")
    response = client.patch(f"/api/requests/{request_id}", json={"status": "closed"})
    error_of(response, 403, "forbidden")  # no CSRF token


def test_header_mode_trusts_the_proxy_on_loopback(sso_client: FlaskClient, store: Store) -> None:
    body = sso_client.get("/api/me", headers=SSO).get_json()
    assert body["username"] == "maria" and body["roles"] == ["agent:it", "analyst"]
    token = body["csrf_token"]
    # Seen users are recorded, so that requests can be assigned to them.
    stored = store.get_user("maria")
    assert stored is not None and stored.has_role("agent", "it")
    response = sso_client.post(
        "/api/requests",
        json={"query": "VPN", "department": "it"},
        headers={**SSO, "X-CSRF-Token": token},
    )
    assert response.status_code == 201 and response.get_json()["requester"] == "maria"
    queue = sso_client.get("/api/requests?department=it", headers=SSO).get_json()
    assert [r["requester"] for r in queue["requests"]] == ["maria"]


def test_header_mode_changes_need_the_csrf_token(sso_client: FlaskClient) -> None:
    response = sso_client.post("/api/requests", json={"query": "VPN"}, headers=SSO)
    assert "GET /api/me" in error_of(response, 403, "forbidden")["message"]


def test_header_mode_refuses_headers_from_elsewhere(sso_client: FlaskClient) -> None:
    response = sso_client.get("/api/me", headers=SSO, environ_base={"REMOTE_ADDR": "10.1.2.3"})
    error = error_of(response, 403, "forbidden")
    assert "10.1.2.3" in error["message"] and "trusted_proxies" in error["message"]
    # Without the header the same address is an anonymous visitor.
    response = sso_client.get("/api/me", environ_base={"REMOTE_ADDR": "10.1.2.3"})
    error_of(response, 401, "unauthenticated")


def test_header_mode_refuses_malformed_groups(sso_client: FlaskClient) -> None:
    response = sso_client.get("/api/me", headers={**SSO, "X-Remote-Groups": "wizard"})
    assert "wizard" in error_of(response, 400, "invalid_request")["message"]


def test_local_sessions_are_ignored_in_header_mode(sso_client: FlaskClient) -> None:
    sign_in_as(sso_client, "ada")
    error_of(sso_client.get("/api/me"), 401, "unauthenticated")


def test_an_unknown_queue_is_named_with_the_departments_there_are(client: FlaskClient) -> None:
    """As an unknown filter value is (`details.value`, `details.known`): an admin,
    who may list every queue, is told too, never answered an empty queue."""
    new_request(client)
    sign_in_as(client, "ada")
    for path in ("/api/requests?department=nope", "/api/insights/requests?department=nope"):
        error = error_of(client.get(path), 400, "invalid_request")
        assert error["details"]["value"] == "nope"
        assert error["details"]["known"] == ["hr", "it", "triage"]
        assert "nope" in error["message"] and "hr, it, triage" in error["message"]
    page = client.get("/requests/queue/nope")
    assert page.status_code == 400
    assert "“nope”" in page.get_data(as_text=True)
    assert "hr, it, triage" in page.get_data(as_text=True)


def test_a_watch_that_ended_with_the_role_is_listed_nowhere(
    client: FlaskClient, store: Store
) -> None:
    """Ivan watched the request of himself; his role taken, he reads it no more
    and gets none of its mails: neither the API nor the page names him."""
    from kb.accounts.roles import revoke_role

    request_id = new_request(client)
    token = sign_in_as(client, "ivan")
    watched = client.post(
        f"/api/requests/{request_id}/watchers", json={}, headers={"X-CSRF-Token": token}
    )
    assert watched.get_json()["watchers"] == ["ivan"]
    revoke_role(store, "ivan", "agent", "it", actor="ada", reason="moved team")
    sign_in_as(client, "emma")
    assert client.get(f"/api/requests/{request_id}").get_json()["request"]["watchers"] == []
    assert [r["watchers"] for r in client.get("/api/requests?mine=1").get_json()["requests"]] == [
        []
    ]
    page = client.get(f"/requests/{request_id}").get_data(as_text=True)
    listed = page[page.index('id="watchers"') :]
    assert "ivan" not in listed[: listed.index("</section>")]  # the history still tells
