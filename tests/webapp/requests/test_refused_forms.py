"""A refused form of a request's page follows post/redirect/get: a redirect back to
the request at the form, where the message shows once with what was typed.

The page used to be the answer to the POST itself, at the form's address
(`/requests/<id>/comment`): reloading it sent the form again."""

from __future__ import annotations

import re
import secrets

import pytest
from flask.testing import FlaskClient

from kb.accounts.records import User
from kb.store.protocols import Store
from tests.support import post_request_form, refused_page, refused_queue_page, sign_in_as, text_of
from tests.webapp.requests.test_page_forms import file
from webapp.services import services

pytestmark = pytest.mark.usefixtures("people")


def test_an_empty_reply_comes_back_at_the_form_once(client: FlaskClient) -> None:
    request_id = file(client)
    token = sign_in_as(client, "ivan")
    answer = post_request_form(client, token, request_id, "comment", text="  ", internal="1")
    assert answer.headers["Location"] == f"/requests/{request_id}#reply"
    page = refused_page(client, answer, "reply")
    assert page.count('class="form-error"') == 1 and 'id="comment-error"' in page
    assert 'name="internal" value="1" checked' in page  # the choice made is kept
    again = text_of(client.get(f"/requests/{request_id}"))  # a reload: the GET again
    assert 'class="form-error"' not in again


def test_an_internal_box_sent_as_anything_but_yes_or_no_is_refused_not_a_reply(
    client: FlaskClient, store: Store
) -> None:
    """The reply form read `internal` as yes only when it was `1`: a script or an
    older page posting `on` (a checkbox's default) or `true` sent the agent's
    internal note to the requester, and mailed it. Yes is `1` or `true`; any
    other value comes back with the text, nothing sent."""
    request_id = file(client)
    token = sign_in_as(client, "ivan")
    typed = "Salary band of the caller is 61,000."
    for value in ("on", "True", "yes"):
        answer = post_request_form(client, token, request_id, "comment", text=typed, internal=value)
        page = refused_page(client, answer, "reply")
        assert f">{typed}</textarea>" in page and "internal" in page, value
    assert [e.kind for e in store.entries(request_id)] == ["created"]
    answer = post_request_form(client, token, request_id, "comment", text=typed, internal="true")
    assert answer.status_code == 303 and answer.headers["Location"].endswith("#conversation")
    [note] = [e for e in store.entries(request_id) if e.kind == "comment"]
    assert not note.visible_to_requester


def test_what_was_typed_comes_back_and_nothing_is_sent(client: FlaskClient, store: Store) -> None:
    request_id = file(client)
    token = sign_in_as(client, "ivan")
    typed = "Restart the client, then tell me the time it drops."
    answer = post_request_form(client, token, request_id, "comment", text=typed, version="7")
    page = refused_page(client, answer, "reply")
    assert f">{typed}</textarea>" in page
    assert [e.kind for e in store.entries(request_id)] == ["created"]


def test_a_refusal_shows_on_its_own_request_only(client: FlaskClient) -> None:
    first, second = file(client), file(client)
    token = sign_in_as(client, "ivan")
    answer = post_request_form(client, token, first, "resolve", resolution=" ")
    assert answer.headers["Location"] == f"/requests/{first}#resolve-form"
    assert 'class="form-error"' not in text_of(client.get(f"/requests/{second}"))
    assert 'class="form-error"' not in text_of(client.get(f"/requests/{first}"))


def test_status_reassign_task_and_resolve_refusals_redirect(client: FlaskClient) -> None:
    request_id = file(client)
    made = services(client.application).requests.submit(
        User(username="emma"), "New hire", workflow="onboarding"
    )
    token = sign_in_as(client, "ivan")
    for action, typed, anchor in (
        ("status", {"status": "new", "note": "Checking"}, ""),
        ("reassign", {"department": "hr", "reason": ""}, "reassign-form"),
        ("resolve", {"resolution": ""}, "resolve-form"),
    ):
        answer = post_request_form(client, token, request_id, action, **typed)
        assert answer.status_code == 303, action
        assert answer.headers["Location"] == f"/requests/{request_id}" + (
            f"#{anchor}" if anchor else ""
        )
        refused_page(client, answer)
    task = post_request_form(client, token, made.id or 0, "tasks/2/done")
    refused_page(client, task, "tasks")


def test_a_refusal_whose_form_is_gone_shows_the_text_to_copy(client: FlaskClient) -> None:
    request_id = file(client)
    token = sign_in_as(client, "ivan")
    page = text_of(client.get(f"/requests/{request_id}"))
    assert 'id="resolve-form"' in page
    ivan = services(client.application).store.get_user("ivan")
    assert ivan is not None
    services(client.application).requests.resolve(ivan, request_id, "Use 6.2.")
    answer = post_request_form(client, token, request_id, "resolve", resolution="Use 6.3.")
    page = refused_page(client, answer, "resolve-form")
    assert 'id="resolve-form"' not in page
    assert "not sent (copy it to keep it)" in page
    assert "readonly>Use 6.3.</textarea>" in page


def test_text_too_long_to_carry_is_shown_at_the_form_s_address(
    client: FlaskClient, store: Store
) -> None:
    """The session cookie cannot carry several thousand characters that do not
    compress: the page comes back as the answer to the form, with the text."""
    request_id = file(client)
    token = sign_in_as(client, "ivan")
    typed = secrets.token_hex(4000)  # 8,000 characters, within the reply's 10,000
    answer = post_request_form(client, token, request_id, "comment", text=typed, version="7")
    assert answer.status_code == 409
    assert typed in text_of(answer) and "Someone else changed this request" in text_of(answer)
    assert all(len(c) < 4096 for c in answer.headers.getlist("Set-Cookie"))
    assert 'class="form-error"' not in text_of(client.get(f"/requests/{request_id}"))
    assert [e.kind for e in store.entries(request_id)] == ["created"]


def test_a_refused_bulk_change_comes_back_to_the_queue_page_it_was_sent_from(
    client: FlaskClient, store: Store
) -> None:
    """The queue's bulk form answered a refusal with the queue at the form's
    address (`/requests/queue/it/bulk`): a reload sent the change again."""
    first, second = file(client), file(client)
    token = sign_in_as(client, "ivan")
    form = {"csrf_token": token, "ids": [str(second)], "status": "bogus", "note": "Taken"}
    answer = client.post("/requests/queue/it/bulk?status=new&overdue=0", data=form)
    location = answer.headers.get("Location", "")
    assert location.startswith("/requests/queue/it?") and location.endswith("#bulk-error")
    assert "status=new" in location and "overdue=0" in location  # the filters kept
    page = refused_queue_page(client, answer)
    assert page.count('class="form-error"') == 1 and 'value="Taken"' in page
    assert f'name="ids" value="{second}" checked' in page
    assert f'name="ids" value="{first}" checked' not in page
    again = text_of(client.get("/requests/queue/it"))  # a reload: the GET again
    assert 'class="form-error"' not in again and 'value="Taken"' not in again
    assert [e.kind for e in store.entries(second)] == ["created"]


def test_a_queue_s_refusal_is_not_shown_on_a_request_s_page(client: FlaskClient) -> None:
    request_id = file(client)
    token = sign_in_as(client, "ivan")
    answer = client.post("/requests/queue/it/bulk", data={"csrf_token": token})
    assert answer.status_code == 303
    assert 'class="form-error"' not in text_of(client.get(f"/requests/{request_id}"))
    # Taken out by the request's page, so the queue shows nothing either.
    assert 'class="form-error"' not in text_of(client.get("/requests/queue/it"))


def test_a_bulk_note_too_long_to_carry_is_shown_at_the_form_s_address(
    client: FlaskClient, store: Store
) -> None:
    request_id = file(client)
    token = sign_in_as(client, "ivan")
    typed = secrets.token_hex(5001)  # 10,002 characters that do not compress, past 10,000
    form = {"csrf_token": token, "ids": [str(request_id)], "note": typed}
    answer = client.post("/requests/queue/it/bulk", data=form)
    assert answer.status_code == 400
    assert typed in text_of(answer) and "10002 characters" in text_of(answer)
    assert all(len(c) < 4096 for c in answer.headers.getlist("Set-Cookie"))
    assert [e.kind for e in store.entries(request_id)] == ["created"]


@pytest.mark.parametrize(
    ("change", "field", "said"),
    [
        ({"status": "bogus"}, "status", "please choose one of"),
        ({"assignee": "hanna"}, "assignee", "hanna does not work the queue"),
    ],
)
def test_a_bulk_value_no_request_takes_refuses_the_form(
    client: FlaskClient, store: Store, change: dict[str, str], field: str, said: str
) -> None:
    """A value no chosen request could take (an unknown status, an agent of another
    queue) was reported request by request ("#1 was not changed: …", once for
    each) under "0 requests changed", and the requests chosen were lost."""
    first, second = file(client), file(client)
    token = sign_in_as(client, "ivan")
    chosen = {"ids": [str(first), str(second)], f"version_{first}": "1", f"version_{second}": "1"}
    form = {"csrf_token": token, **chosen, **change, "note": "Sorted"}
    answer = client.post("/requests/queue/it/bulk?status=new", data=form)
    assert answer.headers["Location"] == "/requests/queue/it?status=new#bulk-error"
    page = refused_queue_page(client, answer)
    assert page.count('class="form-error"') == 1 and said in page
    assert "was not changed" not in page and "requests changed" not in page
    assert re.search(rf'<select id="bulk-{field}" name="{field}" aria-invalid="true"', page)
    assert all(f'name="ids" value="{i}" checked' in page for i in (first, second))
    assert 'value="Sorted"' in page
    again = text_of(client.get("/requests/queue/it?status=new"))  # a reload: the GET again
    assert 'class="form-error"' not in again and f'value="{first}" checked' not in again
    assert [e.kind for e in store.entries(first)] == ["created"]


def test_a_bulk_value_some_requests_take_is_applied_to_them(
    client: FlaskClient, store: Store
) -> None:
    """Only a value refused by every request refuses the form; one a request's own
    state refuses is reported for that request, the others changed."""
    first, second = file(client), file(client)
    token = sign_in_as(client, "ivan")
    post_request_form(client, token, first, "status", status="closed", version="1")
    chosen = {"ids": [str(first), str(second)], f"version_{second}": "1"}
    chosen[f"version_{first}"] = str(store.get_request(first).version)
    form = {"csrf_token": token, **chosen, "status": "triaged"}
    answer = client.post("/requests/queue/it/bulk", data=form)
    assert answer.headers["Location"] == "/requests/queue/it#outcome"
    page = text_of(client.get("/requests/queue/it"))
    assert "1 request changed." in page and f"#{first} was not changed" in page
    assert (store.get_request(first).status, store.get_request(second).status) == (
        "closed",
        "triaged",
    )


def test_the_api_reports_a_bulk_value_no_request_takes_request_by_request(
    client: FlaskClient,
) -> None:
    request_id = file(client)
    token = sign_in_as(client, "ivan")
    body = {"ids": [request_id], "status": "bogus"}
    answer = client.post("/api/requests/bulk", json=body, headers={"X-CSRF-Token": token})
    assert answer.status_code == 200
    (result,) = answer.get_json()["results"]
    assert result["ok"] is False and result["id"] == request_id


def test_a_bulk_refusal_shows_on_a_page_its_requests_have_left(
    client: FlaskClient, store: Store
) -> None:
    """A refusal about requests the page's filter no longer lists (changed meanwhile
    out of "New") came back to a page without the bulk form, and its message with it."""
    request_id = file(client)
    token = sign_in_as(client, "ivan")
    post_request_form(client, token, request_id, "status", status="in_progress", version="1")
    form = {"csrf_token": token, "ids": [str(request_id)], f"version_{request_id}": "1"}
    answer = client.post("/requests/queue/it/bulk?status=new", data={**form, "status": "closed"})
    page = refused_queue_page(client, answer)
    assert f"Someone else changed #{request_id}" in page and 'name="ids"' not in page
    assert store.get_request(request_id).status == "in_progress"


def test_a_refusal_naming_tasks_names_their_departments_as_the_page_does(
    client: FlaskClient,
) -> None:
    """Resolving an onboarding with open tasks said "1 (hr: Employee record)", and a
    task done too early "waits for tasks 1 (hr: …)": the folder name, where the
    task list beside it says "Human Resources"."""
    made = services(client.application).requests.submit(
        User(username="emma"), "New hire", workflow="onboarding"
    )
    assert made.id is not None
    token = sign_in_as(client, "hanna")
    answer = post_request_form(client, token, made.id, "resolve", resolution="Done")
    page = refused_page(client, answer, "resolve-form")
    assert "1 (Human Resources: Employee record)" in page and "(hr:" not in page
    token = sign_in_as(client, "ivan")
    page = refused_page(client, post_request_form(client, token, made.id, "tasks/2/done"))
    assert "1 (Human Resources: Employee record)" in page and "(hr:" not in page
