"""Two people change the same request from pages they opened before the other's
change: the second change is not applied, the page comes back as the request
is now with a message, and what was typed is kept (the forms' `version`)."""

from __future__ import annotations

import re
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from kb.store.protocols import Store
from tests.support import refused_page, refused_queue_page, sign_in_as, text_of
from tests.webapp.requests.test_page_forms import file

pytestmark = pytest.mark.usefixtures("people", "maria")

CHANGED = "Someone else changed this request while you had it open"


@pytest.fixture
def maria(store: Store) -> None:
    """A second agent of IT."""
    from kb.accounts.service import add_user

    add_user(store, "maria", "agent", "it")


def agent(app: Flask, name: str) -> FlaskClient:
    """A browser of its own: one session per person."""
    browser = app.test_client()
    sign_in_as(browser, name)
    return browser


def form_fields(page: str, action: str) -> dict[str, str]:
    """The hidden fields of the first form on `page` posting to `action`."""
    found = re.search(rf'<form [^>]*action="{re.escape(action)}(#[^"]*)?"', page)
    assert found is not None, f"no form posts to {action}"
    form = page[found.start() :].split("</form>", 1)[0]
    return dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', form))


def send(browser: FlaskClient, page: str, action: str, **typed: Any) -> Any:
    """Post a form of `page` as a browser would: its hidden fields and what was typed."""
    return browser.post(action, data=form_fields(page, action) | typed)


def test_the_second_reply_is_not_sent_and_its_text_is_kept(app: Flask, store: Store) -> None:
    request_id = file(app.test_client())
    ivan, maria = agent(app, "ivan"), agent(app, "maria")
    url = f"/requests/{request_id}"
    ivans_page, marias_page = text_of(ivan.get(url)), text_of(maria.get(url))
    action = f"{url}/comment"
    assert form_fields(marias_page, action)["version"] == "1"
    assert send(ivan, ivans_page, action, text="Restart the client").status_code == 303

    answer = send(maria, marias_page, action, text="Which version do you run?")
    page = refused_page(maria, answer, "reply")
    assert CHANGED in page
    assert "Restart the client" in page  # the request as it is now
    assert ">Which version do you run?</textarea>" in page  # nothing typed is lost
    texts = [e.message for e in store.entries(request_id) if e.kind == "comment"]
    assert texts == ["Restart the client"]
    # The page shown again is at the current version (the reply, then the start of
    # the work it made: `kb.requests.starting`): sending it again works.
    assert form_fields(page, action)["version"] == "3"
    assert send(maria, page, action, text="Which version do you run?").status_code == 303
    comments = [e.message for e in store.entries(request_id) if e.kind == "comment"]
    assert comments[-1] == "Which version do you run?"


def test_a_status_change_on_a_stale_page_changes_nothing(app: Flask, store: Store) -> None:
    request_id = file(app.test_client())
    ivan, maria = agent(app, "ivan"), agent(app, "maria")
    url = f"/requests/{request_id}"
    ivans_page, marias_page = text_of(ivan.get(url)), text_of(maria.get(url))
    assert send(ivan, ivans_page, f"{url}/assign", assignee="ivan").status_code == 303
    answer = send(
        maria, marias_page, f"{url}/status", status="waiting_for_requester", note="Need logs"
    )
    page = refused_page(maria, answer)
    assert CHANGED in page
    assert 'value="Need logs"' in page
    stored = store.get_request(request_id)
    assert (stored.status.value, stored.assignee, stored.version) == ("new", "ivan", 2)


def test_the_message_is_german_for_german_readers(app: Flask) -> None:
    request_id = file(app.test_client())
    ivan, maria = agent(app, "ivan"), agent(app, "maria")
    url = f"/requests/{request_id}"
    ivans_page, marias_page = text_of(ivan.get(url)), text_of(maria.get(url))
    assert send(ivan, ivans_page, f"{url}/assign-me").status_code == 303
    action = f"{url}/resolve"
    answer = maria.post(
        action,
        data=form_fields(marias_page, action) | {"resolution": "Use 6.2."},
        headers={"Accept-Language": "de"},
    )
    page = refused_page(maria, answer, "resolve-form")
    assert "Jemand anderes hat diese Anfrage geändert" in page and "Use 6.2." in page


@pytest.mark.parametrize(
    "version", ["abc", "-1", "0", "1.5", "9" * 40, "1e3", "１", " ", "<script>"]
)
def test_a_broken_version_is_a_clear_400_that_keeps_the_text(
    app: Flask, store: Store, version: str
) -> None:
    request_id = file(app.test_client())
    ivan = agent(app, "ivan")
    url = f"/requests/{request_id}"
    page = text_of(ivan.get(url))
    answer = send(ivan, page, f"{url}/comment", text="Try again", version=version)
    shown = refused_page(ivan, answer, "reply")
    assert "Version" in shown, shown
    assert ">Try again</textarea>" in shown and "<script>" not in shown.split("<main", 1)[-1]
    assert not [e for e in store.entries(request_id) if e.kind == "comment"]


def test_a_bulk_change_leaves_requests_changed_meanwhile(app: Flask, store: Store) -> None:
    first, second = file(app.test_client()), file(app.test_client())
    ivan, maria = agent(app, "ivan"), agent(app, "maria")
    queue = text_of(maria.get("/requests/queue/it"))
    ivans_page = text_of(ivan.get(f"/requests/{first}"))
    assert send(ivan, ivans_page, f"/requests/{first}/assign-me").status_code == 303

    action = "/requests/queue/it/bulk"
    fields = form_fields(queue, action)
    assert (fields[f"version_{first}"], fields[f"version_{second}"]) == ("1", "1")
    data = fields | {"ids": [str(first), str(second)], "assignee": "maria", "note": "Mine"}
    page = refused_queue_page(maria, maria.post(action, data=data))
    assert f"Someone else changed #{first} while you had the queue open" in page
    assert "1 request changed." in page
    assert store.get_request(first).assignee == "ivan"  # left as Ivan made it
    assert store.get_request(second).assignee == "maria"
    # Still chosen, the change still set, at the version now shown.
    assert f'name="ids" value="{first}" checked' in page
    assert f'name="ids" value="{second}" checked' not in page
    assert '<option value="maria" selected>maria</option>' in page and 'value="Mine"' in page
    assert form_fields(page, action)[f"version_{first}"] == "2"


@pytest.mark.parametrize("version", ["x", "-3", "9" * 30])
def test_a_broken_bulk_version_is_a_400(app: Flask, store: Store, version: str) -> None:
    request_id = file(app.test_client())
    maria = agent(app, "maria")
    data = {
        "csrf_token": "csrf-maria",
        "ids": str(request_id),
        "assignee": "maria",
        f"version_{request_id}": version,
    }
    answer = maria.post("/requests/queue/it/bulk", data=data)
    assert "Version" in refused_queue_page(maria, answer)
    assert store.get_request(request_id).assignee is None


MISSING = "the form did not say which version of the request it was sent from"


@pytest.mark.parametrize(
    ("action", "typed"),
    [
        ("comment", {"text": "Try the new client"}),
        ("status", {"status": "waiting_for_requester", "note": "Need logs"}),
        ("resolve", {"resolution": "Use 6.2."}),
        ("assign", {"assignee": "maria"}),
        ("assign-me", {}),
        ("reassign", {"department": "hr", "reason": "A payroll question"}),
        ("merge", {"into": "OTHER", "note": "Same outage"}),
    ],
)
def test_a_form_without_its_version_changes_nothing(
    app: Flask, store: Store, action: str, typed: dict[str, str]
) -> None:
    """A page kept from before forms carried their version, or a script posting the
    form, changed whatever was current: it could undo a change its sender never saw."""
    request_id = file(app.test_client())
    other = file(app.test_client())  # a second request, to merge into
    typed = {name: str(other) if value == "OTHER" else value for name, value in typed.items()}
    ivan = agent(app, "ivan")
    url = f"/requests/{request_id}"
    fields = form_fields(text_of(ivan.get(url)), f"{url}/{action}")
    del fields["version"]
    answer = ivan.post(f"{url}/{action}", data=fields | typed)
    page = refused_page(ivan, answer)
    assert MISSING in page, page
    for value in typed.values():
        assert value in page  # what was typed is kept
    stored = store.get_request(request_id)
    assert (stored.version, stored.assignee, stored.department) == (1, None, "it")
    assert [e.kind for e in store.entries(request_id)] == ["created"]
    # The page shown again carries the version: sending it from there works.
    assert send(ivan, page, f"{url}/{action}", **typed).status_code == 303


def test_a_requester_without_the_version_is_told_in_german(app: Flask, store: Store) -> None:
    request_id = file(app.test_client())
    ivan = agent(app, "ivan")
    url = f"/requests/{request_id}"
    assert (
        send(ivan, text_of(ivan.get(url)), f"{url}/resolve", resolution="Done").status_code == 303
    )
    emma = agent(app, "emma")
    fields = form_fields(text_of(emma.get(url)), f"{url}/rating")
    del fields["version"]
    answer = emma.post(
        f"{url}/rating",
        data=fields | {"rating": "2", "comment": "Zu langsam"},
        headers={"Accept-Language": "de"},
    )
    page = refused_page(emma, answer, "rating")
    assert "Das Formular hat nicht angegeben, von welchem Stand der Anfrage" in page
    assert "Zu langsam" in page and store.get_request(request_id).rating is None


def test_completing_a_task_without_the_version_is_refused(app: Flask, store: Store) -> None:
    from kb.accounts.records import User
    from webapp.services import services

    made = services(app).requests.submit(User(username="emma"), "New hire", workflow="onboarding")
    hanna = agent(app, "hanna")
    url = f"/requests/{made.id}"
    fields = form_fields(text_of(hanna.get(url)), f"{url}/tasks/1/done")
    del fields["version"]
    answer = hanna.post(f"{url}/tasks/1/done", data=fields)
    assert MISSING in refused_page(hanna, answer, "tasks")
    assert [t.status.value for t in store.tasks(made.id or 0)] == ["open", "open"]


def test_a_bulk_row_without_its_version_changes_nothing(app: Flask, store: Store) -> None:
    first, second = file(app.test_client()), file(app.test_client())
    maria = agent(app, "maria")
    action = "/requests/queue/it/bulk"
    fields = form_fields(text_of(maria.get("/requests/queue/it")), action)
    del fields[f"version_{second}"]
    data = fields | {"ids": [str(first), str(second)], "assignee": "maria", "note": "Mine"}
    page = refused_queue_page(maria, maria.post(action, data=data))
    assert f"the queue page did not say which version of #{second} it showed" in page
    assert [store.get_request(i).assignee for i in (first, second)] == [None, None]
    assert f'name="ids" value="{second}" checked' in page and 'value="Mine"' in page
    resent = form_fields(page, action) | {"ids": [str(first), str(second)], "assignee": "maria"}
    assert maria.post(action, data=resent).status_code == 303
    assert [store.get_request(i).assignee for i in (first, second)] == ["maria", "maria"]


def test_watching_needs_no_version(app: Flask, store: Store) -> None:
    """Who follows a request is not what the page showed of it: no version asked."""
    request_id = file(app.test_client())
    ivan = agent(app, "ivan")
    url = f"/requests/{request_id}"
    fields = form_fields(text_of(ivan.get(url)), f"{url}/watchers")
    assert "version" not in fields
    assert ivan.post(f"{url}/watchers", data=fields | {"username": "maria"}).status_code == 303
    assert store.get_request(request_id).watchers == ["maria"]


def resolved(app: Flask, answer: str = "Switch the client to TCP 443.") -> int:
    request_id = file(app.test_client())
    ivan = agent(app, "ivan")
    url = f"/requests/{request_id}"
    assert (
        send(ivan, text_of(ivan.get(url)), f"{url}/resolve", resolution=answer).status_code == 303
    )
    return request_id


def test_an_article_is_not_drafted_from_an_answer_changed_since(app: Flask, store: Store) -> None:
    """The "Turn into an article" form carried no version: a request reopened and
    answered anew after the page was opened was drafted from an answer its
    agent never saw."""
    request_id = resolved(app)
    ivan, maria = agent(app, "ivan"), agent(app, "maria")
    url, action = f"/requests/{request_id}", f"/requests/{request_id}/article"
    marias_page = text_of(maria.get(url))
    assert form_fields(marias_page, action)["version"] == str(store.get_request(request_id).version)
    ivans_page = text_of(ivan.get(url))
    assert send(ivan, ivans_page, f"{url}/status", status="in_progress", note="").status_code == 303
    ivans_page = text_of(ivan.get(url))
    answer = "Use the new VPN profile."
    assert send(ivan, ivans_page, f"{url}/resolve", resolution=answer).status_code == 303

    refused = send(maria, marias_page, action)
    page = refused_page(maria, refused, "articles")
    assert CHANGED in page
    assert store.get_request(request_id).linked_articles == []
    # From the page shown again, at the current version, the draft is written.
    assert send(maria, page, action).status_code == 303
    [drafted] = store.get_request(request_id).linked_articles
    assert drafted.startswith("it/")


def test_an_article_form_without_its_version_drafts_nothing(app: Flask, store: Store) -> None:
    request_id = resolved(app)
    ivan = agent(app, "ivan")
    url, action = f"/requests/{request_id}", f"/requests/{request_id}/article"
    fields = form_fields(text_of(ivan.get(url)), action)
    del fields["version"]
    answer = ivan.post(action, data=fields)
    page = refused_page(ivan, answer, "articles")
    assert MISSING in page
    assert store.get_request(request_id).linked_articles == []
    assert send(ivan, page, action).status_code == 303


def test_a_second_click_on_turn_into_an_article_is_told_the_draft_exists(
    app: Flask, store: Store
) -> None:
    """The first click's draft changes the request: the second, from the same page,
    is told about the draft rather than that someone changed the request."""
    request_id = resolved(app)
    ivan = agent(app, "ivan")
    url, action = f"/requests/{request_id}", f"/requests/{request_id}/article"
    page = text_of(ivan.get(url))
    assert send(ivan, page, action).status_code == 303
    again = send(ivan, page, action)
    assert again.status_code == 303
    [drafted] = store.get_request(request_id).linked_articles
    assert f"This request already has the draft {drafted}" in text_of(ivan.get(url))
