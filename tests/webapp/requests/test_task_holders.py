"""Releasing a task and handing it over, on the request page and in the JSON API."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient

from kb.accounts.records import User
from kb.accounts.service import add_user
from kb.store.protocols import Store
from tests.support import error_of, post_request_form, sign_in_as, text_of
from webapp.services import services

pytestmark = pytest.mark.usefixtures("people")


@pytest.fixture
def onboarding(client: FlaskClient, store: Store) -> int:
    """An HR onboarding request whose task 2 is IT's; carl is IT's second agent."""
    add_user(store, "carl", "agent", "it")
    made = services(client.application).requests.submit(
        User(username="emma"), "New hire", workflow="onboarding"
    )
    assert made.id is not None
    return made.id


def holder(store: Store, request_id: int, number: int = 2) -> tuple[str, str | None]:
    task = store.tasks(request_id)[number - 1]
    return task.status.value, task.assignee


def test_an_agent_releases_a_task_and_hands_it_over_on_the_page(
    client: FlaskClient, store: Store, onboarding: int
) -> None:
    token = sign_in_as(client, "ivan")
    page = text_of(client.get(f"/requests/{onboarding}?hl=en"))
    assert f"/requests/{onboarding}/tasks/2/release#tasks" not in page  # nobody holds it
    assert '<option value="carl">carl</option>' in page  # the hand-over list: IT's agents
    assert f"/requests/{onboarding}/tasks/1/hand-over#tasks" not in page  # HR's task
    post_request_form(client, token, onboarding, "tasks/2/take")
    page = text_of(client.get(f"/requests/{onboarding}?hl=en"))
    assert f'action="/requests/{onboarding}/tasks/2/release#tasks"' in page
    answer = post_request_form(client, token, onboarding, "tasks/2/release")
    assert answer.status_code == 303 and answer.headers["Location"].endswith("#tasks")
    assert holder(store, onboarding) == ("open", None)
    page = text_of(client.get(f"/requests/{onboarding}?hl=en"))
    assert "The task is released" in page
    assert "task 2 (Accounts and laptop): released (held by ivan before)" in page
    answer = post_request_form(client, token, onboarding, "tasks/2/hand-over", assignee="carl")
    assert answer.status_code == 303 and answer.headers["Location"].endswith("#tasks")
    assert holder(store, onboarding) == ("in_progress", "carl")
    page = text_of(client.get(f"/requests/{onboarding}?hl=en"))
    assert "The task has been handed over." in page and "taken by carl" in page
    assert "task 2 (Accounts and laptop): handed over to carl" in page
    # The holder is left out of the list; the history reads in German too.
    assert '<option value="carl">' not in page
    german = text_of(client.get(f"/requests/{onboarding}?hl=de"))
    assert "Aufgabe 2 (Accounts and laptop): übergeben an carl" in german


def test_a_hand_over_to_someone_outside_the_department_is_refused_on_the_page(
    client: FlaskClient, store: Store, onboarding: int
) -> None:
    token = sign_in_as(client, "ivan")
    post_request_form(client, token, onboarding, "tasks/2/take")
    answer = post_request_form(client, token, onboarding, "tasks/2/hand-over", assignee="hanna")
    # Back at the form, which says why (`webapp.requests.refused`).
    assert answer.status_code == 303 and answer.headers["Location"].endswith("#tasks")
    page = text_of(client.get(f"/requests/{onboarding}?hl=en"))
    assert "hanna does not work the queue of" in page
    assert holder(store, onboarding) == ("in_progress", "ivan")


def test_the_requester_gets_no_release_or_hand_over_forms_and_is_refused(
    client: FlaskClient, store: Store, onboarding: int
) -> None:
    token = sign_in_as(client, "ivan")
    post_request_form(client, token, onboarding, "tasks/2/take")
    token = sign_in_as(client, "emma")
    page = text_of(client.get(f"/requests/{onboarding}?hl=en"))
    assert "/release#tasks" not in page and "/hand-over#tasks" not in page
    assert post_request_form(client, token, onboarding, "tasks/2/release").status_code == 403
    assert holder(store, onboarding) == ("in_progress", "ivan")


def api(client: FlaskClient, token: str, request_id: int, action: str, **body: object) -> object:
    url = f"/api/requests/{request_id}/tasks/2/{action}"
    headers = {"X-CSRF-Token": token}
    if body:
        return client.post(url, json=body, headers=headers)
    return client.post(url, headers=headers)


def test_take_release_and_hand_over_in_the_api(
    client: FlaskClient, store: Store, onboarding: int
) -> None:
    token = sign_in_as(client, "ivan")
    answer = api(client, token, onboarding, "take")
    assert answer.status_code == 200, text_of(answer)
    body = answer.get_json()
    assert set(body) >= {"request", "history", "tasks", "progress", "permissions"}
    assert answer.headers["ETag"] == f'"{body["request"]["version"]}"'
    assert (body["tasks"][1]["assignee"], body["tasks"][1]["status"]) == ("ivan", "in_progress")
    answer = api(client, token, onboarding, "hand-over", assignee="carl")
    assert answer.status_code == 200, text_of(answer)
    assert answer.get_json()["tasks"][1]["assignee"] == "carl"
    assert answer.get_json()["history"][-1]["data"]["handed_to"] == "carl"
    answer = api(client, token, onboarding, "release")
    assert answer.status_code == 200
    assert answer.get_json()["tasks"][1]["assignee"] is None
    assert answer.get_json()["history"][-1]["data"]["released"] == "carl"
    assert holder(store, onboarding) == ("open", None)


def test_the_api_refuses_as_the_rest_of_the_requests_api(
    client: FlaskClient, store: Store, onboarding: int
) -> None:
    token = sign_in_as(client, "ivan")
    api(client, token, onboarding, "take")
    refused = error_of(api(client, token, onboarding, "hand-over", assignee="hanna"), 400,
                       "invalid_request")  # fmt: skip
    assert refused["details"]["field"] == "assignee"
    for body in ({}, {"assignee": 7}, {"assignee": "carl", "note": "x"}):
        answer = client.post(
            f"/api/requests/{onboarding}/tasks/2/hand-over",
            json=body,
            headers={"X-CSRF-Token": token},
        )
        error_of(answer, 400, "invalid_request")
    # Without the session's CSRF token: refused.
    error_of(client.post(f"/api/requests/{onboarding}/tasks/2/release"), 403, "forbidden")
    error_of(api(client, token, onboarding + 99, "release"), 404, "not_found")
    # The requester and an agent of another department read the request: 403.
    for name in ("emma", "hanna"):
        token = sign_in_as(client, name)
        for action, body in (("take", {}), ("release", {}), ("hand-over", {"assignee": "carl"})):
            error_of(api(client, token, onboarding, action, **body), 403, "forbidden")
    # Someone who may not read it: the same 404 as for an unknown request.
    token = sign_in_as(client, "olga")
    error_of(api(client, token, onboarding, "release"), 404, "not_found")
    assert holder(store, onboarding) == ("in_progress", "ivan")


def test_a_task_is_marked_done_in_the_api_with_or_without_a_note(
    client: FlaskClient, store: Store, onboarding: int
) -> None:
    """The request page's "done" form had no JSON endpoint: an agent's tool could
    take a task but not finish it."""
    token = sign_in_as(client, "emma")
    error_of(api(client, token, onboarding, "done"), 403, "forbidden")  # the requester
    token = sign_in_as(client, "ivan")
    error_of(api(client, token, onboarding, "done", note=7), 400, "invalid_request")
    error_of(api(client, token, onboarding, "done", note="x", extra=1), 400, "invalid_request")
    too_long = api(client, token, onboarding, "done", note="x" * 10_001)
    assert error_of(too_long, 400, "invalid_request")["details"]["field"] == "note"
    # Task 2 waits for HR's task 1: refused until HR marks theirs done, without a body.
    error_of(api(client, token, onboarding, "done"), 409, "conflict")
    hr_token = sign_in_as(client, "hanna")
    first = client.post(
        f"/api/requests/{onboarding}/tasks/1/done", headers={"X-CSRF-Token": hr_token}
    )
    assert first.status_code == 200 and first.get_json()["tasks"][0]["status"] == "done"
    assert holder(store, onboarding)[0] == "open"
    token = sign_in_as(client, "ivan")
    answer = api(client, token, onboarding, "done", note="  Laptop handed out.  ")
    assert answer.status_code == 200, text_of(answer)
    body = answer.get_json()
    assert body["tasks"][1]["status"] == "done"
    assert answer.headers["ETag"] == f'"{body["request"]["version"]}"'
    [entry] = [e for e in body["history"] if e["kind"] == "task" and e["data"]["task"] == 2]
    assert (entry["message"], entry["data"]["status"]) == ("Laptop handed out.", "done")
    assert body["request"]["status"] == "resolved"  # its last task done
    assert holder(store, onboarding)[0] == "done"
    error_of(api(client, token, onboarding, "done"), 409, "conflict")  # done already


def test_a_hand_over_based_on_a_stale_read_is_refused(
    client: FlaskClient, store: Store, onboarding: int
) -> None:
    """Ivan's page shows task 2 held by nobody; carl takes it meanwhile (which
    changes no version of the request): ivan's hand-over from that page, and a
    client's that read it so, are refused and carl keeps the task."""
    token = sign_in_as(client, "ivan")
    page = text_of(client.get(f"/requests/{onboarding}?hl=en"))
    assert '<input type="hidden" name="from" value="">' in page
    carl = store.find_user("carl")
    assert carl is not None
    services(client.application).requests.holders.take_task(carl, onboarding, 2)
    answer = post_request_form(
        client, token, onboarding, "tasks/2/hand-over", assignee="ivan", **{"from": ""}
    )
    assert answer.status_code == 303 and answer.headers["Location"].endswith("#tasks")
    assert "changed hands since you read it" in text_of(client.get(f"/requests/{onboarding}?hl=en"))
    assert holder(store, onboarding) == ("in_progress", "carl")
    for action, body in (("hand-over", {"assignee": "ivan", "from": None}), ("take", {"from": None}),
                         ("release", {"from": "ivan"})):  # fmt: skip
        refused = error_of(api(client, token, onboarding, action, **body), 409, "conflict")
        assert (refused["details"]["reason"], refused["details"]["holder"]) == (
            "holder_changed", "carl")  # fmt: skip
    assert holder(store, onboarding) == ("in_progress", "carl")
    answer = api(client, token, onboarding, "take", **{"from": "carl"})
    assert answer.status_code == 200, text_of(answer)
    assert holder(store, onboarding) == ("in_progress", "ivan")


def test_a_done_task_reads_done_and_its_outcome_says_so_once(
    client: FlaskClient, onboarding: int
) -> None:
    """The label of a done task was the sentence the outcome note says ("The task
    is done."): the task list read "Employee record Human Resources The task is
    done." and the history "task 1 (Employee record): The task is done."."""
    token = sign_in_as(client, "hanna")
    answer = post_request_form(client, token, onboarding, "tasks/1/done")
    assert answer.status_code == 303
    page = text_of(client.get(f"/requests/{onboarding}?hl=en"))
    assert page.count("The task is done.") == 1  # the outcome note, once
    assert '<span class="task-status">Done</span>' in page
    assert "task 1 (Employee record): Done" in page
    german = text_of(client.get(f"/requests/{onboarding}?hl=de"))
    assert '<span class="task-status">Erledigt</span>' in german
    assert "Aufgabe 1 (Employee record): Erledigt" in german
    assert "Die Aufgabe ist erledigt." not in german  # the note was shown once, in English


def test_the_hand_over_list_offers_colleagues_never_the_reader(
    client: FlaskClient, store: Store, onboarding: int
) -> None:
    """An agent alone in their department was offered "Hand task 1 over to:
    hanna" on their own page, beside "Take this task"; with a colleague, the list
    named the reader too."""
    sign_in_as(client, "hanna")  # HR's only agent
    page = text_of(client.get(f"/requests/{onboarding}?hl=en"))
    assert f"/requests/{onboarding}/tasks/1/take#tasks" in page
    assert f"/requests/{onboarding}/tasks/1/hand-over#tasks" not in page
    sign_in_as(client, "ivan")  # IT has carl too
    page = text_of(client.get(f"/requests/{onboarding}?hl=en"))
    assert '<option value="carl">carl</option>' in page
    assert '<option value="ivan">' not in page


def test_a_value_stream_nobody_coordinates_names_its_tasks_departments(
    client: FlaskClient, onboarding: int
) -> None:
    """The requester of an onboarding read "Assigned to: nobody yet" above tasks
    that HR and IT were working: as if nobody were on it."""
    sign_in_as(client, "emma")
    page = text_of(client.get(f"/requests/{onboarding}?hl=en"))
    assert '<a href="#tasks">the departments of its tasks (see Tasks)</a>' in page
    assert "nobody yet" not in page
    german = text_of(client.get(f"/requests/{onboarding}?hl=de"))
    assert "die Abteilungen ihrer Aufgaben (siehe Aufgaben)" in german
    plain = services(client.application).requests.submit(User(username="emma"), "VPN drops")
    assert "nobody yet" in text_of(client.get(f"/requests/{plain.id}?hl=en"))


def test_broken_bodies_of_the_task_calls_are_refused_and_change_no_holder(
    client: FlaskClient, store: Store, onboarding: int
) -> None:
    """Wrong types, a body that is no JSON object, bytes that are not UTF-8 and
    numbers past the store's are each a 400 naming what was wrong; the task
    keeps its holder."""
    token = sign_in_as(client, "ivan")
    headers = {"X-CSRF-Token": token}
    url = f"/api/requests/{onboarding}/tasks/2"
    for action, body in (
        ("take", b'{"from": 5}'),
        ("take", b'{"from": "\xff"}'),
        ("release", b"[1]"),
        ("hand-over", b'{"assignee": ["carl"]}'),
        ("hand-over", b'{"assignee": "carl", "from": "ivan", "to": "carl"}'),
        ("hand-over", b"{}"),
        ("done", b'{"note": 7}'),
    ):
        answer = client.post(
            f"{url}/{action}", data=body, content_type="application/json", headers=headers
        )
        assert error_of(answer, 400, "invalid_request"), (action, body)
    past = client.post(f"/api/requests/{onboarding}/tasks/{2**63}/take", headers=headers)
    assert error_of(past, 400, "invalid_request")["details"]["field"] == "task_id"
    assert holder(store, onboarding) == ("open", None)


def test_the_page_names_people_by_their_display_name(
    client: FlaskClient, store: Store, onboarding: int
) -> None:
    add_user(store, "carl", "agent", "it", display_name="Carl <Kühn>")
    add_user(store, "emma", "employee", display_name="Emma Schulz")
    token = sign_in_as(client, "ivan")
    post_request_form(client, token, onboarding, "tasks/2/hand-over", assignee="carl")
    page = text_of(client.get(f"/requests/{onboarding}?hl=de"))
    assert "übernommen von Carl &lt;Kühn&gt;" in page  # a display name is escaped
    # "Gefragt von": the username beside the name, for agents who need it.
    assert '<dd><span class="person" title="emma">Emma Schulz</span></dd>' in page
    post_request_form(client, token, onboarding, "tasks/2/take")
    page = text_of(client.get(f"/requests/{onboarding}?hl=de"))
    # The hand-over list shows the name and sends the username; ivan has none.
    assert '<option value="carl">Carl &lt;Kühn&gt;</option>' in page
    assert "übernommen von ivan" in page
