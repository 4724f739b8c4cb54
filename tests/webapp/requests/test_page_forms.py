"""The request page's small forms without JavaScript: taking a request in one click,
a refused change shown at the form that sent it, adding watchers by name."""

from __future__ import annotations

import re
from typing import Any

import pytest
from flask.testing import FlaskClient

from kb.store.protocols import Store
from tests.support import post_request_form, refused_page, sign_in_as, text_of

pytestmark = pytest.mark.usefixtures("people")


def file(client: FlaskClient, user: str = "emma") -> int:
    token = sign_in_as(client, user)
    response = client.post(
        "/api/requests",
        json={"query": "VPN drops hourly", "department": "it"},
        headers={"X-CSRF-Token": token},
    )
    assert response.status_code == 201, text_of(response)
    return int(response.get_json()["id"])


def act(client: FlaskClient, token: str, request_id: int, action: str, **data: str) -> Any:
    return post_request_form(client, token, request_id, action, **data)


def form_of(page: str, request_id: int, action: str) -> str:
    """The first form on `page` that posts to `action`, up to its end."""
    found = re.search(rf'<form [^>]*action="/requests/{request_id}/{action}(#[^"]*)?"', page)
    assert found is not None, f"no form posts to {action}"
    return page[found.start() :].split("</form>", 1)[0]


def test_an_agent_assigns_a_request_to_themselves(client: FlaskClient) -> None:
    request_id = file(client)
    ivan = sign_in_as(client, "ivan")
    take = form_of(text_of(client.get(f"/requests/{request_id}")), request_id, "assign-me")
    assert 'name="csrf_token"' in take and "Assign to me" in take
    response = act(client, ivan, request_id, "assign-me")
    assert response.status_code == 303
    page = text_of(client.get(response.headers["Location"]))
    assert "The assignee has been changed." in page
    assert '<option value="ivan" selected>ivan</option>' in page
    assert f'action="/requests/{request_id}/assign-me' not in page  # theirs already


def test_an_admin_holding_a_request_stays_its_assignee_when_the_form_is_sent_unchanged(
    client: FlaskClient, store: Store
) -> None:
    """An admin is no agent of the queue, yet may be assigned by name: the list
    shows them chosen, so sending it as it stands does not unassign them."""
    request_id = file(client)
    ivan = sign_in_as(client, "ivan")
    assert act(client, ivan, request_id, "assign", assignee="ada").status_code == 303
    assert store.get_request(request_id).assignee == "ada"
    assign = form_of(text_of(client.get(f"/requests/{request_id}")), request_id, "assign")
    assert '<option value="ada" selected>ada</option>' in assign
    chosen = re.findall(r'<option value="([^"]*)" selected>', assign)
    assert chosen == ["ada"], assign
    assert act(client, ivan, request_id, "assign", assignee=chosen[0]).status_code == 303
    assert store.get_request(request_id).assignee == "ada"


def test_only_agents_of_the_queue_may_take_a_request(client: FlaskClient, store: Store) -> None:
    request_id = file(client)
    emma = sign_in_as(client, "emma")
    assert "Assign to me" not in text_of(client.get(f"/requests/{request_id}"))
    assert act(client, emma, request_id, "assign-me").status_code == 403
    hanna = sign_in_as(client, "hanna")  # an agent of another department
    assert act(client, hanna, request_id, "assign-me").status_code == 404
    assert store.get_request(request_id).assignee is None


def test_a_refused_change_shows_at_its_own_form_with_what_was_typed(client: FlaskClient) -> None:
    request_id = file(client)
    ivan = sign_in_as(client, "ivan")
    response = act(client, ivan, request_id, "status", status="new", note="Checking the logs")
    page = refused_page(client, response)
    status = form_of(page, request_id, "status")
    assert page.count('class="form-error"') == 1
    assert 'class="form-error" role="alert"' in status and "is “New” already" in status
    assert 'value="Checking the logs"' in status
    # The browser comes back to the form that was sent, not to the top of the page.
    anchor = re.search(r'action="[^"]*#([^"]+)"', status)
    assert anchor is not None and f'id="{anchor.group(1)}"' in page
    assert "Checking the logs" not in form_of(page, request_id, "merge")

    response = act(client, ivan, request_id, "merge", into="yesterday's", note="Same VPN")
    page = refused_page(client, response, "merge-form")
    assert page.count('class="form-error"') == 1
    merge = form_of(page, request_id, "merge")
    assert "give the number of the request to merge into" in merge
    assert 'value="Same VPN"' in merge
    assert "Same VPN" not in form_of(page, request_id, "status")


def test_a_refusal_whose_form_is_gone_still_shows(client: FlaskClient) -> None:
    request_id = file(client)
    ivan = sign_in_as(client, "ivan")
    assert act(client, ivan, request_id, "resolve", resolution="Use 6.2.").status_code == 303
    # A second tab still showing the resolve form: the page has none any more.
    response = act(client, ivan, request_id, "resolve", resolution="Use 6.3.")
    page = refused_page(client, response, "resolve-form")
    assert page.count('class="form-error"') == 1 and "is “Resolved” already" in page
    assert ">Use 6.3.</textarea>" in page  # its form is gone; what was typed is not


def test_a_watcher_is_added_by_username_or_name(client: FlaskClient, store: Store) -> None:
    from kb.accounts.service import add_user

    add_user(store, "m.berg@example.com", "employee", display_name="Maria Berg")
    add_user(store, "jo1", "employee", display_name="Jo Lang")
    add_user(store, "jo2", "employee", display_name="Jo Lang")
    request_id = file(client)
    emma = sign_in_as(client, "emma")
    for typed, added in (("Maria Berg", "m.berg@example.com"), ("OLGA", "olga")):
        response = act(client, emma, request_id, "watchers", username=typed)
        assert response.status_code == 303, text_of(response)
        assert added in store.get_request(request_id).watchers
    response = act(client, emma, request_id, "watchers", username="Jo Lang")
    page = refused_page(client, response, "watchers")
    # The requester hears how many share the name; their usernames are not hers to see.
    assert "2 people are called “Jo Lang”" in page
    assert "jo1" not in page and "jo2" not in page
    watchers = form_of(page, request_id, "watchers")
    assert 'value="Jo Lang"' in watchers  # kept, to add the username to
    ivan = sign_in_as(client, "ivan")  # an agent of the queue, who assigns by username
    page = refused_page(client, act(client, ivan, request_id, "watchers", username="Jo Lang"))
    assert "with the usernames jo1, jo2." in page
    emma = sign_in_as(client, "emma")
    response = act(client, emma, request_id, "watchers", username="Nobody Here")
    page = refused_page(client, response, "watchers")
    assert "There is nobody with the username or name “Nobody Here”." in page


def test_each_watcher_s_button_says_whom_it_takes_off(client: FlaskClient, store: Store) -> None:
    """The requester's list of watchers had one "remove" per person, named alike
    for a screen reader; a watcher found their own way out as "remove" too."""
    from kb.accounts.service import add_user

    add_user(store, "m.berg", "employee", display_name="Maria Berg")
    request_id = file(client)
    emma = sign_in_as(client, "emma")
    for name in ("olga", "Maria Berg"):
        assert act(client, emma, request_id, "watchers", username=name).status_code == 303
    page = text_of(client.get(f"/requests/{request_id}?hl=en"))
    assert 'aria-label="Remove olga from the watchers">remove</button>' in page
    assert 'aria-label="Remove Maria Berg from the watchers">remove</button>' in page
    german = text_of(client.get(f"/requests/{request_id}?hl=de"))
    assert 'aria-label="Maria Berg von den Beobachtenden entfernen">entfernen</button>' in german
    sign_in_as(client, "olga")
    own = text_of(client.get(f"/requests/{request_id}?hl=en"))
    assert '<input type="hidden" name="username" value="olga">' in own
    assert ">Stop watching</button>" in own and ">remove</button>" not in own
    german = text_of(client.get(f"/requests/{request_id}?hl=de"))
    assert ">Nicht mehr beobachten</button>" in german


def test_an_assignee_without_an_account_is_shown_as_such(client: FlaskClient, store: Store) -> None:
    """A request still naming a removed account (or one assigned before assignments
    were re-checked when saved) says so, and the list does not offer the name back."""
    from kb.accounts.service import add_user, remove_user
    from webapp.services import services

    add_user(store, "maria", "agent", "it")
    request_id = file(client)
    ivan = store.get_user("ivan")
    assert ivan is not None
    service = services(client.application).requests
    service.assign(ivan, request_id, "maria")
    service.transition(ivan, request_id, "closed")
    remove_user(store, "maria")
    sign_in_as(client, "ivan")
    page = text_of(client.get(f"/requests/{request_id}"))
    assert "maria (removed) – no account has this name any more" in page
    assert 'value="maria (removed)"' not in page
    service.transition(ivan, request_id, "in_progress")
    page = text_of(client.get(f"/requests/{request_id}"))
    assert "assign the request again" in page


def test_a_request_whose_tasks_are_open_offers_no_answer_form(client: FlaskClient) -> None:
    """An onboarding's agents were offered "Resolve with this answer", which always
    came back refused while its tasks were open, the typed answer with it. The
    page says instead that the tasks resolve it, and closing it stays offered."""
    from kb.accounts.records import User
    from webapp.services import services

    made = services(client.application).requests.submit(
        User(username="emma"), "New hire", workflow="onboarding"
    )
    assert made.id is not None
    sign_in_as(client, "hanna")
    page = text_of(client.get(f"/requests/{made.id}?hl=en"))
    assert 'id="resolve-form"' not in page
    assert "it resolves by itself when the last one is done (2 still open)" in page
    assert '<option value="closed">' in form_of(page, made.id, "status")
    german = text_of(client.get(f"/requests/{made.id}?hl=de"))
    assert "wenn die letzte erledigt ist (noch 2 offen)" in german
    plain = file(client)
    sign_in_as(client, "ivan")
    assert 'id="resolve-form"' in text_of(client.get(f"/requests/{plain}"))


def test_an_agent_takes_a_task_of_their_department(client: FlaskClient, store: Store) -> None:
    """A value-stream task could only be marked done: two agents of a department
    could not tell who was working it. An agent takes it; the page says who."""
    from kb.accounts.records import User
    from webapp.services import services

    made = services(client.application).requests.submit(
        User(username="emma"), "New hire", workflow="onboarding"
    )
    assert made.id is not None
    token = sign_in_as(client, "ivan")
    page = text_of(client.get(f"/requests/{made.id}?hl=en"))
    assert f'action="/requests/{made.id}/tasks/2/take#tasks"' in page  # blocked: may prepare
    assert f'action="/requests/{made.id}/tasks/1/take#tasks"' not in page  # HR's
    answer = post_request_form(client, token, made.id, "tasks/2/take")
    assert answer.status_code == 303 and answer.headers["Location"].endswith("#tasks")
    page = text_of(client.get(f"/requests/{made.id}?hl=en"))
    assert "You have taken the task." in page and "taken by ivan" in page
    assert f'action="/requests/{made.id}/tasks/2/take#tasks"' not in page
    task = store.tasks(made.id)[1]
    assert (task.assignee, task.status.value) == ("ivan", "in_progress")
    assert "übernommen von ivan" in text_of(client.get(f"/requests/{made.id}?hl=de"))
    assert "taken by ivan" in text_of(client.get("/requests/queue/it?hl=en"))  # the task list
    sign_in_as(client, "emma")  # the requester follows it, and takes nothing
    page = text_of(client.get(f"/requests/{made.id}?hl=en"))
    assert "taken by ivan" in page and "/take#tasks" not in page
    token = sign_in_as(client, "hanna")
    refused = post_request_form(client, token, made.id, "tasks/2/take")
    assert refused.status_code in (303, 403)
    assert store.tasks(made.id)[1].assignee == "ivan"
