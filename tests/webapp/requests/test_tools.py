"""Around a request, on the pages and in the API (SQLite and PostgreSQL): rating the
answer, watchers, merging duplicates, canned replies, bulk changes on the queue,
due times with what is left, the agents' words, and value-stream tasks in their
own department's queue."""

from __future__ import annotations

import re
from typing import Any

import pytest
from flask.testing import FlaskClient
from markupsafe import escape

from kb.accounts.service import add_user
from kb.store.protocols import Store
from tests.support import (
    error_of,
    post_request_form,
    refused_page,
    refused_queue_page,
    sign_in_as,
    text_of,
)
from tests.webapp.backends import backend, settings  # noqa: F401 - fixtures, by name
from tests.webapp.catalogue.conftest import IT_CATALOGUE, ONBOARDING_YML

pytestmark = pytest.mark.usefixtures("tool_content", "people")

CANNED = """canned_replies:
  - id: ordered
    title: {en: Laptop ordered, de: Laptop bestellt}
    text: {en: "Hello {requester}, the laptop is ordered. {agent}"}
"""
# HR's reply of the same id, for the agents who work both queues.
HR_CANNED = """canned_replies:
  - id: ordered
    title: {en: Record ordered}
    text: {en: "HR has ordered the record of {new_hire}."}
"""


@pytest.fixture
def tool_content(request_content: Any) -> Any:
    with (request_content / "it" / "_department.yml").open("a", encoding="utf-8") as out:
        out.write(IT_CATALOGUE + CANNED)
    with (request_content / "hr" / "_department.yml").open("a", encoding="utf-8") as out:
        out.write(HR_CANNED)
    (request_content / "_workflows.yml").write_text(ONBOARDING_YML, encoding="utf-8")
    return request_content


def api(client: FlaskClient, user: str, method: str, path: str, **body: Any) -> Any:
    token = sign_in_as(client, user)
    return getattr(client, method)(path, json=body or None, headers={"X-CSRF-Token": token})


def file(client: FlaskClient, user: str = "emma", **body: Any) -> int:
    response = api(
        client, user, "post", "/api/requests", **({"query": "VPN drops", "department": "it"} | body)
    )
    assert response.status_code == 201, text_of(response)
    return int(response.get_json()["id"])


def test_the_requester_rates_the_answer(client: FlaskClient) -> None:
    request_id = file(client)
    refused = api(client, "emma", "post", f"/api/requests/{request_id}/rating", rating=5)
    assert (
        "Only the person who asked may rate a request, once it has been answered"
        in error_of(refused, 403, "forbidden")["message"]
    )
    api(
        client,
        "ivan",
        "patch",
        f"/api/requests/{request_id}",
        status="resolved",
        resolution="Use TCP 443.",
    )
    detail = api(client, "emma", "get", f"/api/requests/{request_id}").get_json()
    assert detail["permissions"]["rate"] is True and detail["permissions"]["reopen"] is True
    page = text_of(client.get(f"/requests/{request_id}"))
    assert "How good was the answer?" in page and 'name="rating" value="5"' in page
    wrong = api(client, "emma", "post", f"/api/requests/{request_id}/rating", rating=7)
    assert error_of(wrong, 400, "invalid_request")["details"]["field"] == "rating"
    extra = api(client, "emma", "post", f"/api/requests/{request_id}/rating", rating=4, stars=4)
    assert error_of(extra, 400, "invalid_request")["details"]["field"] == "stars"
    rated = api(
        client, "emma", "post", f"/api/requests/{request_id}/rating", rating=4, comment="Quick"
    )
    assert (rated.get_json()["rating"], rated.get_json()["rating_comment"]) == (4, "Quick")
    token = sign_in_as(client, "emma")
    response = post_request_form(client, token, request_id, "rating", rating="5")
    assert response.status_code == 303
    assert "Rated 5 of 5" in text_of(client.get(f"/requests/{request_id}"))
    mine = text_of(client.get("/requests/"))
    assert "★★★★★" in mine


def test_watchers_merge_and_bulk_in_the_api(client: FlaskClient, store: Store) -> None:
    first = file(client)
    duplicate = file(client, "olga", query="VPN keeps dropping")
    watched = api(client, "emma", "post", f"/api/requests/{first}/watchers", username="cora")
    assert watched.get_json()["watchers"] == ["cora"]
    assert api(client, "cora", "get", f"/api/requests/{first}").status_code == 200
    gone = api(client, "cora", "delete", f"/api/requests/{first}/watchers/cora")
    assert gone.get_json()["watchers"] == []
    assert error_of(
        api(client, "emma", "post", f"/api/requests/{first}/merge", into=duplicate),
        403,
        "forbidden",
    )
    merged = api(
        client, "ivan", "post", f"/api/requests/{duplicate}/merge", into=first, note="Same"
    )
    assert (merged.get_json()["status"], merged.get_json()["merged_into"]) == ("closed", first)
    assert store.get_request(first).watchers == ["olga"]
    other = file(client)
    hr = file(client, department="hr")
    results = api(client, "ivan", "post", "/api/requests/bulk", ids=[first, other, hr],
                  assignee="ivan", status="in_progress").get_json()["results"]  # fmt: skip
    assert [r["ok"] for r in results] == [True, True, False]
    assert results[2]["error"]["code"] == "not_found"  # HR's request, unseen by IT
    assert store.get_request(other).assignee == "ivan"


def test_a_reply_to_a_merged_duplicate_in_the_api_names_where_to_write(
    client: FlaskClient, store: Store
) -> None:
    first = file(client)
    duplicate = file(client, "olga", query="VPN keeps dropping")
    api(client, "ivan", "post", f"/api/requests/{duplicate}/merge", into=first)
    shown = api(client, "olga", "get", f"/api/requests/{duplicate}").get_json()
    assert shown["request"]["merged_into"] == first and shown["permissions"]["reply"] is False
    refused = error_of(
        api(client, "olga", "post", f"/api/requests/{duplicate}/comments", text="Still down"),
        409,
        "conflict",
    )
    assert (refused["details"]["into"], refused["details"]["reason"]) == (first, "merged")
    assert f"request #{first}" in refused["message"]
    assert [e.kind for e in store.entries(duplicate)] == ["created", "merged"]
    # On the request it was merged into, its requester replies.
    assert api(client, "olga", "get", f"/api/requests/{first}").get_json()["permissions"]["reply"]
    sent = api(client, "olga", "post", f"/api/requests/{first}/comments", text="Still down")
    assert sent.status_code == 201
    assert store.entries(first)[-1].actor == "olga"


def test_a_merged_duplicate_takes_no_note_or_change_in_the_api_or_on_its_page(
    client: FlaskClient, store: Store
) -> None:
    """Its agents' internal notes, status moves and assignments are refused as a
    reply is (409, `reason` merged, `into`); its page offers none of them."""
    first = file(client)
    duplicate = file(client, "olga", query="VPN keeps dropping")
    api(client, "ivan", "post", f"/api/requests/{duplicate}/merge", into=first)
    entries = store.entries(duplicate)
    path = f"/api/requests/{duplicate}"
    for method, sub, body in (
        ("post", "/comments", {"text": "Called olga", "internal": True}),
        ("patch", "", {"status": "in_progress"}),
        ("patch", "", {"assignee": "ivan"}),
        ("patch", "", {"department": "hr", "reason": "Payroll"}),
    ):
        refused = error_of(api(client, "ivan", method, path + sub, **body), 409, "conflict")
        assert (refused["details"]["reason"], refused["details"]["into"]) == ("merged", first)
        assert f"request #{first}" in refused["message"]
    allowed = api(client, "ivan", "get", path).get_json()["permissions"]
    assert allowed["statuses"] == [] and allowed["work"] is True
    assert not (allowed["internal_notes"] or allowed["assign"] or allowed["reassign"])
    page = text_of(client.get(f"/requests/{duplicate}"))
    for action in ("comment", "status", "assign", "assign-me", "reassign", "resolve", "merge"):
        assert f'action="/requests/{duplicate}/{action}' not in page, action
    # A page opened before the merge still posts its note: refused, the text kept.
    token = sign_in_as(client, "ivan")
    note = post_request_form(client, token, duplicate, "comment", text="Called", internal="1")
    shown = refused_page(client, note, "reply")
    assert f"merged into request #{first}" in shown and ">Called</textarea>" in shown
    assert store.entries(duplicate) == entries
    # The request it went into is worked as before.
    assigned = api(client, "ivan", "patch", f"/api/requests/{first}", assignee="ivan")
    assert assigned.get_json()["assignee"] == "ivan"


def test_merging_into_a_request_one_may_not_merge_into_keeps_the_note(
    client: FlaskClient, store: Store
) -> None:
    """A mistyped number (unknown, or another department's request) answered a bare
    404 or 403 page: the note the agent wrote was gone. The page comes back with
    the error at `into` and what was typed; the API's error names `into` too."""
    duplicate = file(client)
    hr = file(client, department="hr")
    token = sign_in_as(client, "ivan")
    for into, status in ((str(duplicate + 1000), 404), (str(hr), 404)):
        note = "Same VPN outage as the other"
        answer = post_request_form(client, token, duplicate, "merge", into=into, note=note)
        page = refused_page(client, answer, "merge-form")
        assert "Same VPN outage as the other" in page and into in page
        body = {"into": int(into), "note": "x"}
        error = api(client, "ivan", "post", f"/api/requests/{duplicate}/merge", **body)
        assert error_of(error, status, "not_found")["details"]["field"] == "into"
    assert store.get_request(duplicate).status.value == "new"
    assert [e.kind for e in store.entries(duplicate)] == ["created"]


def test_agents_get_canned_replies_filled_in(client: FlaskClient) -> None:
    request_id = file(
        client, query="", type="laptop", fields={"for_whom": "Jana Fischer", "model": "standard"}
    )
    replies = api(client, "ivan", "get", f"/api/requests/{request_id}/canned-replies").get_json()
    assert replies == {"replies": [{"id": "ordered", "department": "it", "ref": "it/ordered",
                       "title": "Laptop ordered",
                       "text": "Hello emma, the laptop is ordered. ivan"}]}  # fmt: skip
    page = text_of(client.get(f"/requests/{request_id}?canned=ordered"))
    assert ">Hello emma, the laptop is ordered. ivan</textarea>" in page
    assert "Reply to the requester" in page
    # The texts come with the chosen reply only: not every reply's text in an
    # attribute no script read.
    assert "data-texts" not in page and page.count("is ordered") == 1
    sign_in_as(client, "emma")
    assert "Laptop ordered" not in text_of(client.get(f"/requests/{request_id}"))


def test_two_queues_replies_of_one_id_are_each_chosen(client: FlaskClient, store: Store) -> None:
    """An onboarding request is HR's, its laptop task IT's: an agent of both got
    both departments' "ordered" under one value, and IT's could not be chosen."""
    add_user(store, "ivan", "agent", "hr")
    request_id = file(
        client, query="", type="onboarding",
        fields={"new_hire": "Jana Fischer", "start_date": "2099-01-04"},
    )  # fmt: skip
    sign_in_as(client, "ivan")
    page = text_of(client.get(f"/requests/{request_id}"))
    values = re.findall(r'<option value="([^"]*)">(?:Record|Laptop) ordered</option>', page)
    assert len(values) == 2 and len(set(values)) == 2, values
    texts = [
        text_of(client.get(f"/requests/{request_id}", query_string={"canned": v})) for v in values
    ]
    assert ">HR has ordered the record of Jana Fischer.</textarea>" in texts[0]
    assert ">Hello emma, the laptop is ordered. ivan</textarea>" in texts[1]


def test_the_api_names_each_reply_as_the_page_takes_it(client: FlaskClient, store: Store) -> None:
    """The API gave two replies `{"id": "ordered"}` and no way to tell the page which;
    its `ref` (department/id) now picks each, and the page's answer is that reply."""
    add_user(store, "ivan", "agent", "hr")
    request_id = file(
        client, query="", type="onboarding",
        fields={"new_hire": "Jana Fischer", "start_date": "2099-01-04"},
    )  # fmt: skip
    found = api(client, "ivan", "get", f"/api/requests/{request_id}/canned-replies").get_json()
    replies = found["replies"]
    assert sorted((r["department"], r["id"], r["ref"]) for r in replies) == [
        ("hr", "ordered", "hr/ordered"),
        ("it", "ordered", "it/ordered"),
    ]
    for reply in replies:
        page = text_of(client.get(f"/requests/{request_id}", query_string={"canned": reply["ref"]}))
        assert f">{escape(reply['text'])}</textarea>" in page, reply["ref"]


def test_the_queue_counts_tasks_shows_due_times_and_bulk_changes(
    client: FlaskClient, store: Store
) -> None:
    plain = file(client)
    onboarding = file(client, query="", type="onboarding",
                      fields={"new_hire": "Jana Fischer", "start_date": "2099-01-04"})  # fmt: skip
    waiting = file(client, query="Printer toner")
    api(client, "ivan", "patch", f"/api/requests/{waiting}", status="waiting_for_requester")
    token = sign_in_as(client, "ivan")
    html = text_of(client.get("/requests/queue/it"))
    assert (
        "2 requests · 1 task" in html
        and "1 tasks" not in html
        and "Nothing in this queue" not in html
    )
    task = html[html.index('class="task-item"') :]
    assert (
        "Laptop for Jana Fischer, starts 4 January 2099" in task
    )  # as the reader's language writes it
    assert task.index("IT Service Desk") < task.index(
        f"part of #{onboarding}"
    )  # its own badge first
    assert "Waiting for the requester" in html and "Waiting for you" not in html
    assert 'data-label="Status"' in html and 'data-label="Due"' in html
    assert " overdue" in html or "in " in html
    response = client.post(
        "/requests/queue/it/bulk",
        data={
            "csrf_token": token,
            "ids": [str(plain), str(waiting)],
            "assignee": "ivan",
            "status": "in_progress",
            **{f"version_{i}": str(store.get_request(i).version) for i in (plain, waiting)},
        },
    )
    assert response.status_code == 303
    assert "2 requests changed." in text_of(client.get("/requests/queue/it"))
    assert {store.get_request(i).assignee for i in (plain, waiting)} == {"ivan"}
    # The HR queue has only the onboarding request; IT's agent page of it shows the due times.
    page = text_of(client.get(f"/requests/{plain}"))
    assert "First response due" in page and "Resolution due" in page


def test_a_refused_bulk_change_shows_the_queue_again_with_what_was_chosen(
    client: FlaskClient, store: Store
) -> None:
    """Forgetting to tick a request, or a note past the limit, sent the agent back
    to an empty form (and a longer note was cut at 2,000 characters unsaid)."""
    first = file(client)
    second = file(client, query="Printer toner")
    token = sign_in_as(client, "ivan")
    form = {"csrf_token": token, "assignee": "ivan", "status": "in_progress"}
    nothing = client.post("/requests/queue/it/bulk", data={**form, "note": "Taken over"})
    html = refused_queue_page(client, nothing)
    assert "Please select at least one request" in html and 'value="Taken over"' in html
    assert '<option value="ivan" selected>' in html
    assert '<option value="in_progress" selected>' in html
    long = {**form, "ids": [str(second)], "note": "x" * 10_001}
    refused = refused_queue_page(client, client.post("/requests/queue/it/bulk", data=long))
    assert "10001 characters" in refused
    assert f'name="ids" value="{second}" checked' in refused
    assert f'name="ids" value="{first}" aria' in refused  # not ticked
    assert [e.kind for e in store.entries(second)] == ["created"]


def test_the_queues_bulk_change_is_for_agents_not_for_a_requester(
    client: FlaskClient, store: Store
) -> None:
    """An employee could close their own request through the queue's bulk form
    and the bulk API, tools the queue's agents work with."""
    own = file(client)
    before = store.get_request(own)
    token = sign_in_as(client, "emma")
    form = {"csrf_token": token, "ids": [str(own)], "status": "closed", "assignee": ""}
    assert client.post("/requests/queue/it/bulk", data=form).status_code == 403
    results = api(client, "emma", "post", "/api/requests/bulk", ids=[own], status="closed")
    refused = results.get_json()["results"]
    assert [r["ok"] for r in refused] == [False] and refused[0]["error"]["code"] == "forbidden"
    assert store.get_request(own) == before
    closed = api(client, "emma", "patch", f"/api/requests/{own}", status="closed")
    assert closed.status_code == 200  # on the request itself, its requester closes it


def test_the_requesters_list_shows_status_and_due_date(client: FlaskClient) -> None:
    file(client)
    sign_in_as(client, "emma")
    html = text_of(client.get("/requests/"))
    row = html[html.index("<tbody>") :]
    assert 'data-label="Status"' in row and 'data-label="Due"' in row
    assert row.index('data-label="Status"') < row.index('data-label="Department"')
