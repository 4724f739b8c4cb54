"""Privacy between employees on a request (SQLite and PostgreSQL): who may add
watchers, who reads a request as its requester does."""

from __future__ import annotations

import io
from typing import Any

import pytest
from flask.testing import FlaskClient

from kb.store.protocols import Store
from tests.support import error_of, post_request_form, sign_in_as, text_of
from tests.webapp.backends import backend, settings  # noqa: F401 - fixtures, by name
from tests.webapp.catalogue.conftest import ONBOARDING_YML

pytestmark = pytest.mark.usefixtures("onboarding_content", "people")


@pytest.fixture
def onboarding_content(request_content: Any) -> Any:
    (request_content / "_workflows.yml").write_text(ONBOARDING_YML, encoding="utf-8")
    return request_content


def api(client: FlaskClient, user: str, method: str, path: str, **body: Any) -> Any:
    token = sign_in_as(client, user)
    return getattr(client, method)(path, json=body or None, headers={"X-CSRF-Token": token})


def onboarding(client: FlaskClient) -> int:
    fields = {"new_hire": "Jana Fischer", "start_date": "2099-01-04"}
    return filed(client, "emma", "", "", type="onboarding", fields=fields)


def filed(client: FlaskClient, user: str, query: str, description: str, **more: Any) -> int:
    # A question for IT, or (no question) the form of `more`.
    sent = {"description": description, "department": "it"} if query else more
    response = api(client, user, "post", "/api/requests", query=query, **sent)
    assert response.status_code == 201, text_of(response)
    return int(response.get_json()["id"])


def test_a_tasks_agent_may_not_add_watchers_the_owning_queue_and_requester_may(
    client: FlaskClient, store: Store
) -> None:
    """Red team: on HR's onboarding request, IT's agent (who works its laptop task)
    made olga a watcher, and olga read the request as its requester does. Only the
    requester and the owning queue's agents (and admins) add or remove others."""
    request_id = onboarding(client)
    url = f"/api/requests/{request_id}"
    assert api(client, "ivan", "get", url).get_json()["permissions"]["watch"] is False
    refused = api(client, "ivan", "post", f"{url}/watchers", username="olga")
    assert "tasks’ departments may not" in error_of(refused, 403, "forbidden")["message"]
    assert store.get_request(request_id).watchers == []
    assert api(client, "olga", "get", url).status_code == 404
    # The page offers IT's agent no form to add someone, and its form is refused too.
    token = sign_in_as(client, "ivan")
    page = text_of(client.get(f"/requests/{request_id}"))
    assert 'id="watcher-name"' not in page and "Watch this request" in page
    posted = post_request_form(client, token, request_id, "watchers", username="olga")
    assert posted.status_code == 403
    assert store.get_request(request_id).watchers == []
    # IT's agent may still watch it themselves, and stop.
    mine = client.post(f"{url}/watchers", json={}, headers={"X-CSRF-Token": token})
    assert mine.get_json()["watchers"] == ["ivan"], text_of(mine)
    assert api(client, "ivan", "delete", f"{url}/watchers/ivan").get_json()["watchers"] == []
    # The owning queue's agent and the requester add (and remove) anyone.
    assert api(client, "hanna", "get", url).get_json()["permissions"]["watch"] is True
    added = api(client, "hanna", "post", f"{url}/watchers", username="olga")
    assert added.get_json()["watchers"] == ["olga"]
    assert api(client, "olga", "get", url).status_code == 200
    removed = api(client, "ivan", "delete", f"{url}/watchers/olga")
    error_of(removed, 403, "forbidden")
    assert api(client, "emma", "delete", f"{url}/watchers/olga").get_json()["watchers"] == []
    assert api(client, "emma", "post", f"{url}/watchers", username="cora").status_code == 200
    assert api(client, "ada", "delete", f"{url}/watchers/cora").get_json()["watchers"] == []


def upload(client: FlaskClient, user: str, request_id: int, name: str, text: str) -> int:
    token = sign_in_as(client, user)
    sent = client.post(
        f"/api/requests/{request_id}/attachments",
        data={"file": (io.BytesIO(text.encode()), name)},
        headers={"X-CSRF-Token": token},
        content_type="multipart/form-data",
    )
    assert sent.status_code == 201, text_of(sent)
    return int(sent.get_json()["attachments"][0]["id"])


def test_a_merged_requester_follows_the_request_without_reading_its_requesters_own(
    client: FlaskClient, store: Store
) -> None:
    """Red team: once ivan merged emma's request D into olga's T, emma read T in
    full: olga's description and her payslip. She now follows T (its status, the
    agents' replies, the answer, and what she writes there), and nothing of olga's."""
    target = filed(client, "olga", "Payroll portal shows a wrong tax class",
                   "My salary is 4,200 and my tax class changed after my divorce.")  # fmt: skip
    payslip = upload(client, "olga", target, "payslip.txt", "Olga Petrova, net pay 2,871.13")
    api(client, "olga", "post", f"/api/requests/{target}/comments", text="Olga's own words")
    api(client, "ivan", "post", f"/api/requests/{target}/comments", text="We are looking at it.")
    duplicate = filed(client, "emma", "Payroll portal tax class wrong", "Mine is wrong too.")
    merged = api(client, "ivan", "post", f"/api/requests/{duplicate}/merge", into=target)
    assert merged.status_code == 200, text_of(merged)
    ivan_file = upload(client, "ivan", target, "how-to.txt", "Choose the tax class again.")

    url = f"/api/requests/{target}"
    shown = api(client, "emma", "get", url)
    assert shown.status_code == 200
    body = shown.get_json()
    request = body["request"]
    assert request["query"] == "Payroll portal shows a wrong tax class"
    for withheld in ("requester", "description", "fields", "search_query", "rating"):
        assert request[withheld] is None, withheld
    assert request["watchers"] == ["emma"]
    messages = [e["message"] for e in body["history"]]
    assert "We are looking at it." in messages and "Olga's own words" not in messages
    assert all(e["actor"] != "olga" for e in body["history"])
    assert "olga" not in shown.get_data(as_text=True)
    assert body["permissions"]["reply"] is True
    # Olga's payslip is neither listed nor downloaded; the agent's file is.
    listed = api(client, "emma", "get", f"{url}/attachments").get_json()["attachments"]
    assert [a["id"] for a in listed] == [ivan_file]
    assert api(client, "emma", "get", f"{url}/attachments/{payslip}").status_code == 404
    assert api(client, "emma", "get", f"{url}/attachments/{ivan_file}").status_code == 200
    # The page says as much: nothing of olga's, the agent's reply and file.
    page = text_of(client.get(f"/requests/{target}"))
    assert "We are looking at it." in page and "how-to.txt" in page
    for secret in ("4,200", "divorce", "payslip.txt", "Olga's own words", "olga"):
        assert secret not in page, secret
    # Emma replies and attaches on T, and reads what she wrote; so does the answer.
    replied = api(client, "emma", "post", f"{url}/comments", text="Emma's question too")
    assert replied.status_code == 201 and replied.get_json()["request"]["description"] is None
    mine = upload(client, "emma", target, "emma.txt", "my own file")
    api(client, "ivan", "patch", url, status="resolved", resolution="Fixed in the portal.")
    again = api(client, "emma", "get", url).get_json()
    assert again["request"]["resolution"] == "Fixed in the portal."
    assert again["request"]["status"] == "resolved"
    assert "Emma's question too" in [e["message"] for e in again["history"]]
    listed = api(client, "emma", "get", f"{url}/attachments").get_json()["attachments"]
    assert sorted(a["id"] for a in listed) == sorted([ivan_file, mine])
    # Her own description stays on her request; olga reads T (and emma's words) in full.
    assert (
        api(client, "emma", "get", f"/api/requests/{duplicate}").get_json()["request"][
            "description"
        ]
        == "Mine is wrong too."
    )
    full = api(client, "olga", "get", url).get_json()
    assert full["request"]["description"].startswith("My salary is 4,200")
    assert full["request"]["requester"] == "olga" and full["request"]["watchers"] == ["emma"]
    assert api(client, "olga", "get", f"{url}/attachments/{payslip}").status_code == 200
    # Stopping to watch answers what she read, no more; then T is hers no longer.
    left = api(client, "emma", "delete", f"{url}/watchers/emma").get_json()
    assert left["description"] is None and left["requester"] is None
    assert api(client, "emma", "get", url).status_code == 404


def test_a_merged_requester_reads_no_form_value_in_the_titles_of_the_request_or_its_tasks(
    client: FlaskClient,
) -> None:
    """Red team: merged into olga's onboarding request, emma read olga's new hire
    and start date in its title and its tasks' ("Laptop for Jana Fischer, starts
    2099-01-04"), in the API, its history and on the page. She reads it under the
    question of her own request, each task by number, department and status."""
    fields = {"new_hire": "Jana Fischer", "start_date": "2099-01-04"}
    target = filed(client, "olga", "", "", type="onboarding", fields=fields)
    mine = {"new_hire": "Max Muster", "start_date": "2099-02-01"}
    duplicate = filed(client, "emma", "", "", type="onboarding", fields=mine)
    merged = api(client, "hanna", "post", f"/api/requests/{duplicate}/merge", into=target)
    assert merged.status_code == 200, text_of(merged)
    done = api(client, "hanna", "post", f"/api/requests/{target}/tasks/1/done")
    assert done.status_code == 200, text_of(done)

    url = f"/api/requests/{target}"
    shown = api(client, "emma", "get", url)
    body = shown.get_json()
    assert body["request"]["query"] == "Onboarding Max Muster, starts 2099-02-01"
    assert [(t["department"], t["title"], t["status"]) for t in body["tasks"]] == [
        ("hr", None, "done"),
        ("it", None, "open"),
    ]
    [task_entry] = [e for e in body["history"] if e["kind"] == "task"]
    assert task_entry["data"]["title"] is None and task_entry["data"]["task"] == 1
    for secret in ("Jana", "2099-01-04"):
        assert secret not in shown.get_data(as_text=True), secret
    page = text_of(client.get(f"/requests/{target}"))
    assert "Task 2" in page and "Max Muster" in page
    for secret in ("Jana", "2099-01-04"):
        assert secret not in page, secret
    # The owning queue's agent and olga read every title.
    whole = api(client, "hanna", "get", url).get_json()
    assert whole["tasks"][1]["title"] == "Laptop for Jana Fischer, starts 2099-01-04"
    assert "Jana Fischer" in api(client, "olga", "get", url).get_json()["request"]["query"]
